/**
 * In-process mutexes: the lock a region uses when its backend offers none,
 * and the first layer in front of a backend's shared lock.
 *
 * @module
 */
import type { CacheMutex } from '../api.js';

/**
 * An async mutex for one process (one tab, one worker, one Node process).
 * Waiters are served first come, first served; `release` hands the lock to the
 * next waiter directly, so no newcomer can overtake a waiter.
 */
export class ProcessMutex implements CacheMutex {
  #held = false;
  #waiters: Array<(acquired: boolean) => void> = [];
  /** Resolves the callers of {@link waitUntilFree} at the next release. */
  #freed: { promise: Promise<void>; resolve: () => void } | undefined;
  readonly #onRelease: (() => void) | undefined;
  readonly #onIdle: (() => void) | undefined;

  /**
   * @param onIdle Called when a release leaves the mutex free with nobody waiting.
   * @param onRelease Called at every release.
   */
  constructor(onIdle?: () => void, onRelease?: () => void) {
    this.#onIdle = onIdle;
    this.#onRelease = onRelease;
  }

  acquire(wait = true): Promise<boolean> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(true);
    }
    if (!wait) return Promise.resolve(false);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * {@link acquire}`(false)` without a promise: takes the lock if it is free.
   * Lets a caller that finds the key free start creating in the same tick
   * (so a stampede's other callers queue while the creator already runs).
   */
  tryAcquire(): boolean {
    if (this.#held) return false;
    this.#held = true;
    return true;
  }

  release(): void {
    if (!this.#held) return;
    this.#onRelease?.();
    const freed = this.#freed;
    this.#freed = undefined;
    freed?.resolve();
    const next = this.#waiters.shift();
    if (next) next(true);
    else {
      this.#held = false;
      this.#onIdle?.();
    }
  }

  /**
   * Resolves at the holder's next release (at once when nobody holds it),
   * without taking the lock: every caller waiting this way wakes together.
   */
  waitUntilFree(): Promise<void> {
    if (!this.#held) return Promise.resolve();
    if (!this.#freed) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.#freed = { promise, resolve };
    }
    return this.#freed.promise;
  }

  locked(): Promise<boolean> {
    return Promise.resolve(this.#held);
  }

  /** Synchronous view of {@link locked}, for callers that must not yield. */
  get isLocked(): boolean {
    return this.#held;
  }

  /** Whether nobody holds or waits for the lock. */
  get idle(): boolean {
    return !this.#held && this.#waiters.length === 0 && this.#freed === undefined;
  }
}

/**
 * One {@link ProcessMutex} per key, created on demand and dropped once nobody
 * holds, waits for or has checked it out, so a region that sees millions of
 * keys keeps only the locks in use.
 */
export class MutexRegistry {
  #entries = new Map<string, { mutex: ProcessMutex; refs: number }>();
  #releases = 0;
  readonly #countRelease = () => {
    this.#releases++;
  };

  /**
   * How many releases the registry's mutexes have seen. A caller that notes
   * it before reading a value and finds it unchanged after taking a lock
   * knows that no holder of this registry wrote in between.
   */
  get releases(): number {
    return this.#releases;
  }

  /** The mutex for `key`, created if needed. Pair every call with {@link checkin}. */
  checkout(key: string): ProcessMutex {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { mutex: new ProcessMutex(() => this.#drop(key), this.#countRelease), refs: 0 };
      this.#entries.set(key, entry);
    }
    entry.refs++;
    return entry.mutex;
  }

  /** Says the caller is done with the mutex it checked out for `key`. */
  checkin(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.refs--;
    this.#drop(key);
  }

  /** The mutex for `key` if one is in use. */
  peek(key: string): ProcessMutex | undefined {
    return this.#entries.get(key)?.mutex;
  }

  /** Number of keys with a mutex in use. */
  get size(): number {
    return this.#entries.size;
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    if (entry && entry.refs <= 0 && entry.mutex.idle) this.#entries.delete(key);
  }
}

/**
 * Takes an in-process lock, then a shared one. The local layer makes callers
 * of one process queue among themselves, so at most one of them contends for
 * the shared lock (a Web Lock across tabs, say).
 */
export class LayeredMutex implements CacheMutex {
  readonly local: CacheMutex;
  readonly shared: CacheMutex;

  constructor(local: CacheMutex, shared: CacheMutex) {
    this.local = local;
    this.shared = shared;
  }

  async acquire(wait = true): Promise<boolean> {
    if (!(await this.local.acquire(wait))) return false;
    let acquired = false;
    try {
      acquired = await this.shared.acquire(wait);
    } finally {
      if (!acquired) this.local.release();
    }
    return acquired;
  }

  release(): void {
    try {
      this.shared.release();
    } finally {
      this.local.release();
    }
  }

  async locked(): Promise<boolean> {
    return (await this.local.locked()) || (await this.shared.locked());
  }

  /**
   * Waits for the shared lock's holder to release it (see
   * {@link CacheMutex.waitUntilFree}); for a shared lock that cannot tell,
   * for the holder in this process.
   */
  async waitUntilFree(): Promise<void> {
    if (this.shared.waitUntilFree) return this.shared.waitUntilFree();
    if (this.local.waitUntilFree) return this.local.waitUntilFree();
    if (await this.local.acquire(true)) this.local.release();
  }
}
