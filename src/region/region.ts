/**
 * Cache regions: dogpile.cache's `CacheRegion`, async. The one class that combines backend, lock, keys,
 * invalidation and events; each concern lives in a module beside it.
 *
 * @module
 */
import { NO_VALUE, type CacheBackend, type CacheMutex, type CachedValue, type Deserializer, type KeyMangler, type NoValue, type PruneOptions, type RegionInvalidationStrategy, type Serializer, type StoredValue } from '../api.js';
import { monotonicNow } from '../clock.js';
import { DogpileCacheException, RegionAlreadyConfigured, RegionNotConfigured } from '../errors.js';
import type { RegionErrorRecord, RegionListener, RegionStats } from '../events.js';
import { DefaultInvalidationStrategy } from '../invalidation.js';
import { functionKeyGenerator, functionMultiKeyGenerator, type AnyFunction, type KeyGenerator, type MultiKeyGenerator } from '../keys.js';
import type { BackendName, BackendRegistry } from '../registry.js';
import { checkKeys } from '../validate.js';
import { checkCreateOptions, checkRegionOptions, readConfig, resolveConfiguration, type Configuration } from './config.js';
import { cacheMultiOnArguments, cacheOnArguments, type CacheMultiOnArgumentsOptions, type CacheOnArgumentsOptions, type CachedFunction, type CachedMultiFunction } from './decorators.js';
import { getOrCreateAsync, getOrCreateMissed, joinStampede } from './get-or-create.js';
import { backendLabels, peekStored, storedKeyIsLocked, storedKeys } from './inspection.js';
import { clear, prune } from './maintenance.js';
import { getOrCreateMulti } from './multi.js';
import { assemble, ownedParts, type RegionOwned, type RegionParts } from './parts.js';
import type { ConfigureOptions, GetOptions, GetOrCreateMultiOptions, GetOrCreateOptions, MaybePromise } from './types.js';

export type { ConfigureOptions, GetOptions, GetOrCreateMultiOptions, GetOrCreateOptions, MaybePromise } from './types.js';

/**
 * Regenerates an expired value in the background while callers get the stale one. It must store the value
 * (e.g. `await region.set(key, await creator())`) and call `mutex.release()` when done, whatever happens.
 * `key` is the caller's key, before mangling.
 */
export type AsyncCreationRunner = (region: CacheRegion, key: string, creator: () => MaybePromise<unknown>, mutex: CacheMutex) => void;

/** Options of {@link makeRegion}. */
export interface RegionOptions {
  /** Name shown by the devtools and used by shared backends to share invalidation between tabs. */
  name?: string;
  /** Key generator for {@link CacheRegion.cacheOnArguments}; default {@link functionKeyGenerator}. */
  functionKeyGenerator?: KeyGenerator;
  /** Key generator for {@link CacheRegion.cacheMultiOnArguments}; default {@link functionMultiKeyGenerator}. */
  functionMultiKeyGenerator?: MultiKeyGenerator;
  /** Applied to every key before it reaches the backend; `false` turns mangling off, the backend's too. */
  keyMangler?: KeyMangler | false;
  /** Regenerates expired values in the background; see {@link AsyncCreationRunner}. */
  asyncCreationRunner?: AsyncCreationRunner;
  /** Turns values into what the backend stores; applies to every backend. */
  serializer?: Serializer;
  /** Turns stored data back into values; throw `CantDeserializeException` for unreadable data. */
  deserializer?: Deserializer;
  /** Ms a caller waits for another's creator before it creates itself (emitting `lockTimeout`). Default: as long as it takes. */
  lockTimeout?: number;
  /** The clock, epoch ms. Default: `Date.now()`, strictly increasing, robust to the wall clock being set back. */
  now?: () => number;
  /** The version of what the region stores (your build or data schema): values of another are misses, and `prune` removes them. */
  version?: string | number;
  /** Ms: a failed creator's caller gets the stale value if it stopped being fresh less than this ago (README: "When the creator fails"). */
  staleIfError?: number;
  /** Ms: after a failed creation, every tab's or process's callers of the key get that failure, not a new run (doubling, up to 16x). Default 0. */
  errorBackoff?: number;
}

/** A cache region: one backend, one expiration policy, dogpile's lock. */
export class CacheRegion {
  /** The options given to {@link makeRegion} (see {@link RegionOptions}); the key generators are those of the decorators. */
  readonly name: string | undefined;
  readonly functionKeyGenerator: KeyGenerator;
  readonly functionMultiKeyGenerator: MultiKeyGenerator;
  readonly asyncCreationRunner: AsyncCreationRunner | undefined;
  readonly lockTimeout: number | undefined;
  readonly version: string | number | undefined;

  readonly #now: () => number;
  /** What every configuration of the region shares: recorder, locks, kept creators, clocks. */
  readonly #owned: RegionOwned;
  #parts: RegionParts | undefined;
  /** The last configuration, kept after `close` for the getters that describe it. */
  #config: Configuration | undefined;
  #invalidator: RegionInvalidationStrategy;
  #invalidatorReady: Promise<void> | undefined;
  #detach: Array<() => void> = [];
  #closed = false;

  constructor(options: RegionOptions = {}) {
    checkRegionOptions(options);
    const { name, asyncCreationRunner, lockTimeout, now, version } = options;
    this.name = name;
    this.version = version;
    this.functionKeyGenerator = options.functionKeyGenerator ?? functionKeyGenerator;
    this.functionMultiKeyGenerator = options.functionMultiKeyGenerator ?? functionMultiKeyGenerator;
    this.asyncCreationRunner = asyncCreationRunner;
    this.lockTimeout = lockTimeout;
    this.#now = now ?? monotonicNow;
    this.#owned = ownedParts(this, options, this.#now);
    this.#invalidator = new DefaultInvalidationStrategy(this.#now);
  }

  /** Gives the region its backend: a registered name (`'memory'`, `'indexeddb'`, your own…) or an instance. Returns the region. */
  configure<N extends BackendName>(backend: N, options?: ConfigureOptions<BackendRegistry[N]>): this;
  configure(backend: CacheBackend, options?: ConfigureOptions): this;
  configure(backend: string | CacheBackend, options: ConfigureOptions<object> = {}): this {
    if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: configure options must be an object');
    if (this.#parts && !options.replaceExistingBackend) {
      throw new RegionAlreadyConfigured(`This region${this.#named()} is already configured with backend ${this.#parts.config.backend.label}; pass replaceExistingBackend: true to replace it.`);
    }
    const config = resolveConfiguration(backend, options, this.#owned.codec, { name: this.name, now: this.#now, prune: (options) => this.prune(options) }, this.#now);
    if (this.#closed) throw new RegionNotConfigured(`Region${this.#named()} is closed; make a new one.`);
    this.#detach.forEach((detach) => detach());
    ({ parts: this.#parts, detach: this.#detach } = assemble(config, this.#owned));
    this.#config = config;
    this.#invalidator = config.invalidator;
    this.#invalidatorReady = config.invalidator.ready?.();
    return this;
  }

  /**
   * Configures from a flat dictionary, as dogpile.cache's `configure_from_config`: `${prefix}backend`,
   * `${prefix}expiration_time` (or `expirationTime`), every `${prefix}arguments.NAME`; strings coerced
   * (numbers, `'true'`/`'false'`, `'none'`/`'null'` to null).
   */
  configureFromConfig(config: Record<string, unknown>, prefix: string): this {
    return this.configure(...readConfig(config, prefix));
  }

  /** Whether {@link configure} has been called (and the region not closed). */
  get isConfigured(): boolean {
    return this.#parts !== undefined;
  }

  /** The backend, proxies included. Throws {@link RegionNotConfigured} before `configure`. */
  get backend(): CacheBackend {
    return this.#require().config.backend;
  }

  /** The innermost backend, skipping proxies. */
  get actualBackend(): CacheBackend {
    return this.#require().config.actual;
  }

  /** The expiration time given to `configure` (ms), or `undefined`. */
  get expirationTime(): number | undefined {
    return this.#config?.expirationTime;
  }

  /** The region's clock (epoch ms): what its expiration and invalidation compare against. */
  now(): number {
    return this.#now();
  }

  /** Labels of the backend chain, proxies first, the actual backend last (see `CacheBackend.label`). */
  get backendLabels(): string[] {
    return backendLabels(this.#require().config);
  }

  /** The invalidation strategy in force. */
  get regionInvalidator(): RegionInvalidationStrategy {
    return this.#invalidator;
  }

  /** The key mangler in force (the region's, else the backend's), if any. */
  get keyMangler(): KeyMangler | undefined {
    return this.#config?.mangler;
  }

  /** Subscribes to the region's {@link RegionEvent}s; returns the unsubscribe function. */
  subscribe(listener: RegionListener): () => void {
    return this.#owned.recorder.events.subscribe(listener);
  }

  /** A snapshot of the region's counters. */
  get stats(): RegionStats {
    return this.#owned.recorder.stats();
  }

  /** Sets every counter back to zero (and forgets {@link recentErrors}). */
  resetStats(): void {
    this.#owned.recorder.reset();
  }

  /** The last faults the region absorbed (at most 10, oldest first), kept whether or not anyone subscribes. */
  get recentErrors(): readonly RegionErrorRecord[] {
    return this.#owned.recorder.recentErrors();
  }

  /** The value for `key`, or {@link NO_VALUE} when it is absent, expired, invalidated, of another version or unreadable. */
  async get<V = unknown>(key: string, options?: GetOptions): Promise<V | NoValue> {
    const value = await this.getValueMetadata<V>(key, options);
    return value === undefined ? NO_VALUE : value.payload;
  }

  /** Like {@link get}, for many keys at once: one backend call. */
  async getMulti<V = unknown>(keys: readonly string[], options: GetOptions = {}): Promise<Array<V | NoValue>> {
    checkKeys(keys);
    const { read } = this.#require();
    const expiration = read.readExpiration(options);
    if (this.#invalidatorReady) await this.#ready();
    return read.getMulti<V>(keys, expiration);
  }

  /** The stored {@link CachedValue} (payload and metadata) for `key`, or `undefined` under the same conditions as {@link get}. */
  async getValueMetadata<V = unknown>(key: string, options?: GetOptions): Promise<CachedValue<V> | undefined> {
    const { read } = this.#require();
    const expiration = read.readExpiration(options);
    if (this.#invalidatorReady) await this.#ready();
    return read.getUsable(key, expiration) as Promise<CachedValue<V> | undefined>;
  }

  /**
   * The value for `key`; when it is absent or expired, `creator()` makes it under dogpile's lock: one
   * caller creates, callers without a value wait for it, callers with an expired value get it meanwhile.
   */
  getOrCreate<V>(key: string, creator: () => MaybePromise<V>, options?: GetOrCreateOptions<V>): Promise<V> {
    // A plain method, not an async one: a hit from a synchronous backend (the
    // memory backend) then costs one resolved promise and no async frame.
    // Every error still rejects the returned promise.
    try {
      if (typeof creator !== 'function') throw new TypeError(`dogpile-cache: getOrCreate expects a creator function, got ${typeof creator}`);
      const parts = this.#require();
      const { read } = parts;
      const expiration = read.expiration(options?.expirationTime);
      if (options !== undefined) checkCreateOptions(options);
      const readSync = this.#invalidatorReady ? undefined : read.syncReader();
      if (!readSync) return getOrCreateAsync(parts, this.#invalidatorReady && this.#ready(), key, creator, expiration, options);
      read.checkSoftInvalidation(expiration);
      const mangled = read.mangle(key);
      // Fast path: a fresh value costs one backend read and no lock.
      const releases = parts.passes.mutexes.releases;
      const stored = read.loadSync(readSync, mangled, key, 'getOrCreate');
      if (stored !== NO_VALUE && read.isFreshRead(stored, expiration)) {
        parts.recorder.hit(key);
        return Promise.resolve(stored.payload as V);
      }
      // A stampede's later callers join the wait they share; the others go through the lock.
      return (stored === NO_VALUE && joinStampede(parts, key, mangled, creator, expiration, options, releases)) || getOrCreateMissed(parts, key, mangled, creator, expiration, options, releases, stored);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Like {@link getOrCreate} for many keys. `creator(...missingKeys)` gets each distinct key to create once,
   * sorted, and returns their values in that order. The result follows `keys`, repeats included.
   */
  async getOrCreateMulti<V>(keys: readonly string[], creator: (...keys: string[]) => MaybePromise<readonly V[]>, options: GetOrCreateMultiOptions<V> = {}): Promise<V[]> {
    checkKeys(keys);
    if (typeof creator !== 'function') throw new TypeError(`dogpile-cache: getOrCreateMulti expects a creator function, got ${typeof creator}`);
    const parts = this.#require();
    const expiration = parts.read.expiration(options.expirationTime);
    checkCreateOptions(options);
    if (this.#invalidatorReady) await this.#ready();
    parts.read.checkSoftInvalidation(expiration);
    return getOrCreateMulti(parts, keys, creator, expiration, options);
  }

  /** Stores `value` under `key`, created now. */
  async set<V>(key: string, value: V): Promise<void> {
    await (await this.#loaded()).writes.set(key, value);
  }

  /** Stores many values at once: one backend call. */
  async setMulti<V>(mapping: Record<string, V> | ReadonlyMap<string, V>): Promise<void> {
    await (await this.#loaded()).writes.setMulti(mapping);
  }

  /** Removes `key`. Removing a missing key is not an error. */
  async delete(key: string): Promise<void> {
    await (await this.#loaded()).writes.delete(key);
  }

  /** Removes many keys at once: one backend call. */
  async deleteMulti(keys: readonly string[]): Promise<void> {
    checkKeys(keys);
    await (await this.#loaded()).writes.deleteMulti(keys);
  }

  /**
   * Invalidates every value created before now. Hard (default): they look absent, the next `getOrCreate`
   * waits for a new one. Soft: they look expired, one caller regenerates meanwhile (needs an expiration time).
   */
  async invalidate(hard = true): Promise<void> {
    const strategy = this.#invalidator;
    await strategy.invalidate(hard);
    // Strategies that report invalidations were heard through their subscription already.
    if (!strategy.subscribe) {
      if (this.#parts) this.#parts.read.neverInvalidated = false;
      this.#owned.recorder.invalidated(Boolean(hard), this.#now(), false);
    }
  }

  /**
   * Removes the region's unusable entries: of another format or region version, unreadable, hard-invalidated.
   * Expired values stay (they are served stale) unless `options.expiredFor` says how long after expiring they
   * go; `batchSize` and `pause` bound the work at a time. Resolves to how many it removed (0 when the backend
   * cannot list its keys). The browser backends also prune when the tab is idle (`autoPrune`).
   */
  async prune(options: PruneOptions = {}): Promise<number> {
    return prune(await this.#loaded(), () => this.storedKeys(), options);
  }

  /**
   * Removes every entry of the region from the backend (e.g. on logout), for every tab or process sharing it;
   * resolves to how many. Needs the backend's `clear()` or `keys()`, else rejects with `DogpileCacheException`.
   */
  async clear(): Promise<number> {
    return clear(await this.#loaded(), () => this.storedKeys(), this.name);
  }

  /**
   * Detaches the region from its backend (channels and listeners closed; stored values stay); later calls
   * reject with {@link RegionNotConfigured}. Also `region[Symbol.dispose]()`.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#detach.forEach((detach) => detach());
    this.#detach = [];
    this.#parts = undefined;
  }

  /** Whether a creator for `key` holds the creation lock now: in this process, or, for shared backends, in any tab. */
  async keyIsLocked(key: string): Promise<boolean> {
    return this.storedKeyIsLocked(this.#require().read.mangle(key));
  }

  // Inspection, by stored key (see inspection.ts): what the devtools inspector uses.

  /** The entry stored under `storedKey`, read without counting or events: `raw` as the backend returned it, `value` decoded (`undefined` when absent or unreadable). */
  async peekStored(storedKey: string): Promise<{ raw: StoredValue | NoValue; value: CachedValue | undefined }> {
    return peekStored((await this.#loaded()).read, storedKey);
  }

  /** The keys the backend stores (mangled); `undefined` when it cannot list them (no `keys()`). */
  storedKeys(): Promise<string[] | undefined> {
    return storedKeys(this.actualBackend);
  }

  /** {@link keyIsLocked} for a stored (mangled) key. */
  async storedKeyIsLocked(storedKey: string): Promise<boolean> {
    return storedKeyIsLocked(this.#require().config.backend, this.#owned.passes.mutexes, storedKey);
  }

  /** Removes the entry stored under `storedKey`, as {@link delete} does (its `delete` event names the stored key). */
  async deleteStored(storedKey: string): Promise<void> {
    await (await this.#loaded()).writes.delete(storedKey, true);
  }

  /**
   * Keeps the creator that last ran for each key (at most `limit`, least recently created dropped first) for
   * {@link regenerateStored} (the devtools' "Regenerate"); `0` turns it off and forgets them.
   */
  keepCreators(limit: number): void {
    this.#owned.creators.limit = limit;
  }

  /**
   * Runs again the creator that last made `storedKey` here and stores its value, without the lock (as a
   * decorated function's `refresh`). Rejects with `DogpileCacheException` when none is kept ({@link keepCreators}).
   */
  async regenerateStored(storedKey: string): Promise<void> {
    this.#require();
    const kept = this.#owned.creators.get(storedKey);
    if (!kept) {
      throw new DogpileCacheException(
        `Region${this.#named()} has no creator for "${storedKey}" here: it was stored by set(), made in another tab or process, or before its creators were kept.`,
      );
    }
    await (await this.#loaded()).writes.createAndStore(storedKey, kept.key, kept.creator, kept.shouldCacheFn);
  }

  /** Wraps a function so its results are cached by its arguments, as dogpile.cache's `cache_on_arguments`; the wrapper has `invalidate`, `set`, `get`, `refresh` and `original`. */
  cacheOnArguments(options: CacheOnArgumentsOptions = {}): <F extends AnyFunction>(fn: F) => CachedFunction<F> {
    return (fn) => cacheOnArguments(this, fn, options);
  }

  /** Wraps a function of many keys (`fn(...ids)` returning one value per id) so each key is cached on its own, as dogpile.cache's `cache_multi_on_arguments`. */
  cacheMultiOnArguments(options: CacheMultiOnArgumentsOptions = {}): <F extends AnyFunction>(fn: F) => CachedMultiFunction<F> {
    return (fn) => cacheMultiOnArguments(this, fn, options);
  }

  static {
    // `region[Symbol.dispose]()` closes the region, where the runtime knows the symbol.
    const dispose = (Symbol as { dispose?: symbol }).dispose;
    if (dispose) Object.defineProperty(this.prototype, dispose, { value(this: CacheRegion) { this.close(); }, configurable: true, writable: true });
  }

  #named(): string {
    return this.name ? ` "${this.name}"` : '';
  }

  #require(): RegionParts {
    const parts = this.#parts;
    if (!parts) {
      throw new RegionNotConfigured(this.#closed ? `Region${this.#named()} is closed.` : `Region${this.#named()} is not configured yet; call region.configure(backend) first.`);
    }
    return parts;
  }

  /** The region's parts, once the invalidation strategy's state is loaded. */
  async #loaded(): Promise<RegionParts> {
    const parts = this.#require();
    if (this.#invalidatorReady) await this.#ready();
    return parts;
  }

  /** Waits once for the invalidation strategy's persisted state; a fault is recorded, not thrown. */
  async #ready(): Promise<void> {
    const ready = this.#invalidatorReady;
    if (ready) {
      try {
        await ready;
      } catch (error) {
        this.#owned.recorder.error('invalidation', error, undefined);
      }
      if (this.#invalidatorReady === ready) this.#invalidatorReady = undefined;
    }
  }
}

/** Makes a region; call {@link CacheRegion.configure} before use. */
export function makeRegion(options?: RegionOptions): CacheRegion {
  return new CacheRegion(options);
}
