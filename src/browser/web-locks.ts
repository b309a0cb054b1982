/**
 * The Web Locks mutex: dogpile's creation lock held across every tab (and
 * worker) of an origin through `navigator.locks`.
 *
 * @module
 */
import type { CacheMutex } from '../api.js';

/**
 * The origin's `LockManager`, or `undefined` where there is none (Node,
 * insecure contexts, old browsers). Read on each call, never at import, so
 * this module loads anywhere.
 */
export function webLockManager(): LockManager | undefined {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  const locks = nav?.locks;
  return locks && typeof locks.request === 'function' ? locks : undefined;
}

/**
 * Releases this tab has started and the browser may not have processed yet,
 * by lock name: `locked()` waits for them, so a caller that has just
 * released never sees its own lock as still held.
 */
const releasing = new Map<string, Promise<unknown>>();

/**
 * Exclusive requests a caller of this tab is about to send, by lock name.
 * The browser serves requests in the order they reach it, and a shared
 * request sent while nobody holds the lock is granted at once (and, while
 * granted, makes a try-lock fail): so `waitUntilFree` sends its request only
 * after these, lest it overtake the tab's own would-be holder.
 */
const upcoming = new Map<string, Set<Promise<void>>>();

/** Hooks a backend runs around the lock it guards (see {@link WebLockMutex}). */
export interface WebLockHooks {
  /**
   * Runs once the browser has granted the lock, before `acquire` resolves:
   * e.g. waiting until a value written by the previous holder is visible
   * here, so that the lock's read after acquiring sees it.
   */
  afterAcquire?(): Promise<unknown> | unknown;
  /**
   * Runs after `waitUntilFree` saw the lock free, before it resolves: e.g.
   * the same wait as `afterAcquire`, for a caller that only reads.
   */
  afterWait?(): Promise<void> | void;
  /**
   * Asked when `waitUntilFree` starts: a promise that resolves when the
   * holder has handed its value to this tab (e.g. a message carrying it), so
   * the wait ends then, before the lock is released; `afterWait` is then
   * skipped (the value is here). `cancel` is called when the lock came first.
   */
  handOff?(): { promise: Promise<void>; cancel: () => void } | undefined;
  /**
   * Runs when the holder releases, before the browser lock is given up:
   * e.g. leaving a marker for the next holder.
   */
  beforeRelease?(): Promise<void> | void;
  /**
   * Called when the browser refuses Web Locks here (`SecurityError` in opaque
   * origins such as sandboxed iframes). `acquire` then resolves `true`: the
   * in-process layer in front of this mutex still excludes callers of this tab.
   */
  onUnavailable?(error: unknown): void;
}

/** Whether a rejected lock request means Web Locks cannot be used in this context at all. */
function isUnusable(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'SecurityError' || name === 'NotSupportedError';
}

/**
 * A {@link CacheMutex} over one Web Lock. `acquire(false)` maps to
 * `{ ifAvailable: true }`; the lock is held by a pending promise in the
 * request callback, which `release()` resolves. The browser releases it by
 * itself when the holding tab closes or crashes, so a dead holder never
 * blocks the others.
 *
 * One instance serves one caller at a time; put a per-process layer in front
 * (`LayeredMutex`) so callers of one tab queue locally.
 */
export class WebLockMutex implements CacheMutex {
  /** The Web Lock's name. */
  readonly name: string;
  readonly #locks: LockManager;
  readonly #hooks: WebLockHooks;
  #release: (() => void) | undefined;
  #request: Promise<unknown> | undefined;
  /** Settles this caller's announcement (see {@link announceAcquire}), once its request is sent. */
  #sent: (() => void) | undefined;

  constructor(name: string, locks: LockManager, hooks: WebLockHooks = {}) {
    this.name = name;
    this.#locks = locks;
    this.#hooks = hooks;
  }

  /**
   * Says that this mutex's `acquire` is coming (after an in-process layer in
   * front of it is taken, say): {@link waitUntilFree} calls of this tab made
   * meanwhile send their request after it. Returns the function that
   * withdraws the announcement (idempotent; `acquire` calls it itself once
   * its request is sent).
   */
  announceAcquire(): () => void {
    this.#sent?.();
    let settle!: () => void;
    const sent = new Promise<void>((resolve) => (settle = resolve));
    const pending = upcoming.get(this.name) ?? new Set<Promise<void>>();
    upcoming.set(this.name, pending);
    pending.add(sent);
    const done = () => {
      if (this.#sent === done) this.#sent = undefined;
      pending.delete(sent);
      if (pending.size === 0 && upcoming.get(this.name) === pending) upcoming.delete(this.name);
      settle();
    };
    this.#sent = done;
    return done;
  }

  acquire(wait = true): Promise<boolean> {
    if (this.#release) return Promise.reject(new Error(`dogpile-cache: Web Lock "${this.name}" is already held by this mutex`));
    try {
      return this.#acquire(wait);
    } finally {
      this.#sent?.();
    }
  }

  #acquire(wait: boolean): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const request = this.#locks.request(this.name, { ifAvailable: !wait }, async (lock) => {
        if (!lock) {
          resolve(false);
          return;
        }
        const held = new Promise<void>((release) => {
          this.#release = release;
        });
        try {
          await this.#hooks.afterAcquire?.();
        } catch {
          // A failed hook only loses an optimisation; the lock is still ours.
        }
        this.#request = request;
        resolve(true);
        await held;
      });
      request.catch((error: unknown) => {
        if (!isUnusable(error) || !this.#hooks.onUnavailable) {
          reject(error);
          return;
        }
        this.#hooks.onUnavailable(error);
        resolve(true);
      });
    });
  }

  release(): void {
    const release = this.#release;
    if (!release) return;
    this.#release = undefined;
    const request = this.#request;
    this.#request = undefined;
    if (request) {
      const settled = request.then(
        () => {},
        () => {},
      );
      releasing.set(this.name, settled);
      void settled.then(() => {
        if (releasing.get(this.name) === settled) releasing.delete(this.name);
      });
    }
    const before = this.#hooks.beforeRelease;
    if (!before) {
      release();
      return;
    }
    // The browser lock is given up only once the hook is done, whatever it does.
    void Promise.resolve()
      .then(() => before())
      .catch(() => {})
      .finally(release);
  }

  /**
   * Resolves once the current holder (in any tab) has released the lock. It
   * asks for the lock in shared mode and lets it go at once: the browser
   * grants every shared request queued behind the holder together, so all
   * waiting tabs wake at the same moment. Acquires announced in this tab
   * ({@link announceAcquire}) are sent first. A hand-off of the holder's
   * value (the `handOff` hook) ends the wait earlier.
   */
  async waitUntilFree(): Promise<void> {
    const ahead = upcoming.get(this.name);
    if (ahead) await Promise.all(ahead);
    const handOff = this.#hooks.handOff?.();
    const abort = handOff && typeof AbortController === 'function' ? new AbortController() : undefined;
    let handed = false;
    try {
      const free = this.#locks.request(this.name, abort ? { mode: 'shared', signal: abort.signal } : { mode: 'shared' }, () => {});
      if (handOff) {
        const first = await Promise.race([free.then(() => false), handOff.promise.then(() => true)]);
        if (first) {
          handed = true;
          // The value is here: the queued request is no longer needed.
          free.catch(() => {});
          abort?.abort();
        } else handOff.cancel();
      } else await free;
    } catch (error) {
      handOff?.cancel();
      if (!isUnusable(error)) throw error;
      this.#hooks.onUnavailable?.(error);
      return;
    }
    if (handed) return;
    try {
      await this.#hooks.afterWait?.();
    } catch {
      // As for afterAcquire: only an optimisation is lost.
    }
  }

  async locked(): Promise<boolean> {
    await releasing.get(this.name);
    try {
      const state = await this.#locks.query();
      return (state.held ?? []).some((lock) => lock.name === this.name);
    } catch (error) {
      if (isUnusable(error)) return false;
      throw error;
    }
  }
}
