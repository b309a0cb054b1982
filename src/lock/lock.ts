/**
 * dogpile's `Lock`: the algorithm that lets exactly one caller regenerate a
 * value while the others wait (no value yet) or get the stale one (expired),
 * for one key ({@link runLock}; many keys: `runLockMulti` in lock-multi.ts). It knows
 * nothing of backends or regions: it is given a mutex, a reader, a creator
 * and what the region thinks of a value it read. {@link KeyPasses} keeps a
 * region's locks and the waits its callers share.
 *
 * @module
 */
import type { CacheMutex } from '../api.js';
import { LayeredMutex, MutexRegistry } from './mutex.js';

/** A value as the lock sees it: the payload, and whether it may be served as it is. */
export interface LockEntry<V> {
  value: V;
  /** False when expired or soft-invalidated: it may be served stale while one caller regenerates. */
  fresh: boolean;
  /** When a value that is not fresh stopped being fresh (epoch ms), if known. */
  since?: number | undefined;
}

/** What happened inside the lock, for the region's events and counters. All optional. */
export interface LockObserver {
  /** A read found a fresh value. */
  hit?(): void;
  /** The first read found nothing; the caller waits for the lock. */
  miss?(): void;
  /** An expired value was returned while someone else regenerates it. */
  stale?(): void;
  /** After waiting for another caller, its value was found. */
  waited?(waitedMs: number): void;
  /** The creation lock was taken. */
  acquired?(): void;
  /** The creation lock was given up (not called when handed to an async runner). */
  released?(): void;
  /** Waiting for the lock exceeded `lockTimeout`; this caller creates without it. */
  lockTimeout?(waitedMs: number): void;
}

/**
 * Promises in progress by key, joined by whoever asks for the same key while
 * one runs: the lock uses one for waits (callers of one process waiting for
 * the same holder wake together and share one read) and one for creations
 * made without the lock after `lockTimeout` (one creator per process).
 */
export class Flights {
  readonly #running = new Map<string, Promise<unknown>>();

  /**
   * The promise running for `key`, or a new one from `start`.
   * `started` tells the caller whether it is its own.
   */
  join<T>(key: string, start: () => Promise<T>): { promise: Promise<T>; started: boolean } {
    const running = this.#running.get(key) as Promise<T> | undefined;
    if (running) return { promise: running, started: false };
    const promise = start();
    this.#running.set(key, promise);
    const forget = () => {
      if (this.#running.get(key) === promise) this.#running.delete(key);
    };
    promise.then(forget, forget);
    return { promise, started: true };
  }

  /** The promise running for `key`, if any. */
  running(key: string): Promise<unknown> | undefined {
    return this.#running.get(key);
  }

  /** Number of keys with something in progress. */
  get size(): number {
    return this.#running.size;
  }
}

/** The inputs of one key's pass through the lock. `R` is what a read returns before the region judges it. */
export interface LockOptions<V, R = unknown> {
  /** Guards creation of this key. */
  mutex: CacheMutex;
  /** The key, as the flights know it (the stored key). */
  key: string;
  /** Reads the stored value. */
  read: () => R | Promise<R>;
  /** What the region makes of a read: `undefined` when there is nothing usable (absent, hard-invalidated). */
  judge: (read: R) => LockEntry<V> | undefined;
  /**
   * What the caller has already read, if {@link hasFirst}: the first read is
   * then skipped. Give it only together with {@link readIsCurrent} or accept
   * a second read once the lock is taken.
   */
  first?: R;
  /** The caller has counted this key's miss already (the lock does not count it again). */
  missCounted?: boolean;
  /** Whether {@link first} holds a read (`first` itself may be `undefined`); default: whether `first` is given. */
  hasFirst?: boolean;
  /**
   * Asked right after `acquire(false)` succeeded: `true` when no holder can
   * have written the key since {@link first} was read (an in-process lock
   * that nobody released since), so the value needs not be read again. When
   * absent or `false`, the lock reads once more before creating: another
   * holder (maybe another tab) may have regenerated it in the meantime.
   */
  readIsCurrent?: () => boolean;
  /** Stop waiting for the mutex after this many ms and create anyway. */
  lockTimeout?: number;
  /** Waits in progress, shared by the callers of one process (see {@link Flights}). */
  waits?: Flights;
  /** Creations without the lock after a timeout, shared by the callers of one process. */
  timedOutCreations?: Flights;
  /** The clock (ms), for durations. */
  now: () => number;
  observer?: LockObserver;
}

/** Options of {@link runLock}: one key's pass plus how to create. */
export interface RunLockOptions<V, R = unknown> extends LockOptions<V, R> {
  /** Makes, stores and returns a new value. */
  creator: () => Promise<V>;
  /**
   * Takes over the held mutex to regenerate in the background while the
   * caller returns the stale value. It must release the mutex when done.
   */
  asyncCreator?: (mutex: CacheMutex) => void;
  /**
   * The creator failed with `error` where there was a stale value: what the
   * caller gets instead of the error (`staleIfError`), or `undefined` to
   * let the error through.
   */
  fallback?: ((error: unknown, stale: LockEntry<V>) => { value: V } | undefined) | undefined;
}

/** What {@link acquireBlocking} resolves with when `lockTimeout` ran out first. */
export const TIMED_OUT = Symbol('timed out');

/** How one key's pass through the lock ended, short of creating. */
type Entered<V> =
  /** The caller gets `value`; nothing to create. */
  | { done: true; value: V }
  /** The caller must create; `stale` is the expired value it may serve meanwhile. */
  | { done: false; holdsLock: boolean; stale: LockEntry<V> | undefined };

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
  let timedOut = false;
  // A grant that arrives after we gave up must not keep the lock forever.
  acquiring.then((ok) => {
    if (timedOut && ok) mutex.release();
  }, () => {});
  const outcome = await withTimeout(acquiring.then(() => true as const), lockTimeout);
  if (outcome === TIMED_OUT) timedOut = true;
  return outcome;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function release(options: { readonly mutex: CacheMutex; readonly observer?: LockObserver | undefined }): void {
  options.mutex.release();
  options.observer?.released?.();
}

/** Reads once more while holding the lock; the lock is given up if the read fails. */
async function readHolding<V, R>(options: LockOptions<V, R>): Promise<LockEntry<V> | undefined> {
  try {
    return options.judge(await options.read());
  } catch (error) {
    release(options);
    throw error;
  }
}

/**
 * One key's pass through dogpile's lock, up to creating:
 *
 * - a fresh value: done;
 * - an expired value: if the mutex is free, take it (and read again unless
 *   the read is known current: another holder may have just regenerated it);
 *   if it is busy, done with the stale value;
 * - no value: take the mutex if free; otherwise wait for its holder (beside
 *   every other waiter of this process), read, and take the mutex only if the
 *   value is still missing; read again once it is held.
 */
export async function enterLock<V, R>(options: LockOptions<V, R>): Promise<Entered<V>> {
  const entry = options.judge((options.hasFirst ?? 'first' in options) ? (options.first as R) : await options.read());
  if (entry?.fresh) {
    options.observer?.hit?.();
    return { done: true, value: entry.value };
  }
  const started = options.now();
  const tried = await tryEnter(options, entry);
  if (tried === BUSY) return waitForHolder(options, started);
  if (tried !== HELD) return tried;
  if (options.readIsCurrent?.()) return { done: false, holdsLock: true, stale: entry };
  if (entry === undefined) return afterWaiting(options, started, true);
  const again = await readHolding(options);
  if (again?.fresh) {
    release(options);
    options.observer?.hit?.();
    return { done: true, value: again.value };
  }
  return { done: false, holdsLock: true, stale: again };
}

/** What {@link tryEnter} resolves with when it took the mutex. */
export const HELD = Symbol('held');
/** What {@link tryEnter} resolves with when the mutex is busy and there is no value to serve. */
export const BUSY = Symbol('busy');

/**
 * One key's try at the mutex, without waiting, given what the first read
 * found (`entry`, not fresh): {@link HELD} when taken (the caller reads
 * again unless the read is known current), the stale value when busy and
 * there is one, {@link BUSY} when busy and there is none (the caller waits
 * for the holder). Counts the miss of an absent value.
 */
export async function tryEnter<V, R>(options: LockOptions<V, R>, entry: LockEntry<V> | undefined): Promise<typeof HELD | typeof BUSY | { done: true; value: V }> {
  const { observer } = options;
  if (entry === undefined && !options.missCounted) observer?.miss?.();
  if (await options.mutex.acquire(false)) {
    observer?.acquired?.();
    return HELD;
  }
  if (entry === undefined) return BUSY;
  observer?.stale?.();
  return { done: true, value: entry.value };
}

/**
 * No value and the mutex busy: another caller (maybe another tab) is
 * creating it. Wait beside every other waiter of this process for it to
 * finish, then read; the lock is taken only if the value is still missing
 * (its creator failed).
 */
async function waitForHolder<V, R>(options: LockOptions<V, R>, started: number): Promise<Entered<V>> {
  const { mutex } = options;
  const remaining = () => (options.lockTimeout === undefined ? undefined : options.lockTimeout - (options.now() - started));
  if (mutex.waitUntilFree) {
    const waitUntilFree = mutex.waitUntilFree.bind(mutex);
    const wait = () => waitUntilFree().then(() => options.read());
    const shared = options.waits ? options.waits.join(options.key, wait).promise : wait();
    const left = remaining();
    const seen = left === undefined ? await shared : await withTimeout(shared, left);
    if (seen === TIMED_OUT) return timedOut(options, started);
    const judged = options.judge(seen as R);
    if (judged?.fresh) {
      options.observer?.waited?.(options.now() - started);
      return { done: true, value: judged.value };
    }
  }
  const left = remaining();
  if ((await acquireBlocking(mutex, left === undefined ? undefined : Math.max(0, left))) === TIMED_OUT) {
    return timedOut(options, started);
  }
  options.observer?.acquired?.();
  return afterWaiting(options, started, true);
}

/**
 * {@link enterLock} without a tick for its commonest miss: nothing stored,
 * the read known current, and a mutex that takes the lock synchronously
 * (`tryAcquire`, the in-process one) and is free. `undefined` (having done
 * nothing) in every other case.
 */
function enterFree<V, R>(options: LockOptions<V, R>): Entered<V> | undefined {
  const mutex = options.mutex as CacheMutex & { tryAcquire?: () => boolean };
  if (!mutex.tryAcquire || !options.hasFirst || !options.readIsCurrent?.()) return undefined;
  if (options.judge(options.first as R) !== undefined || !mutex.tryAcquire()) return undefined;
  const { observer } = options;
  if (!options.missCounted) observer?.miss?.();
  observer?.acquired?.();
  return { done: false, holdsLock: true, stale: undefined };
}

/** The read after taking the lock that a missing value waited for. */
async function afterWaiting<V, R>(options: LockOptions<V, R>, started: number, holdsLock: boolean): Promise<Entered<V>> {
  const again = holdsLock ? await readHolding(options) : options.judge(await options.read());
  if (again?.fresh) {
    if (holdsLock) release(options);
    options.observer?.waited?.(options.now() - started);
    return { done: true, value: again.value };
  }
  return { done: false, holdsLock, stale: again };
}

/** `lockTimeout` ran out: read once more (the holder may have finished meanwhile), then create without the lock. */
async function timedOut<V, R>(options: LockOptions<V, R>, started: number): Promise<Entered<V>> {
  options.observer?.lockTimeout?.(options.now() - started);
  return afterWaiting(options, started, false);
}

/**
 * Runs dogpile's lock once for one key and resolves with the value the
 * caller should get (see {@link enterLock}); creates when it must. With an
 * expired value and an `asyncCreator`, the held mutex is handed to it and the
 * stale value returned at once. Callers of one process that timed out create
 * once between them.
 */
export async function runLock<V, R>(options: RunLockOptions<V, R>): Promise<V> {
  const entered = enterFree(options) ?? (await enterLock(options));
  if (entered.done) return entered.value;
  const { stale } = entered;
  if (!entered.holdsLock) return options.fallback ? withFallback(options, stale, createTimedOut(options)) : createTimedOut(options);
  let handedOff = false;
  try {
    if (stale !== undefined && options.asyncCreator) {
      options.asyncCreator(options.mutex);
      handedOff = true;
      options.observer?.stale?.();
      return stale.value;
    }
    return await (options.fallback ? withFallback(options, stale, options.creator()) : options.creator());
  } finally {
    if (!handedOff) release(options);
  }
}

/** `creating`, or what {@link RunLockOptions.fallback} gives for a stale value when it fails. */
async function withFallback<V, R>(options: RunLockOptions<V, R>, stale: LockEntry<V> | undefined, creating: Promise<V>): Promise<V> {
  try {
    return await creating;
  } catch (error) {
    const instead = stale !== undefined ? options.fallback?.(error, stale) : undefined;
    if (instead === undefined) throw error;
    return instead.value;
  }
}

/**
 * Creates without the lock after a timeout. Callers of this process that
 * time out on the same key share one creation; if it fails, they try again
 * and one of them creates.
 */
async function createTimedOut<V, R>(options: RunLockOptions<V, R>): Promise<V> {
  const flights = options.timedOutCreations;
  if (!flights) return options.creator();
  for (;;) {
    const { promise, started } = flights.join(options.key, options.creator);
    try {
      return await promise;
    } catch (error) {
      if (started) throw error;
    }
  }
}

/**
 * A wait shared by a stampede's callers that found nothing while another
 * caller of the region held the lock: `read` is what the holder left,
 * `fresh` the same judged once for callers of one expiration (`tag`), or
 * `undefined` when it is not fresh, so that each of them costs one await.
 */
export interface SharedWait<R> {
  readonly read: Promise<R>;
  readonly tag: unknown;
  readonly fresh: Promise<R | undefined>;
  /** The payload for callers that joined without an await of their own (see {@link KeyPasses.join}). */
  value?: Promise<unknown>;
  /** How many callers joined `value`. */
  joined: number;
}

/** Why a shared wait's `value` rejects when the holder's creator failed: each joiner then retries through the lock. */
const RETRY = Symbol('retry');

/**
 * A region's passes through the lock, by stored key: the in-process
 * mutexes, the callers inside the lock, the waits shared by callers that
 * found nothing meanwhile (so a stampede's later callers cost a map lookup
 * and one await, not a pass each), and the creations made without the lock
 * after `lockTimeout`.
 */
export class KeyPasses<R> {
  /** The in-process mutexes, one per key in use. */
  readonly mutexes = new MutexRegistry();
  /** Waits for another caller's creator (see {@link LockOptions.waits}). */
  readonly waits = new Flights();
  /** Creations without the lock after `lockTimeout`, one per key. */
  readonly timedOutCreations = new Flights();
  readonly #passes = new Map<string, number>();
  readonly #shared = new Map<string, SharedWait<R>>();

  /**
   * The mutex for `key` (checked out: pair with {@link checkin}), and
   * whether a read made when `releases` was noted is still current once it
   * is taken: known only for in-process locks (no release since the read
   * means no holder wrote since). A shared lock may have been held in
   * another tab or process in the meantime.
   */
  mutexFor(shared: CacheMutex | null, key: string, releases: number): { mutex: CacheMutex; readIsCurrent: (() => boolean) | undefined } {
    const local = this.mutexes.checkout(key);
    if (!shared) return { mutex: local, readIsCurrent: () => this.mutexes.releases === releases };
    // Callers of this process queue on the local layer, so one of them at a
    // time contends for the shared lock and the others wait for it together.
    return { mutex: shared instanceof LayeredMutex ? shared : new LayeredMutex(local, shared), readIsCurrent: undefined };
  }

  /** Says the caller is done with the mutex of {@link mutexFor}. */
  checkin(key: string): void {
    this.mutexes.checkin(key);
  }

  /** Whether a caller of the region is inside the lock for `key`. */
  passing(key: string): boolean {
    return this.#passes.has(key);
  }

  /** A caller enters the lock for `key`; pair with {@link leave}. */
  enter(key: string): void {
    this.#passes.set(key, (this.#passes.get(key) ?? 0) + 1);
  }

  /** A caller of {@link enter} left the lock. */
  leave(key: string): void {
    const left = this.#passes.get(key)! - 1;
    if (left > 0) this.#passes.set(key, left);
    else this.#passes.delete(key);
  }

  /** The shared wait in progress for `key`, if any. */
  sharedWait(key: string): SharedWait<R> | undefined {
    return this.#shared.get(key);
  }

  /**
   * Starts the wait that callers without a value share while another caller
   * holds the lock for `key`: the holder's release, then one `read`, judged
   * once by `isFresh` for callers of `tag`. `undefined` when the key's mutex
   * cannot tell when it is free.
   */
  startWait(key: string, shared: CacheMutex | null, read: () => R | Promise<R>, tag: unknown, isFresh: (read: R) => boolean): SharedWait<R> | undefined {
    let reading = this.waits.running(key) as Promise<R> | undefined;
    if (!reading) {
      const { mutex } = this.mutexFor(shared, key, 0);
      const checkin = () => this.checkin(key);
      if (!mutex.waitUntilFree) {
        checkin();
        return undefined;
      }
      const afterRelease = mutex.waitUntilFree().then(read);
      // The flight holds the mutex checked out until it has read.
      afterRelease.then(checkin, checkin);
      reading = this.waits.join(key, () => afterRelease).promise;
    }
    const fresh = reading.then((seen) => (isFresh(seen) ? seen : undefined));
    const wait: SharedWait<R> = { read: reading, tag, fresh, joined: 0 };
    this.#shared.set(key, wait);
    const forget = () => {
      if (this.#shared.get(key) === wait) this.#shared.delete(key);
    };
    reading.then(forget, forget);
    return wait;
  }

  /**
   * Joins a shared wait without an async frame of its own: the caller gets
   * the promise of the value that every joiner shares (so 1,000 waiters cost
   * one derived promise each, not a resumed function each). If the holder's
   * creator failed, each joiner goes through the lock (`retry`).
   *
   * @param payload What a caller gets of a fresh read.
   * @param got Called once with how many callers joined, when the value came.
   */
  join<V>(wait: SharedWait<R>, payload: (read: R) => V, got: (joined: number) => void, retry: () => Promise<V>): Promise<V> {
    wait.joined++;
    wait.value ??= wait.fresh.then((seen) => {
      if (seen === undefined) throw RETRY;
      got(wait.joined);
      return payload(seen);
    });
    return (wait.value as Promise<V>).then(undefined, (error: unknown) => (error === RETRY ? retry() : Promise.reject(error)));
  }
}
