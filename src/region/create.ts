/**
 * A configured region's writes: the metadata of a value stored now, running
 * a creator and storing what it made (a failed write is recorded, never
 * thrown: the caller gets its value), and handing a held lock to an async
 * creation runner.
 *
 * @module
 */
import { CachedValue, VALUE_VERSION, type CacheMutex, type CachedValueMetadata, type StoredValue } from '../api.js';
import { ORIGIN_ID } from '../origin.js';
import type { Configuration } from './config.js';
import type { ReadPath } from './read-path.js';
import type { Recorder } from './recorder.js';
import type { Creator, ShouldCache } from './types.js';

/** The writes of one configuration (keys mangled as its {@link ReadPath} does). */
export class Writes {
  readonly config: Configuration;
  readonly recorder: Recorder;
  readonly now: () => number;
  readonly #read: ReadPath;

  constructor(read: ReadPath) {
    this.#read = read;
    this.config = read.config;
    this.recorder = read.recorder;
    this.now = read.now;
  }

  /** `region.set`: stores `value` under `key`, created now. */
  async set(key: string, value: unknown): Promise<void> {
    await this.config.backend.set(this.#read.mangle(key), this.stored(new CachedValue(value, this.metadata())));
    this.recorder.set(key);
  }

  /** `region.setMulti`: one backend call. */
  async setMulti(mapping: object): Promise<void> {
    if (mapping === null || typeof mapping !== 'object') throw new TypeError('dogpile-cache: setMulti expects an object or a Map');
    const entries = mapping instanceof Map ? [...mapping.entries()] : Object.entries(mapping);
    if (entries.length === 0) return;
    const metadata = this.metadata();
    await this.config.backend.setMulti(new Map(entries.map(([key, value]) => [this.#read.mangle(key), this.stored(new CachedValue(value, metadata))])));
    for (const [key] of entries) this.recorder.set(key);
  }

  /** `region.delete`; `stored`: `key` is a stored key already (the devtools' delete). */
  async delete(key: string, stored = false): Promise<void> {
    await this.config.backend.delete(stored ? key : this.#read.mangle(key));
    this.recorder.deleted(1, [key]);
  }

  /** `region.deleteMulti`: one backend call. */
  async deleteMulti(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.config.backend.deleteMulti(keys.map((key) => this.#read.mangle(key)));
    this.recorder.deleted(keys.length, keys);
  }

  /**
   * Metadata of a value stored now. `started`: when its creator started
   * (invalidation compares against it); omitted for `set()`, where it is now.
   */
  metadata(started?: number): CachedValueMetadata {
    const metadata: CachedValueMetadata = { ct: this.now(), v: VALUE_VERSION };
    if (started !== undefined) metadata.st = started;
    const version = this.#read.version;
    if (version !== undefined) metadata.rv = version;
    metadata.o = ORIGIN_ID;
    return metadata;
  }

  /** What the backend stores for `value`: the region's serializer applied, if any. */
  stored(value: CachedValue): StoredValue {
    const serializer = this.config.serializer;
    return serializer ? serializer(value) : value;
  }

  /** Runs a creator; its error is recorded and rethrown to the caller. */
  async create<V>(key: string | undefined, creator: Creator<V>, operation = 'creator'): Promise<V> {
    try {
      return await creator();
    } catch (error) {
      this.recorder.error(operation, error, key);
      throw error;
    }
  }

  /** Runs `creator` for `key` and stores its value (see {@link storeCreated}); resolves to the value. */
  async createAndStore<V>(mangled: string, key: string, creator: Creator<V>, shouldCacheFn: ShouldCache<V>): Promise<V> {
    const started = this.now();
    const value = await this.create(key, creator);
    await this.storeCreated(mangled, key, value, shouldCacheFn, started);
    return value;
  }

  /** Stores a created value unless `shouldCacheFn` refuses it; a failed write is recorded, never thrown. */
  async storeCreated<V>(mangled: string, key: string, value: V, shouldCacheFn: ShouldCache<V>, started: number): Promise<void> {
    let cached = false;
    if (!shouldCacheFn || (await shouldCacheFn(value))) {
      try {
        await this.config.backend.set(mangled, this.stored(new CachedValue(value, this.metadata(started))));
        cached = true;
      } catch (error) {
        this.recorder.error('set', error, key);
      }
    }
    this.recorder.created(key, this.now() - started, cached);
  }
}

/**
 * Hands the held lock of `key` to an async creation runner. The runner gets a
 * mutex whose release works once, so a runner that releases twice cannot free
 * a lock another caller holds by then; a runner that throws releases it.
 */
export function handToRunner<R>(
  runner: (region: R, key: string, creator: () => unknown, mutex: CacheMutex) => void,
  region: R,
  key: string,
  creator: () => unknown,
  held: CacheMutex,
  recorder: Recorder,
): void {
  let released = false;
  const handle: CacheMutex = {
    acquire: (wait) => held.acquire(wait),
    locked: () => held.locked(),
    release: () => {
      if (released) return;
      released = true;
      held.release();
      recorder.lockReleased(key);
    },
  };
  try {
    runner(region, key, creator, handle);
  } catch (error) {
    recorder.error('asyncCreationRunner', error, key);
    handle.release();
  }
}
