/**
 * The memory backend: a `Map` in this process.
 *
 * @module
 */
import { CacheBackend, NO_VALUE, type BackendArguments, type NoValue, type StoredValue } from '../api.js';
import { parseMaxEntries } from './limits.js';

/** Arguments of the `memory` backend. */
export interface MemoryBackendArguments {
  /** The map to store into; pass one to share it or to look inside. */
  cacheDict?: Map<string, StoredValue>;
  /**
   * The most entries kept; a write past it removes the least recently
   * written ones. Default: no cap.
   */
  maxEntries?: number;
}

/**
 * Stores values in a `Map`, as they are (no copy): a payload mutated after
 * `get` is mutated in the cache too, as with dogpile.cache's memory backend.
 * The map is kept in write order (a write moves its key to the end), so with
 * `maxEntries` the first keys are the least recently written.
 */
export class MemoryBackend extends CacheBackend {
  /** Stable label for inspection (see `CacheBackend.label`). */
  static readonly label = 'MemoryBackend';
  readonly cache: Map<string, StoredValue>;
  /** The cap on entries, if any. */
  readonly maxEntries: number | undefined;

  constructor(args: MemoryBackendArguments = {}) {
    super();
    const dict = args.cacheDict;
    if (dict !== undefined && !(dict instanceof Map)) throw new TypeError('dogpile-cache: memory backend cacheDict must be a Map');
    this.cache = dict ?? new Map();
    this.maxEntries = parseMaxEntries(args.maxEntries, 'memory backend');
  }

  get(key: string): Promise<StoredValue | NoValue> {
    return Promise.resolve(this.getSync(key));
  }

  override getSync(key: string): StoredValue | NoValue {
    const value = this.cache.get(key);
    return value === undefined ? NO_VALUE : value;
  }

  set(key: string, value: StoredValue): Promise<void> {
    this.#write(key, value);
    this.#trim();
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
    for (const [key, value] of mapping) this.#write(key, value);
    this.#trim();
    return Promise.resolve();
  }

  override deleteMulti(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.cache.delete(key);
    return Promise.resolve();
  }

  override keys(): Promise<string[]> {
    return Promise.resolve([...this.cache.keys()]);
  }

  /** Removes every entry. Resolves to how many there were. */
  override clear(): Promise<number> {
    const count = this.cache.size;
    this.cache.clear();
    return Promise.resolve(count);
  }

  #write(key: string, value: StoredValue): void {
    // Only with a cap does write order matter; re-inserting costs a delete.
    if (this.maxEntries !== undefined) this.cache.delete(key);
    this.cache.set(key, value);
  }

  /** Removes the least recently written entries past `maxEntries`. */
  #trim(): void {
    const max = this.maxEntries;
    if (max === undefined || this.cache.size <= max) return;
    let excess = this.cache.size - max;
    for (const key of this.cache.keys()) {
      if (excess-- <= 0) break;
      this.cache.delete(key);
    }
  }
}

/** Factory registered as `memory`. */
export const memoryBackendFactory = (args: BackendArguments): MemoryBackend =>
  new MemoryBackend(args as MemoryBackendArguments);
