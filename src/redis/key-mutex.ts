/**
 * The creation lock the Redis backend hands the region for one key: an
 * in-process layer in front of the Redis lock, whose `waitUntilFree` also
 * waits for this process's own holder.
 *
 * @module
 */
import type { CacheMutex } from '../api.js';
import { LayeredMutex } from '../lock/mutex.js';
import type { RedisLock } from './redis-lock.js';

/**
 * Which keys a caller of this process holds the in-process layer of, with
 * a promise per key that settles when it lets go.
 */
export class LocalHolds {
  readonly #held = new Map<string, { released: Promise<void>; release: () => void }>();

  /** Records that a caller of this process took the in-process lock of `key`. */
  enter(key: string): void {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.#held.set(key, { released, release });
  }

  /** Records that it let go. */
  leave(key: string): void {
    const entry = this.#held.get(key);
    this.#held.delete(key);
    entry?.release();
  }

  /** Resolves once no caller of this process holds the in-process lock of `key`. */
  async untilFree(key: string): Promise<void> {
    for (let entry = this.#held.get(key); entry; entry = this.#held.get(key)) await entry.released;
  }
}

/** The in-process layer, reporting who holds it to {@link LocalHolds}. */
class TrackedLocal implements CacheMutex {
  readonly #inner: CacheMutex;
  readonly #holds: LocalHolds;
  readonly #key: string;
  #held = false;

  constructor(inner: CacheMutex, holds: LocalHolds, key: string) {
    this.#inner = inner;
    this.#holds = holds;
    this.#key = key;
  }

  async acquire(wait = true): Promise<boolean> {
    const acquired = await this.#inner.acquire(wait);
    if (acquired) {
      this.#held = true;
      this.#holds.enter(this.#key);
    }
    return acquired;
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#holds.leave(this.#key);
    this.#inner.release();
  }

  locked(): Promise<boolean> {
    return this.#inner.locked();
  }
}

/**
 * `LayeredMutex(in-process, RedisLock)` for one key. Its `waitUntilFree`
 * first waits for a caller of this process that holds the in-process layer
 * (it may not have set the Redis lock yet, or be creating under it), then
 * for the Redis lock: so the callers of the creating process wait beside
 * each other for the value, as the other processes' callers do, instead of
 * finding Redis free a moment early and queueing for the lock one by one.
 */
export class RedisKeyMutex extends LayeredMutex {
  readonly #holds: LocalHolds;
  readonly #key: string;

  constructor(local: CacheMutex, shared: RedisLock, holds: LocalHolds, key: string) {
    super(new TrackedLocal(local, holds, key), shared);
    this.#holds = holds;
    this.#key = key;
  }

  override async waitUntilFree(): Promise<void> {
    await this.#holds.untilFree(this.#key);
    await (this.shared as RedisLock).waitUntilFree();
  }
}
