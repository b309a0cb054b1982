/**
 * The memory backend: a `Map` in this process.
 *
 * @module
 */
import { CacheBackend, NO_VALUE, type BackendArguments, type NoValue, type StoredValue } from '../api.js';

/** Arguments of the `memory` backend. */
export interface MemoryBackendArguments {
  /** The map to store into; pass one to share it or to look inside. */
  cacheDict?: Map<string, StoredValue>;
}

/**
 * Stores values in a `Map`, as they are (no copy): a payload mutated after
 * `get` is mutated in the cache too, as with dogpile.cache's memory backend.
 */
export class MemoryBackend extends CacheBackend {
  /** Stable label for inspection (see `CacheBackend.label`). */
  static readonly label = 'MemoryBackend';
  readonly cache: Map<string, StoredValue>;

  constructor(args: MemoryBackendArguments = {}) {
    super();
    const dict = args.cacheDict;
    if (dict !== undefined && !(dict instanceof Map)) throw new TypeError('dogpile-cache: memory backend cacheDict must be a Map');
    this.cache = dict ?? new Map();
  }

  get(key: string): Promise<StoredValue | NoValue> {
    return Promise.resolve(this.getSync(key));
  }

  override getSync(key: string): StoredValue | NoValue {
    const value = this.cache.get(key);
    return value === undefined ? NO_VALUE : value;
  }

  set(key: string, value: StoredValue): Promise<void> {
    this.cache.set(key, value);
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.cache.delete(key);
    return Promise.resolve();
  }

  override getMulti(keys: readonly string[]): Promise<Array<StoredValue | NoValue>> {
    return Promise.resolve(keys.map((key) => this.cache.get(key) ?? NO_VALUE));
  }

  override setMulti(mapping: ReadonlyMap<string, StoredValue>): Promise<void> {
    for (const [key, value] of mapping) this.cache.set(key, value);
    return Promise.resolve();
  }

  override deleteMulti(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.cache.delete(key);
    return Promise.resolve();
  }

  override keys(): Promise<string[]> {
    return Promise.resolve([...this.cache.keys()]);
  }
}

/** Factory registered as `memory`. */
export const memoryBackendFactory = (args: BackendArguments): MemoryBackend =>
  new MemoryBackend(args as MemoryBackendArguments);
