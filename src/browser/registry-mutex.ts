/**
 * The in-process layer in front of a shared lock.
 *
 * @module
 */
import type { CacheMutex } from '../api.js';
import type { MutexRegistry, ProcessMutex } from '../lock/mutex.js';

/**
 * A {@link CacheMutex} for one key that checks the key's {@link ProcessMutex}
 * out of a {@link MutexRegistry} when it acquires and checks it back in when
 * it releases (or fails to acquire), so the registry keeps only locks in use
 * even though the region never says it is done with a mutex it did not get.
 */
export class RegistryMutex implements CacheMutex {
  readonly #registry: MutexRegistry;
  readonly #key: string;
  #held: ProcessMutex | undefined;

  constructor(registry: MutexRegistry, key: string) {
    this.#registry = registry;
    this.#key = key;
  }

  async acquire(wait = true): Promise<boolean> {
    const mutex = this.#registry.checkout(this.#key);
    let acquired = false;
    try {
      acquired = await mutex.acquire(wait);
    } finally {
      if (acquired) this.#held = mutex;
      else this.#registry.checkin(this.#key);
    }
    return acquired;
  }

  release(): void {
    const mutex = this.#held;
    if (!mutex) return;
    this.#held = undefined;
    mutex.release();
    this.#registry.checkin(this.#key);
  }

  /** Resolves at the release of this process's holder of the key, if any. */
  waitUntilFree(): Promise<void> {
    return this.#registry.peek(this.#key)?.waitUntilFree() ?? Promise.resolve();
  }

  /** Whether a caller of this process holds the key's lock now (synchronous). */
  get isLocked(): boolean {
    return this.#registry.peek(this.#key)?.isLocked ?? false;
  }

  locked(): Promise<boolean> {
    return Promise.resolve(this.#registry.peek(this.#key)?.isLocked ?? false);
  }
}
