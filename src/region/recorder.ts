/**
 * What a region records of what happens to it: one method per state change,
 * each bumping its counter and emitting its event (only when somebody
 * listens). The only place a region's stats are touched.
 *
 * @module
 */
import type { BackendChange, BackendNotice } from '../api.js';
import { emptyStats, Subscribable, type RegionErrorRecord, type RegionEvent, type RegionListener, type RegionStats } from '../events.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
import type { LockObserver } from '../lock/lock.js';

/** Faults {@link Recorder.recentErrors} keeps. */
const RECENT_ERRORS = 10;

/** A region's counters, recent faults and event listeners. */
export class Recorder {
  /** The region's listeners; emit through the methods below. */
  readonly events = new Subscribable<RegionListener>();
  #stats = emptyStats();
  #recentErrors: RegionErrorRecord[] = [];

  /**
   * @param name The region's name, carried by every event.
   * @param now The region's clock.
   */
  constructor(
    readonly name: string | undefined,
    readonly now: () => number,
  ) {}

  /** Whether anybody listens: emitters skip building events otherwise. */
  get listened(): boolean {
    return this.events.size > 0;
  }

  /** A snapshot of the counters. */
  stats(): RegionStats {
    return { ...this.#stats };
  }

  /** The last faults absorbed (oldest first). */
  recentErrors(): RegionErrorRecord[] {
    return [...this.#recentErrors];
  }

  /** Sets every counter back to zero and forgets the recent faults. */
  reset(): void {
    this.#stats = emptyStats();
    this.#recentErrors = [];
  }

  /** A read found a usable value. */
  hit(key: string): void {
    this.#stats.hits++;
    if (this.events.size) this.#emit({ type: 'hit', key });
  }

  /** A read found nothing usable. */
  miss(key: string): void {
    this.#stats.misses++;
    if (this.events.size) this.#emit({ type: 'miss', key });
  }

  /** An expired value was served while another caller regenerates it. */
  stale(key: string): void {
    this.#stats.staleServed++;
    if (this.events.size) this.#emit({ type: 'stale', key });
  }

  /** A caller waited `durationMs` for another's creator and got its value. */
  waited(key: string, durationMs: number): void {
    this.#stats.waits++;
    if (this.events.size) this.#emit({ type: 'waited', key, durationMs });
  }

  /** `count` callers joined one wait and got its value (counted only: joined waits are taken only while nobody listens). */
  readonly joinedWaits = (count: number): void => {
    this.#stats.waits += count;
  };

  /** A creator returned; `cached` says whether its value was stored (which also counts a set). */
  created(key: string, durationMs: number, cached: boolean): void {
    this.#stats.creations++;
    if (cached) this.#stats.sets++;
    if (this.events.size) {
      this.#emit({ type: 'created', key, durationMs, cached });
      if (cached) this.#emit({ type: 'set', key, remote: false });
    }
  }

  /** A value was stored here under `key`. */
  set(key: string): void {
    this.#stats.sets++;
    if (this.events.size) this.#emit({ type: 'set', key, remote: false });
  }

  /** `count` entries were removed here; `keys` names them, when known. */
  deleted(count: number, keys: readonly string[] | undefined): void {
    this.#stats.deletes += count;
    if (this.events.size && keys) for (const key of keys) this.#emit({ type: 'delete', key, remote: false });
  }

  /** The creation lock of `key` was taken. */
  lockAcquired(key: string): void {
    if (this.events.size) this.#emit({ type: 'lockAcquired', key });
  }

  /** The creation lock of `key` was given up. */
  lockReleased(key: string): void {
    if (this.events.size) this.#emit({ type: 'lockReleased', key });
  }

  /** A waiter gave up after `waitedMs` and creates without the lock. */
  lockTimeout(key: string, waitedMs: number): void {
    this.#stats.lockTimeouts++;
    if (this.events.size) this.#emit({ type: 'lockTimeout', key, waitedMs });
  }

  /** A fault the region absorbed (or a creator's error, which its caller also gets). */
  error(operation: string, error: unknown, key: string | undefined): void {
    this.#stats.errors++;
    const keyed = key === undefined ? {} : { key };
    // Kept whether or not anyone listens, so a debugger opened later still sees them.
    this.#recentErrors.push({ time: this.now(), operation, error, ...keyed });
    if (this.#recentErrors.length > RECENT_ERRORS) this.#recentErrors.shift();
    if (this.events.size) this.#emit({ type: 'error', operation, error, ...keyed });
  }

  /** The region was invalidated, here or (`remote`) elsewhere. */
  invalidated(hard: boolean, at: number, remote: boolean): void {
    this.#stats.invalidations++;
    if (this.events.size) this.#emit({ type: 'invalidated', hard, at, remote });
  }

  /** The backend reported a fallback or an eviction. */
  notice(notice: BackendNotice): void {
    if (this.events.size) this.#emit({ type: 'notice', ...notice });
  }

  /** Another tab or process wrote or removed an entry (not counted: the counters are this region's). */
  remoteChange(change: BackendChange): void {
    if (!this.events.size) return;
    const { kind, key, ct, origin, createdBy, creationMs } = change;
    this.#emit({
      type: kind,
      key,
      remote: true,
      ...(ct === undefined ? {} : { ct }),
      ...(origin === undefined ? {} : { origin }),
      ...(createdBy === undefined ? {} : { createdBy }),
      ...(creationMs === undefined ? {} : { creationMs }),
    });
  }

  /** What the lock does for `key`, recorded here. */
  observer(key: string): LockObserver {
    return new KeyObserver(this, key);
  }

  /** Emits an event of this region, now. */
  #emit(event: DistributiveOmit<RegionEvent, 'region' | 'time'>): void {
    this.events.emit({ ...event, region: this.name, time: this.now() } as RegionEvent);
  }
}

/** A {@link LockObserver} for one key. A class, not a literal of closures: a stampede makes one per waiting caller. */
class KeyObserver implements LockObserver {
  readonly #recorder: Recorder;
  readonly #key: string;

  constructor(recorder: Recorder, key: string) {
    this.#recorder = recorder;
    this.#key = key;
  }

  hit(): void {
    this.#recorder.hit(this.#key);
  }
  miss(): void {
    this.#recorder.miss(this.#key);
  }
  stale(): void {
    this.#recorder.stale(this.#key);
  }
  waited(durationMs: number): void {
    this.#recorder.waited(this.#key, durationMs);
  }
  acquired(): void {
    this.#recorder.lockAcquired(this.#key);
  }
  released(): void {
    this.#recorder.lockReleased(this.#key);
  }
  lockTimeout(waitedMs: number): void {
    this.#recorder.lockTimeout(this.#key, waitedMs);
  }
}
