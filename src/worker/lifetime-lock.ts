/**
 * Knowing when the other side is gone. A page or worker holds a Web Lock
 * for as long as it lives; the browser releases it when that context ends
 * (tab closed, worker terminated or crashed), and whoever asked for the same
 * lock is granted it at that moment. No heartbeat, no timeout.
 *
 * @module
 */

/** A lock held until {@link HeldLock.release}. */
export interface HeldLock {
  readonly name: string;
  release(): void;
}

/** `navigator.locks`, read lazily (absent in Node and in insecure contexts). */
export function webLocks(): LockManager | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManager } }).navigator;
  return nav?.locks && typeof nav.locks.request === 'function' ? nav.locks : undefined;
}

/**
 * Takes the lock `name` and holds it until `release()` or the end of this
 * context. Resolves once held; resolves `undefined` without Web Locks.
 */
export function holdLifetimeLock(name: string): Promise<HeldLock | undefined> {
  const locks = webLocks();
  if (!locks) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    let release!: () => void;
    const held = new Promise<void>((done) => (release = done));
    locks
      .request(name, () => {
        resolve({ name, release });
        return held;
      })
      .catch(reject);
  });
}

/**
 * Calls `onGone` once whoever holds the lock `name` lets it go (its context
 * ended, or it released it on purpose). Returns a function that stops
 * watching. Does nothing without Web Locks.
 */
export function watchLifetimeLock(name: string, onGone: () => void): () => void {
  const locks = webLocks();
  if (!locks) return () => {};
  const abort = new AbortController();
  let stopped = false;
  locks
    .request(name, { signal: abort.signal }, () => {
      // Granted: the holder is gone. Let go at once so other watchers learn it too.
      if (!stopped) onGone();
    })
    .catch(() => {
      // Aborted by stop(): nothing to report.
    });
  return () => {
    stopped = true;
    abort.abort();
  };
}
