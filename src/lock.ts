/**
 * dogpile's `Lock`: the algorithm that lets exactly one caller regenerate a
 * value while the others wait (no value yet) or get the stale one (expired).
 * It knows nothing of backends or regions: it is given a mutex, a getter, a
 * creator and an expiration time.
 *
 * @module
 */
import type { CacheMutex } from './api.js';

/** A value as the lock sees it: the payload and when it was created (epoch ms). */
export interface LockEntry<V> {
  value: V;
  createdTime: number;
}

/** What happened inside the lock, for the region's events and counters. All optional. */
export interface LockObserver {
  /** The first read found a fresh value. */
  hit?(): void;
  /** The first read found nothing; the caller waits for the lock. */
  miss?(): void;
  /** An expired value was returned while someone else regenerates it. */
  stale?(): void;
  /** After waiting for the lock, a value made by another caller was found. */
  waited?(waitedMs: number): void;
  /** The creation lock was taken. */
  acquired?(): void;
  /** The creation lock was given up (not called when handed to an async runner). */
  released?(): void;
  /** Waiting for the lock exceeded `lockTimeout`; this caller creates without it. */
  lockTimeout?(waitedMs: number): void;
}

/** The inputs of one pass through the lock. */
export interface LockOptions<V> {
  /** Guards creation of this one key. */
  mutex: CacheMutex;
  /** Reads the current value; `undefined` when there is none (or it must be regenerated). */
  getter: () => Promise<LockEntry<V> | undefined>;
  /** Makes, stores and returns a new value. */
  creator: () => Promise<LockEntry<V>>;
  /** Age (ms) after which a value is expired; `undefined` for never. */
  expirationTime: number | undefined;
  /**
   * Takes over the held mutex to regenerate in the background while the
   * caller returns the stale value. It must release the mutex when done.
   */
  asyncCreator?: (mutex: CacheMutex) => void;
  /** Stop waiting for the mutex after this many ms and create anyway. */
  lockTimeout?: number;
  /**
   * The value the caller has already read, if any (`undefined`: none). When
   * given, the first read is skipped, so an expired value whose lock is free
   * costs one backend read in all.
   */
  first?: LockEntry<V> | undefined;
  /** The clock (epoch ms). */
  now: () => number;
  observer?: LockObserver;
}

/** What {@link acquireBlocking} resolves with when `lockTimeout` ran out first. */
export const TIMED_OUT = Symbol('timed out');

function isExpired<V>(options: LockOptions<V>, entry: LockEntry<V>): boolean {
  return options.expirationTime !== undefined && options.now() - entry.createdTime > options.expirationTime;
}

/**
 * Waits for the mutex, or for `lockTimeout` ms if set. A grant that arrives
 * after the timeout is released at once.
 */
export async function acquireBlocking(mutex: CacheMutex, lockTimeout: number | undefined): Promise<true | typeof TIMED_OUT> {
  const acquiring = mutex.acquire(true);
  if (lockTimeout === undefined) {
    await acquiring;
    return true;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve(TIMED_OUT);
    }, lockTimeout);
  });
  // A grant that arrives after we gave up must not keep the lock forever.
  acquiring.then((ok) => {
    if (timedOut && ok) mutex.release();
  }, () => {});
  try {
    return await Promise.race([acquiring.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs dogpile's lock once and resolves with the value the caller should get:
 *
 * - a fresh value: returned at once;
 * - an expired value: if the mutex is free, this caller regenerates (or hands
 *   the mutex to `asyncCreator` and returns the stale value); if it is busy,
 *   the stale value is returned without waiting;
 * - no value: wait for the mutex, read again (another caller may have created
 *   it meanwhile), and create if still needed.
 */
export async function runLock<V>(options: LockOptions<V>): Promise<V> {
  const { mutex, observer } = options;
  let entry = 'first' in options ? options.first : await options.getter();
  if (entry !== undefined && !isExpired(options, entry)) {
    observer?.hit?.();
    return entry.value;
  }

  let holdsLock: boolean;
  let hasValue = entry !== undefined;
  if (entry !== undefined) {
    if (!(await mutex.acquire(false))) {
      observer?.stale?.();
      return entry.value;
    }
    holdsLock = true;
    observer?.acquired?.();
    if (mutex.readAgain?.()) {
      // The previous holder (another tab) wrote this key moments ago, and the
      // write has only now become visible here: read once more before regenerating.
      let again: LockEntry<V> | undefined;
      try {
        again = await options.getter();
      } catch (error) {
        release(options);
        throw error;
      }
      if (again !== undefined && !isExpired(options, again)) {
        release(options);
        observer?.hit?.();
        return again.value;
      }
      if (again !== undefined) entry = again;
    }
  } else {
    observer?.miss?.();
    const started = options.now();
    let acquired = false;
    if (mutex.waitUntilFree && options.lockTimeout === undefined) {
      // Another caller (maybe another tab) is creating it: wait beside every
      // other waiter for it to finish, then read; the lock is taken only if
      // the value is still missing.
      acquired = await mutex.acquire(false);
      if (!acquired) {
        await mutex.waitUntilFree();
        const seen = await options.getter();
        if (seen !== undefined && !isExpired(options, seen)) {
          observer?.waited?.(options.now() - started);
          return seen.value;
        }
      }
    }
    holdsLock = acquired || (await acquireBlocking(mutex, options.lockTimeout)) === true;
    if (holdsLock) observer?.acquired?.();
    else observer?.lockTimeout?.(options.now() - started);
    // Someone else may have created it while we waited.
    const again = await options.getter();
    if (again !== undefined) {
      if (!isExpired(options, again)) {
        if (holdsLock) release(options);
        observer?.waited?.(options.now() - started);
        return again.value;
      }
      entry = again;
      hasValue = true;
    }
  }

  let handedOff = false;
  try {
    if (hasValue && holdsLock && options.asyncCreator) {
      options.asyncCreator(mutex);
      handedOff = true;
      observer?.stale?.();
      return entry!.value;
    }
    return (await options.creator()).value;
  } finally {
    if (holdsLock && !handedOff) release(options);
  }
}

function release<V>(options: LockOptions<V>): void {
  options.mutex.release();
  options.observer?.released?.();
}
