/**
 * Proxy backends: wrap a backend to observe or change what passes through,
 * as dogpile.cache's `ProxyBackend`. Override the methods you need and call
 * `this.proxied` for the rest.
 *
 * @module
 */
import { CacheBackend, type BackendChange, type BackendNotice, type CacheMutex, type NoValue, type StoredValue } from './api.js';

/**
 * A backend that forwards every call to the backend it wraps. The region takes
 * key mangler, serializer, `keys()` and invalidation strategy from the
 * innermost backend (`region.actualBackend`), so proxies need not forward them.
 */
export class ProxyBackend extends CacheBackend {
  #proxied: CacheBackend | undefined;

  /** The wrapped backend. */
  get proxied(): CacheBackend {
    if (!this.#proxied) throw new TypeError(`dogpile-cache: ${this.constructor.name} has not wrapped a backend yet`);
    return this.#proxied;
  }

  /** Wraps `backend` and returns this proxy. */
  wrap(backend: CacheBackend): this {
    if (!(backend instanceof CacheBackend)) {
      throw new TypeError('dogpile-cache: ProxyBackend.wrap expects a CacheBackend');
    }
    this.#proxied = backend;
    return this;
  }

  override getMutex(key: string): CacheMutex | null {
    return this.proxied.getMutex(key);
  }
  get(key: string): Promise<StoredValue | NoValue> {
    return this.proxied.get(key);
  }
  set(key: string, value: StoredValue): Promise<void> {
    return this.proxied.set(key, value);
  }
  delete(key: string): Promise<void> {
    return this.proxied.delete(key);
  }
  override getMulti(keys: readonly string[]): Promise<Array<StoredValue | NoValue>> {
    return this.proxied.getMulti(keys);
  }
  override setMulti(mapping: ReadonlyMap<string, StoredValue>): Promise<void> {
    return this.proxied.setMulti(mapping);
  }
  override deleteMulti(keys: readonly string[]): Promise<void> {
    return this.proxied.deleteMulti(keys);
  }
  override onNotice(listener: (notice: BackendNotice) => void): () => void {
    return this.proxied.onNotice(listener);
  }
  override onChange(listener: (change: BackendChange) => void): () => void {
    return this.proxied.onChange(listener);
  }
}

