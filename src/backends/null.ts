/**
 * The null backend: stores nothing, locks nothing. Every call creates.
 * Useful to switch caching off by configuration.
 *
 * @module
 */
import { CacheBackend, NO_VALUE, type CacheMutex, type NoValue, type StoredValue } from '../api.js';

/** A mutex that is always free, as dogpile.cache's `NullLock`. */
class NullMutex implements CacheMutex {
  acquire(): Promise<boolean> {
    return Promise.resolve(true);
  }
  release(): void {}
  locked(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

const nullMutex = new NullMutex();

/** A backend that never stores anything. */
export class NullBackend extends CacheBackend {
  /** Stable label for inspection (see `CacheBackend.label`). */
  static readonly label = 'NullBackend';
  override getMutex(): CacheMutex {
    return nullMutex;
  }
  get(_key: string): Promise<StoredValue | NoValue> {
    return Promise.resolve(NO_VALUE);
  }
  set(_key: string, _value: StoredValue): Promise<void> {
    return Promise.resolve();
  }
  delete(_key: string): Promise<void> {
    return Promise.resolve();
  }
  override keys(): Promise<string[]> {
    return Promise.resolve([]);
  }
}

/** Factory registered as `null`. */
export const nullBackendFactory = (): NullBackend => new NullBackend();
