/**
 * Per-key creation locks for a shared backend: an in-process layer in front
 * of a Web Lock, or the in-process lock alone where Web Locks are missing.
 *
 * @module
 */
import type { CacheMutex } from '../api.js';
import { LayeredMutex, MutexRegistry } from '../lock/mutex.js';
import { RegistryMutex } from './registry-mutex.js';
import { WebLockMutex, webLockManager, type WebLockHooks } from './web-locks.js';

/** Prefix of every Web Lock name the library takes. */
export const LOCK_PREFIX = 'dogpile-cache:';

/** Format of key lock names: bumped when the name of a key's lock changes. */
const KEY_LOCK_FORMAT = '2';

/**
 * A string safe in a Web Lock name: lone surrogates (which
 * `navigator.locks.query()` reports as `""`, so no lock of such a key could
 * be seen) become `%uXXXX`, and `%` itself `%25`. Distinct strings stay distinct.
 */
export function lockSafe(text: string): string {
  return text.replace(/%|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, (unit) =>
    unit === '%' ? '%25' : `%u${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
}

/** Options of {@link KeyLocks}. */
export interface KeyLocksOptions {
  /** The storage namespace the locks guard (database or prefix, and region); read at each call. */
  scope: () => string;
  /** Hooks around each key's Web Lock (e.g. the localStorage visibility barrier). */
  hooks?: (key: string, lockName: string, locks: LockManager) => WebLockHooks;
  /** Told once, the first time a lock is asked for where Web Locks are missing. */
  onFallback: (message: string) => void;
}

/**
 * Hands out the creation lock of each stored key. With `navigator.locks`:
 * `LayeredMutex(in-process, Web Lock "dogpile-cache:2:<scope>:<key>")`, so one
 * caller per tab asks the browser and one creator runs across all tabs.
 * Without it: `null`, which makes the region use its in-process lock; the
 * fallback is reported once through `onFallback`.
 */
export class KeyLocks {
  readonly #registry = new MutexRegistry();
  readonly #options: KeyLocksOptions;
  #fallbackReported = false;
  /** Set when the browser refused Web Locks here: from then on, in-process locks only. */
  #refused = false;

  constructor(options: KeyLocksOptions) {
    this.#options = options;
  }

  /** The Web Lock name guarding `key`. */
  lockName(key: string): string {
    return `${LOCK_PREFIX}${KEY_LOCK_FORMAT}:${lockSafe(this.#options.scope())}:${lockSafe(key)}`;
  }

  /** `'web-locks'` when `navigator.locks` is there, else `'in-process'`. */
  get mode(): 'web-locks' | 'in-process' {
    return webLockManager() && !this.#refused ? 'web-locks' : 'in-process';
  }

  /** The mutex for `key`, or `null` for the region's in-process one. */
  mutexFor(key: string): CacheMutex | null {
    const locks = webLockManager();
    if (!locks || this.#refused) {
      this.#reportFallback(
        'navigator.locks is not available here (not a secure context, or an old browser): creation is locked per tab only, so several tabs may each create the same value.',
      );
      return null;
    }
    const name = this.lockName(key);
    const hooks: WebLockHooks = {
      ...this.#options.hooks?.(key, name, locks),
      onUnavailable: (error) => {
        this.#refused = true;
        this.#reportFallback(`The browser refused Web Locks here (${(error as Error)?.name ?? String(error)}): creation is locked per tab only.`);
      },
    };
    return new KeyMutex(new RegistryMutex(this.#registry, key), new WebLockMutex(name, locks, hooks));
  }

  #reportFallback(message: string): void {
    if (this.#fallbackReported) return;
    this.#fallbackReported = true;
    this.#options.onFallback(message);
  }
}

/**
 * The layered lock of one key. When this tab's layer is free, the caller
 * takes it and then asks the browser; it announces that request first, so a
 * later caller of this tab that only waits for the lock to be free (sent in
 * the meantime, in the same task, as a stampede over synchronous reads does)
 * queues behind it instead of being granted ahead and making it fail.
 */
class KeyMutex extends LayeredMutex {
  override async acquire(wait = true): Promise<boolean> {
    const local = this.local as RegistryMutex;
    const web = this.shared as WebLockMutex;
    const sent = local.isLocked ? undefined : web.announceAcquire();
    try {
      return await super.acquire(wait);
    } finally {
      sent?.();
    }
  }
}
