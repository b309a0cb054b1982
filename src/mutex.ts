/**
 * In-process mutexes: the lock a region uses when its backend offers none,
 * and the first layer in front of a backend's shared lock.
 *
 * @module
 */
import type { CacheMutex } from './api.js';

/**
 * An async mutex for one process (one tab, one worker, one Node process).
 * Waiters are served first come, first served; `release` hands the lock to the
 * next waiter directly, so no newcomer can overtake a waiter.
 */
export class ProcessMutex implements CacheMutex {
  #held = false;
  #waiters: Array<(acquired: boolean) => void> = [];
  readonly #onIdle: (() => void) | undefined;

  /** @param onIdle Called when a release leaves the mutex free with nobody waiting. */
  constructor(onIdle?: () => void) {
    this.#onIdle = onIdle;
  }

  acquire(wait = true): Promise<boolean> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(true);
    }
    if (!wait) return Promise.resolve(false);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    if (!this.#held) return;
    const next = this.#waiters.shift();
    if (next) next(true);
    else {
      this.#held = false;
      this.#onIdle?.();
    }
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
    return !this.#held && this.#waiters.length === 0;
  }
}

/**
 * One {@link ProcessMutex} per key, created on demand and dropped once nobody
 * holds, waits for or has checked it out, so a region that sees millions of
 * keys keeps only the locks in use.
 */
export class MutexRegistry {
  #entries = new Map<string, { mutex: ProcessMutex; refs: number }>();

  /** The mutex for `key`, created if needed. Pair every call with {@link checkin}. */
  checkout(key: string): ProcessMutex {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { mutex: new ProcessMutex(() => this.#drop(key)), refs: 0 };
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

  /** Whether the shared lock says to read again (see {@link CacheMutex.readAgain}). */
  readAgain(): boolean {
    return this.shared.readAgain?.() ?? false;
  }

  /** Waits for the shared lock to be free (see {@link CacheMutex.waitUntilFree}). */
  async waitUntilFree(): Promise<void> {
    if (this.shared.waitUntilFree) return this.shared.waitUntilFree();
    if (await this.acquire(true)) this.release();
  }
}
