/**
 * The state machine behind the Preact and React `useCachedValue`, free of
 * any UI framework: it shows what a region holds for one key, regenerates it
 * through dogpile's lock when it is missing or stale, and follows every
 * change to the entry (here, in other tabs, or reported by the backend).
 *
 * @module
 */
import type { CacheRegion, MaybePromise, RegionEvent } from '../index.js';
import { peekEntry, sharedMutex, storedKey, type PeekedEntry } from './peek-entry.js';
import { initialSnapshot, sameSnapshot, type CachedEntrySnapshot } from './snapshot.js';

export { initialSnapshot, type CachedEntrySnapshot, type CachedValueStatus } from './snapshot.js';

/** Options of {@link CachedEntry} (and `useCachedValue`). */
export interface CachedEntryOptions<V> {
  /** Overrides the region's expiration time for this entry (ms; -1 or `Infinity`: never). */
  expirationTime?: number;
  /** Decides whether a created value is stored, as in `getOrCreate`. */
  shouldCacheFn?: (value: V) => MaybePromise<boolean>;
  /** Regenerate as soon as the value expires, rather than on the next read. Default `true`. */
  revalidateOnExpire?: boolean;
}

// setTimeout fires at once for delays beyond 2^31-1 ms.
const MAX_DELAY = 2 ** 31 - 1;
// Rounds of "served a stale value, wait for the other creator, look again".
const MAX_ROUNDS = 3;

/**
 * Follows one key of one region. `start()` loads it and subscribes to the
 * region's events; `dispose()` unsubscribes, stops timers and drops the
 * results of anything still pending (a creator that is running still stores
 * its value: it is never lost, only no longer shown here).
 */
export class CachedEntry<V> {
  readonly region: CacheRegion;
  readonly key: string;
  readonly #creator: () => () => MaybePromise<V>;
  readonly #options: CachedEntryOptions<V>;
  readonly #onChange: (snapshot: CachedEntrySnapshot<V>) => void;
  #snapshot: CachedEntrySnapshot<V>;
  #generation = 0;
  #inFlight = 0;
  #dirty = false;
  #disposed = false;
  #started = false;
  // Set while this entry's own creator or refresh writes, so the region's
  // `created`/`set` event for that write does not trigger a reload.
  #expectOwnWrite = false;
  // Set from the start of this entry's own creator until its getOrCreate settles: that
  // creator's failure is reported by getOrCreate, not by the region's error event.
  #ownCreating = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #unsubscribe: (() => void) | undefined;

  /**
   * @param getCreator Returns the creator to use now (so a UI can pass a new closure on every render).
   *   It must return a creator for this entry's region and `key` only: see `latestForKey`.
   * @param onChange Receives every new snapshot.
   */
  constructor(
    region: CacheRegion,
    key: string,
    getCreator: () => () => MaybePromise<V>,
    options: CachedEntryOptions<V>,
    onChange: (snapshot: CachedEntrySnapshot<V>) => void,
  ) {
    if (typeof key !== 'string') throw new TypeError(`dogpile-cache: the key must be a string, got ${typeof key}`);
    if (typeof getCreator !== 'function') throw new TypeError('dogpile-cache: getCreator must be a function');
    this.region = region;
    this.key = key;
    this.#creator = getCreator;
    this.#options = options;
    this.#onChange = onChange;
    this.#snapshot = initialSnapshot(key);
  }

  /** The latest snapshot. */
  get snapshot(): CachedEntrySnapshot<V> {
    return this.#snapshot;
  }

  /** Subscribes to the region and loads the entry. Calling it twice does nothing. */
  start(): void {
    if (this.#started || this.#disposed) return;
    this.#started = true;
    this.#unsubscribe = this.region.subscribe(this.#onEvent);
    void this.#load();
  }

  /** Stops following the entry. Pending work completes, unseen. */
  dispose(): void {
    this.#disposed = true;
    this.#generation++;
    this.#clearTimer();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Looks again: shows the stored value, regenerating it if it is missing or stale. */
  reload(): Promise<void> {
    if (this.#disposed) return Promise.resolve();
    return this.#load();
  }

  /**
   * Runs the creator now and stores its value, whatever is cached (as
   * dogpile.cache's `refresh`). The current value stays visible as `stale`
   * meanwhile. A failed write still shows the new value, with `error` set.
   */
  async refresh(): Promise<void> {
    if (this.#disposed) return;
    const generation = this.#begin();
    const current = () => generation === this.#generation;
    const previous = this.#snapshot;
    this.#show(
      previous.value === undefined
        ? initialSnapshot<V>(this.key)
        : { key: this.key, status: 'stale', value: previous.value, error: undefined, createdAt: previous.createdAt, expiresAt: previous.expiresAt, source: previous.source ?? 'cache' },
    );
    try {
      let value: V;
      try {
        value = await this.#creator()();
      } catch (error) {
        if (current()) this.#showError(error);
        return;
      }
      let writeError: unknown;
      const { shouldCacheFn } = this.#options;
      let stored = false;
      try {
        if (!shouldCacheFn || (await shouldCacheFn(value))) {
          this.#expectOwnWrite = true;
          try {
            await this.region.set(this.key, value);
          } finally {
            this.#expectOwnWrite = false;
          }
          stored = true;
        }
      } catch (error) {
        writeError = error;
      }
      if (current()) this.#showCreated(value, stored, writeError);
    } finally {
      this.#end();
    }
  }

  // ---------------------------------------------------------------- internals

  #onEvent = (event: RegionEvent): void => {
    if (this.#disposed) return;
    if (event.type === 'invalidated') {
      this.#changed();
      return;
    }
    if (!('key' in event) || (event.key !== this.key && event.key !== storedKey(this.region, this.key))) return;
    switch (event.type) {
      case 'error':
        // Another caller's creator failed while this entry shows the value it was replacing:
        // the value stays (no created event will come), with that error attached.
        if (event.operation === 'creator' && !this.#ownCreating && this.#snapshot.status === 'stale') this.#show({ ...this.#snapshot, error: event.error });
        return;
      case 'created':
        // A value that was not stored changes nothing here (and reloading on
        // it would make two such callers regenerate each other forever).
        if (!event.cached || this.#expectOwnWrite) return;
        break;
      case 'set':
        // Another tab's write (remote) always counts, even while this entry writes its own.
        if (this.#expectOwnWrite && !event.remote) return;
        break;
      case 'delete':
        break;
      default:
        return;
    }
    this.#changed();
  };

  /** The entry changed elsewhere: look again, after the current load if one runs. */
  #changed(): void {
    if (this.#inFlight > 0) this.#dirty = true;
    else void this.#load();
  }

  #begin(): number {
    this.#clearTimer();
    this.#inFlight++;
    return ++this.#generation;
  }

  #end(): void {
    this.#inFlight--;
    if (this.#inFlight === 0 && this.#dirty && !this.#disposed) {
      this.#dirty = false;
      void this.#load();
    }
  }

  async #load(): Promise<void> {
    const generation = this.#begin();
    try {
      await this.#run(() => generation === this.#generation);
    } finally {
      this.#end();
    }
  }

  async #run(current: () => boolean): Promise<void> {
    const { region, key } = this;
    const { expirationTime, shouldCacheFn } = this.#options;
    // Look first (uncounted), so a stale value shows as such while getOrCreate
    // regenerates it, and a fresh one shows without waiting for the lock.
    const entry = await peekEntry<V>(region, key, expirationTime);
    if (!current()) return;
    const seenFresh = entry?.state === 'fresh' ? entry : undefined;
    if (seenFresh) this.#showEntry(seenFresh);
    else if (entry && entry.state !== 'hard-invalidated') this.#showStale(entry);
    else this.#show(initialSnapshot<V>(key));

    for (let round = 0; round < MAX_ROUNDS; round++) {
      let ran = false;
      let pending = true;
      let failed: { error: unknown } | undefined;
      const getCreator = this.#creator;
      const creator = async (): Promise<V> => {
        ran = true;
        this.#ownCreating = true;
        let value: V;
        try {
          value = await getCreator()();
        } catch (error) {
          failed = { error };
          throw error;
        }
        if (pending) this.#expectOwnWrite = true;
        return value;
      };
      let value: V;
      try {
        value = await region.getOrCreate<V>(key, creator, { expirationTime, shouldCacheFn });
      } catch (error) {
        if (current()) this.#showError(error);
        return;
      } finally {
        pending = false;
        this.#expectOwnWrite = false;
        // Cleared only now: the region reports the creator's error before getOrCreate settles.
        this.#ownCreating = false;
      }
      if (!current()) return;
      if (failed) {
        // Our creator failed, yet getOrCreate served a value: the stale one (`staleIfError`).
        const stored = await peekEntry<V>(region, key, expirationTime);
        if (!current()) return;
        if (stored?.state === 'fresh') this.#showEntry(stored);
        else this.#show({ key, status: 'stale', value, error: failed.error, createdAt: stored?.createdAt, expiresAt: stored?.expiresAt, source: 'cache' });
        return;
      }
      if (ran) {
        // The stored creation time, so every tab shows the same age for a shared entry.
        const stored = await peekEntry<V>(region, key, expirationTime);
        if (!current()) return;
        if (stored?.state === 'fresh') this.#showEntry({ ...stored, value }, 'creator');
        else this.#showCreated(value, true, undefined);
        return;
      }
      // The read the region counted (a hit) of the fresh value we saw.
      if (seenFresh && round === 0) {
        this.#showEntry({ ...seenFresh, value });
        return;
      }
      // Served by someone else's creator, or a stale value while another
      // caller (maybe in another tab) regenerates: look at what is stored.
      const after = await peekEntry<V>(region, key, expirationTime);
      if (!current()) return;
      if (after?.state === 'fresh') {
        this.#showEntry(after);
        return;
      }
      if (!after || after.state === 'hard-invalidated') {
        // The value reached us but was not stored (shouldCacheFn said no, or the write failed).
        this.#show({ key, status: 'fresh', value, error: undefined, createdAt: undefined, expiresAt: undefined, source: 'cache' });
        return;
      }
      this.#showStale(after);
      const mutex = sharedMutex(region, key);
      // In-process lock: the creator's `created` event will bring us back.
      if (!mutex) return;
      // Shared lock: it is free once the other tab has stored its value.
      if (await mutex.acquire(true)) mutex.release();
      if (!current()) return;
    }
  }

  #showEntry(entry: PeekedEntry<V>, source: 'cache' | 'creator' = 'cache'): void {
    this.#show({ key: this.key, status: 'fresh', value: entry.value, error: undefined, createdAt: entry.createdAt, expiresAt: entry.expiresAt, source });
    this.#scheduleExpiry(entry.expiresAt);
  }

  #showStale(entry: PeekedEntry<V>): void {
    this.#show({ key: this.key, status: 'stale', value: entry.value, error: undefined, createdAt: entry.createdAt, expiresAt: entry.expiresAt, source: 'cache' });
  }

  #showError(error: unknown): void {
    const { value, createdAt, expiresAt, source } = this.#snapshot;
    // The last value shown (or none): one of ErrorSnapshot's two members.
    this.#show({ key: this.key, status: 'error', value, error, createdAt, expiresAt, source } as CachedEntrySnapshot<V>);
  }

  #showCreated(value: V, stored: boolean, error: unknown): void {
    const createdAt = Date.now();
    const expiration = this.#expirationMs();
    const expiresAt = stored && expiration !== undefined ? createdAt + expiration : undefined;
    this.#show({ key: this.key, status: 'fresh', value, error, createdAt, expiresAt, source: 'creator' });
    this.#scheduleExpiry(expiresAt);
  }

  #expirationMs(): number | undefined {
    const ms = this.#options.expirationTime ?? this.region.expirationTime;
    return ms === undefined || ms === -1 || ms === Infinity ? undefined : ms;
  }

  #scheduleExpiry(expiresAt: number | undefined): void {
    this.#clearTimer();
    if (expiresAt === undefined || this.#options.revalidateOnExpire === false || this.#disposed) return;
    // +1: a value is expired only once its age exceeds the expiration time.
    const delay = Math.min(Math.max(0, expiresAt - Date.now() + 1), MAX_DELAY);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#changed();
    }, delay);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #show(next: CachedEntrySnapshot<V>): void {
    if (this.#disposed || sameSnapshot(this.#snapshot, next)) return;
    this.#snapshot = next;
    this.#onChange(next);
  }
}
