/**
 * Cache regions: dogpile.cache's `CacheRegion`, async. The one class that
 * combines backend, lock, keys, invalidation and events; each concern lives
 * in a module beside it (config, read path, writes, recorder, multi-key
 * calls, maintenance, inspection, decorators).
 *
 * @module
 */
import { CachedValue, NO_VALUE, type CacheBackend, type CacheMutex, type Deserializer, type KeyMangler, type NoValue, type PruneOptions, type RegionInvalidationStrategy, type Serializer } from '../api.js';
import { hitNow, monotonicNow } from '../clock.js';
import { DogpileCacheException, RegionAlreadyConfigured, RegionNotConfigured } from '../errors.js';
import type { RegionErrorRecord, RegionListener, RegionStats } from '../events.js';
import { DefaultInvalidationStrategy } from '../invalidation.js';
import { functionKeyGenerator, functionMultiKeyGenerator, type AnyFunction, type KeyGenerator, type MultiKeyGenerator } from '../keys.js';
import { KeyPasses } from '../lock/lock.js';
import { ProxyBackend } from '../proxy.js';
import type { BackendName, BackendRegistry } from '../registry.js';
import { checkDuration, checkKeys, checkOptionalFunction } from '../validate.js';
import { normalizeExpiration, readConfig, resolveConfiguration, type Configuration } from './config.js';
import { handToRunner, Writes } from './create.js';
import { cacheMultiOnArguments, cacheOnArguments, type CacheMultiOnArgumentsOptions, type CacheOnArgumentsOptions, type CachedFunction, type CachedMultiFunction } from './decorators.js';
import { KeptCreators, peekStored, storedKeyIsLocked, storedKeys } from './inspection.js';
import { clear, prune } from './maintenance.js';
import { getOrCreateMulti } from './multi.js';
import { getOrCreateMissed, joinStampede } from './get-or-create.js';
import type { RegionParts } from './parts.js';
import { ReadPath, type ReadExpiration } from './read-path.js';
import { Recorder } from './recorder.js';
import type { ConfigureOptions, Creator, GetOptions, GetOrCreateMultiOptions, GetOrCreateOptions, MaybePromise, ShouldCache } from './types.js';

export type { ConfigureOptions, GetOptions, GetOrCreateMultiOptions, GetOrCreateOptions, MaybePromise } from './types.js';

/**
 * Regenerates an expired value in the background while callers get the stale
 * one. It must store the value (e.g. `await region.set(key, await creator())`)
 * and call `mutex.release()` when done, whatever happens. `key` is the
 * caller's key, before mangling.
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
  /**
   * Milliseconds a caller waits for another caller's creator before it gives
   * up and creates the value itself (emitting `lockTimeout`). Default: wait
   * as long as it takes, as dogpile does.
   */
  lockTimeout?: number;
  /** The clock, epoch ms. Default: `Date.now()`, strictly increasing, robust to the wall clock being set back. */
  now?: () => number;
  /**
   * The version of what this region stores (e.g. your app's build or data
   * schema): a value written under another version is a miss, and
   * {@link CacheRegion.prune} removes it. Change it to bust persisted caches on deploy.
   */
  version?: string | number;
}

/** A cache region: one backend, one expiration policy, dogpile's lock. */
export class CacheRegion {
  /** Name given to {@link makeRegion}. */
  readonly name: string | undefined;
  /** Key generator used by {@link cacheOnArguments}. */
  readonly functionKeyGenerator: KeyGenerator;
  /** Key generator used by {@link cacheMultiOnArguments}. */
  readonly functionMultiKeyGenerator: MultiKeyGenerator;
  /** The async creation runner, if any. */
  readonly asyncCreationRunner: AsyncCreationRunner | undefined;
  /** Milliseconds a waiter waits before creating itself, if limited. */
  readonly lockTimeout: number | undefined;
  /** The version given to {@link makeRegion}; stored values of another version are misses. */
  readonly version: string | number | undefined;

  readonly #options: RegionOptions;
  readonly #now: () => number;
  /** The clock for judging reads: the default clock's reading reused while reads are dense (see {@link hitNow}); an injected clock as it is. */
  readonly #readNow: () => number;
  readonly #recorder: Recorder;
  readonly #passes = new KeyPasses<CachedValue | NoValue>();
  readonly #creators = new KeptCreators();
  #parts: RegionParts | undefined;
  /** The last configuration, kept after `close` for the getters that describe it. */
  #config: Configuration | undefined;
  #invalidator: RegionInvalidationStrategy;
  #invalidatorReady: Promise<void> | undefined;
  #detach: Array<() => void> = [];
  #closed = false;

  constructor(options: RegionOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: region options must be an object');
    const { name, keyMangler, asyncCreationRunner, lockTimeout, now, version } = options;
    if (name !== undefined && typeof name !== 'string') throw new TypeError('dogpile-cache: region name must be a string');
    for (const option of ['functionKeyGenerator', 'functionMultiKeyGenerator', 'asyncCreationRunner', 'serializer', 'deserializer', 'now'] as const) {
      checkOptionalFunction(options[option], option);
    }
    if (keyMangler !== false) checkOptionalFunction(keyMangler, 'keyMangler');
    if (lockTimeout !== undefined) checkDuration(lockTimeout, 'lockTimeout');
    if (version !== undefined && typeof version !== 'string' && !(typeof version === 'number' && Number.isFinite(version))) {
      throw new TypeError(`dogpile-cache: region version must be a string or a finite number, got ${String(version)}`);
    }
    this.#options = options;
    this.version = version;
    this.name = name;
    this.functionKeyGenerator = options.functionKeyGenerator ?? functionKeyGenerator;
    this.functionMultiKeyGenerator = options.functionMultiKeyGenerator ?? functionMultiKeyGenerator;
    this.asyncCreationRunner = asyncCreationRunner;
    this.lockTimeout = lockTimeout;
    this.#now = now ?? monotonicNow;
    this.#readNow = now ?? hitNow;
    this.#recorder = new Recorder(name, this.#now);
    this.#invalidator = new DefaultInvalidationStrategy(this.#now);
  }

  // ---------------------------------------------------------------- configuration

  /**
   * Gives the region its backend: a registered name (`'memory'`, `'null'`,
   * `'localstorage'`, `'indexeddb'`, or your own) or a backend instance.
   * Returns the region, so `makeRegion().configure('memory')` reads well.
   */
  configure<N extends BackendName>(backend: N, options?: ConfigureOptions<BackendRegistry[N]>): this;
  configure(backend: CacheBackend, options?: ConfigureOptions): this;
  configure(backend: string | CacheBackend, options: ConfigureOptions<object> = {}): this {
    if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: configure options must be an object');
    if (this.#parts && !options.replaceExistingBackend) {
      throw new RegionAlreadyConfigured(`This region${this.#named()} is already configured with backend ${this.#parts.config.backend.label}; pass replaceExistingBackend: true to replace it.`);
    }
    const now = this.#now;
    const config = resolveConfiguration(backend, options, this.#options, { name: this.name, now, prune: (options) => this.prune(options) }, now);
    if (this.#closed) throw new RegionNotConfigured(`Region${this.#named()} is closed; make a new one.`);
    this.#detach.forEach((detach) => detach());
    const recorder = this.#recorder;
    const { invalidator } = config;
    const read = new ReadPath(config, recorder, now, this.#readNow, this.version);
    const runner = this.asyncCreationRunner;
    this.#parts = {
      config,
      read,
      writes: new Writes(config, recorder, now, this.version),
      recorder,
      passes: this.#passes,
      lockTimeout: this.lockTimeout,
      handOff: runner && ((key, creator, held) => handToRunner(runner, this, key, creator, held, recorder)),
      creators: this.#creators,
    };
    this.#config = config;
    this.#invalidator = invalidator;
    this.#invalidatorReady = invalidator.ready?.();
    this.#detach = [
      // A strategy the backend made for this region goes with it.
      () => config.made?.close?.(),
      () => config.actual.unbindRegion?.(config.binding),
      config.backend.onNotice((notice) => recorder.notice(notice)),
      config.backend.onChange((change) => recorder.remoteChange(change)),
    ];
    if (invalidator.subscribe) {
      this.#detach.push(
        invalidator.subscribe(({ hard, at, remote }) => {
          read.neverInvalidated = false;
          recorder.invalidated(hard, at, remote);
        }),
      );
    }
    return this;
  }

  /**
   * Configures from a flat dictionary, as dogpile.cache's
   * `configure_from_config`: reads `${prefix}backend`,
   * `${prefix}expiration_time` (or `expirationTime`) and every
   * `${prefix}arguments.NAME`. String values are coerced: integers and floats
   * to numbers, `'true'`/`'false'` to booleans, `'none'`/`'null'` to null.
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
    const { backend: outer, actual } = this.#require().config;
    const labels: string[] = [];
    for (let backend: CacheBackend | undefined = outer; backend && labels.length < 16; backend = backend instanceof ProxyBackend ? backend.proxied : undefined) {
      labels.push(backend.label);
      if (backend === actual) break;
    }
    return labels;
  }

  /** The invalidation strategy in force. */
  get regionInvalidator(): RegionInvalidationStrategy {
    return this.#invalidator;
  }

  /** The key mangler in force (the region's, else the backend's), if any. */
  get keyMangler(): KeyMangler | undefined {
    return this.#config?.mangler;
  }

  // ---------------------------------------------------------------- events

  /** Subscribes to the region's {@link RegionEvent}s; returns the unsubscribe function. */
  subscribe(listener: RegionListener): () => void {
    return this.#recorder.events.subscribe(listener);
  }

  /** A snapshot of the region's counters. */
  get stats(): RegionStats {
    return this.#recorder.stats();
  }

  /** Sets every counter back to zero (and forgets {@link recentErrors}). */
  resetStats(): void {
    this.#recorder.reset();
  }

  /** The last faults the region absorbed (at most 10, oldest first), kept whether or not anyone subscribes. */
  get recentErrors(): readonly RegionErrorRecord[] {
    return this.#recorder.recentErrors();
  }

  // ---------------------------------------------------------------- reads

  /**
   * The value for `key`, or {@link NO_VALUE} when it is absent, expired,
   * invalidated, of another format version or unreadable.
   */
  async get<V = unknown>(key: string, options?: GetOptions): Promise<V | NoValue> {
    const value = await this.#readUsable(key, options);
    return value === undefined ? NO_VALUE : (value.payload as V);
  }

  /** Like {@link get}, for many keys at once: one backend call. */
  async getMulti<V = unknown>(keys: readonly string[], options: GetOptions = {}): Promise<Array<V | NoValue>> {
    checkKeys(keys);
    const parts = this.#require();
    const expiration = this.#readExpiration(parts, options);
    if (this.#invalidatorReady) await this.#ready();
    if (keys.length === 0) return [];
    const { read } = parts;
    const loaded = await read.loadMulti(keys.map((key) => read.mangle(key)), keys, 'getMulti');
    return loaded.map((value, i) => {
      const usable = read.usable(value, expiration);
      this.#countRead(keys[i]!, usable !== undefined);
      return usable === undefined ? NO_VALUE : (usable.payload as V);
    });
  }

  /**
   * The stored {@link CachedValue} (payload and metadata) for `key`, or
   * `undefined` under the same conditions as {@link get}.
   */
  getValueMetadata<V = unknown>(key: string, options?: GetOptions): Promise<CachedValue<V> | undefined> {
    return this.#readUsable(key, options) as Promise<CachedValue<V> | undefined>;
  }

  /**
   * The value for `key`; when it is absent or expired, `creator()` makes it
   * under dogpile's lock: one caller creates, callers without a value wait for
   * it, callers with an expired value get that value meanwhile.
   */
  getOrCreate<V>(key: string, creator: () => MaybePromise<V>, options?: GetOrCreateOptions<V>): Promise<V> {
    // A plain method, not an async one: a hit from a synchronous backend (the
    // memory backend) then costs one resolved promise and no async frame.
    // Every error still rejects the returned promise.
    try {
      if (typeof creator !== 'function') throw new TypeError(`dogpile-cache: getOrCreate expects a creator function, got ${typeof creator}`);
      const parts = this.#require();
      const expiration = this.#callExpiration(parts, options?.expirationTime);
      const shouldCacheFn = options?.shouldCacheFn;
      checkOptionalFunction(shouldCacheFn, 'shouldCacheFn');
      const { read } = parts;
      const readSync = this.#invalidatorReady ? undefined : read.syncReader();
      if (!readSync) return this.#getOrCreateAsync(parts, key, creator, expiration, shouldCacheFn);
      this.#checkSoftInvalidation(expiration);
      const mangled = read.mangle(key);
      // Fast path: a fresh value costs one backend read and no lock.
      const releases = this.#passes.mutexes.releases;
      const stored = read.loadSync(readSync, mangled, key, 'getOrCreate');
      if (stored !== NO_VALUE && read.isFreshRead(stored, expiration)) {
        this.#recorder.hit(key);
        return Promise.resolve(stored.payload as V);
      }
      // A stampede's later callers join the wait they share; the others go through the lock.
      if (stored === NO_VALUE) {
        const joined = joinStampede(parts, key, mangled, creator, expiration, shouldCacheFn, releases);
        if (joined) return joined;
      }
      return getOrCreateMissed(parts, key, mangled, creator, expiration, shouldCacheFn, releases, stored);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** {@link getOrCreate} with a backend that reads asynchronously, or an invalidation strategy still loading its state. */
  async #getOrCreateAsync<V>(parts: RegionParts, key: string, creator: Creator<V>, expiration: number | undefined, shouldCacheFn: ShouldCache<V>): Promise<V> {
    if (this.#invalidatorReady) await this.#ready();
    this.#checkSoftInvalidation(expiration);
    const { read } = parts;
    const mangled = read.mangle(key);
    const releases = this.#passes.mutexes.releases;
    const stored = await read.loadNow(mangled, key, 'getOrCreate');
    if (stored !== NO_VALUE && read.isFreshRead(stored, expiration)) {
      this.#recorder.hit(key);
      return stored.payload as V;
    }
    return await getOrCreateMissed(parts, key, mangled, creator, expiration, shouldCacheFn, releases, stored);
  }

  /**
   * Like {@link getOrCreate} for many keys. `creator(...missingKeys)` receives
   * each distinct key to create once, in sorted order, and returns their
   * values in that order. The result follows `keys`, repeats included.
   */
  async getOrCreateMulti<V>(keys: readonly string[], creator: (...keys: string[]) => MaybePromise<readonly V[]>, options: GetOrCreateMultiOptions<V> = {}): Promise<V[]> {
    checkKeys(keys);
    if (typeof creator !== 'function') throw new TypeError(`dogpile-cache: getOrCreateMulti expects a creator function, got ${typeof creator}`);
    const parts = this.#require();
    const expiration = this.#callExpiration(parts, options.expirationTime);
    checkOptionalFunction(options.shouldCacheFn, 'shouldCacheFn');
    if (this.#invalidatorReady) await this.#ready();
    this.#checkSoftInvalidation(expiration);
    return getOrCreateMulti(parts, keys, creator, expiration, options.shouldCacheFn);
  }

  // ---------------------------------------------------------------- writes

  /** Stores `value` under `key`, created now. */
  async set<V>(key: string, value: V): Promise<void> {
    const { config, read, writes } = this.#require();
    if (this.#invalidatorReady) await this.#ready();
    await config.backend.set(read.mangle(key), writes.stored(new CachedValue(value, writes.metadata())));
    this.#recorder.set(key);
  }

  /** Stores many values at once: one backend call. */
  async setMulti<V>(mapping: Record<string, V> | ReadonlyMap<string, V>): Promise<void> {
    const { config, read, writes } = this.#require();
    if (mapping === null || typeof mapping !== 'object') throw new TypeError('dogpile-cache: setMulti expects an object or a Map');
    if (this.#invalidatorReady) await this.#ready();
    const entries = mapping instanceof Map ? [...mapping.entries()] : Object.entries(mapping);
    if (entries.length === 0) return;
    const metadata = writes.metadata();
    await config.backend.setMulti(new Map(entries.map(([key, value]) => [read.mangle(key), writes.stored(new CachedValue(value, metadata))])));
    for (const [key] of entries) this.#recorder.set(key);
  }

  /** Removes `key`. Removing a missing key is not an error. */
  async delete(key: string): Promise<void> {
    const { config, read } = this.#require();
    if (this.#invalidatorReady) await this.#ready();
    await config.backend.delete(read.mangle(key));
    this.#recorder.deleted(1, [key]);
  }

  /** Removes many keys at once: one backend call. */
  async deleteMulti(keys: readonly string[]): Promise<void> {
    checkKeys(keys);
    const { config, read } = this.#require();
    if (this.#invalidatorReady) await this.#ready();
    if (keys.length === 0) return;
    await config.backend.deleteMulti(keys.map((key) => read.mangle(key)));
    this.#recorder.deleted(keys.length, keys);
  }

  /**
   * Invalidates every value created before now. Hard (default): they look
   * absent, and the next `getOrCreate` waits for a new one. Soft: they look
   * expired, and one caller regenerates while the others get the old value
   * (needs an expiration time).
   */
  async invalidate(hard = true): Promise<void> {
    const strategy = this.#invalidator;
    await strategy.invalidate(hard);
    // Strategies that report invalidations were heard through their subscription already.
    if (!strategy.subscribe) {
      if (this.#parts) this.#parts.read.neverInvalidated = false;
      this.#recorder.invalidated(Boolean(hard), this.#now(), false);
    }
  }

  /**
   * Removes the region's unusable entries from the backend: values of another
   * format or region version, unreadable ones, and hard-invalidated ones.
   * Expired values are kept (they are served stale while one caller
   * regenerates) unless `options.expiredFor` says how long after expiring
   * they go. `batchSize` and `pause` bound the work done at a time. Resolves
   * to how many entries it removed; needs a backend that lists its keys
   * (`keys()`), else resolves to 0. The browser backends also prune by
   * themselves when the tab is idle (their `autoPrune` argument).
   */
  async prune(options: PruneOptions = {}): Promise<number> {
    const parts = this.#require();
    if (this.#invalidatorReady) await this.#ready();
    return prune(parts, () => this.storedKeys(), options);
  }

  /**
   * Removes every entry of the region from the backend (e.g. on logout): the
   * data leaves storage, so every tab or process sharing it then misses.
   * Resolves to how many entries it removed. Uses the backend's `clear()`
   * when it has one, else its `keys()`; a backend with neither rejects with
   * a `DogpileCacheException`.
   */
  async clear(): Promise<number> {
    const parts = this.#require();
    if (this.#invalidatorReady) await this.#ready();
    return clear(parts, () => this.storedKeys(), this.name);
  }

  /**
   * Detaches the region from its backend: its invalidation channel and
   * listeners are closed, and later calls reject with
   * {@link RegionNotConfigured}. Stored values stay. Also
   * `region[Symbol.dispose]()` where the runtime has `Symbol.dispose`.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#detach.forEach((detach) => detach());
    this.#detach = [];
    this.#parts = undefined;
  }

  /**
   * Whether a creator for `key` holds the creation lock now: in this process,
   * or, for shared backends, in any tab.
   */
  async keyIsLocked(key: string): Promise<boolean> {
    return this.storedKeyIsLocked(this.#require().read.mangle(key));
  }

  // ---------------------------------------------------------------- inspection (by stored key: see inspection.ts)

  /** Reads the entry stored under `storedKey` without counting a hit or miss and without events: `raw` as the backend returned it, `value` decoded (`undefined` when absent or unreadable). */
  async peekStored(storedKey: string): Promise<Awaited<ReturnType<typeof peekStored>>> {
    const { read } = this.#require();
    if (this.#invalidatorReady) await this.#ready();
    return peekStored(read, storedKey);
  }

  /** The keys stored by the backend (as stored, i.e. mangled); `undefined` when it cannot list them (no `keys()`). */
  storedKeys(): Promise<string[] | undefined> {
    return storedKeys(this.actualBackend);
  }

  /** {@link keyIsLocked} for a stored (mangled) key. */
  async storedKeyIsLocked(storedKey: string): Promise<boolean> {
    return storedKeyIsLocked(this.#require().config.backend, this.#passes.mutexes, storedKey);
  }

  /** Removes the entry stored under `storedKey`, as {@link delete} does for a caller's key (its `delete` event names the stored key). */
  async deleteStored(storedKey: string): Promise<void> {
    const { config } = this.#require();
    if (this.#invalidatorReady) await this.#ready();
    await config.backend.delete(storedKey);
    this.#recorder.deleted(1, [storedKey]);
  }

  /**
   * Keeps the creator that last ran for each key (at most `limit` keys, the
   * least recently created dropped first), so that {@link regenerateStored}
   * can run it again: the devtools inspector turns this on to offer
   * "Regenerate" per entry. Only creations are recorded, never hits; `0`
   * turns it off and forgets them.
   */
  keepCreators(limit: number): void {
    this.#creators.limit = limit;
  }

  /**
   * Runs again the creator that last made the entry stored under `storedKey`
   * in this tab or process, and stores its value, as a decorated function's
   * `refresh` does (no lock: the call itself is the request for a new value).
   * Needs {@link keepCreators}; rejects with a `DogpileCacheException` when no
   * creator of the key is kept (made elsewhere, by `set`, or before creators were kept).
   */
  async regenerateStored(storedKey: string): Promise<void> {
    const { writes } = this.#require();
    const kept = this.#creators.get(storedKey);
    if (!kept) {
      throw new DogpileCacheException(
        `Region${this.#named()} has no creator for "${storedKey}" here: it was stored by set(), made in another tab or process, or before its creators were kept.`,
      );
    }
    if (this.#invalidatorReady) await this.#ready();
    await writes.createAndStore(storedKey, kept.key, kept.creator, kept.shouldCacheFn);
  }

  // ---------------------------------------------------------------- decorators

  /**
   * Wraps a function so its results are cached by its arguments, as
   * dogpile.cache's `cache_on_arguments`. The wrapper has `invalidate`, `set`,
   * `get`, `refresh` and `original`.
   */
  cacheOnArguments(options: CacheOnArgumentsOptions = {}): <F extends AnyFunction>(fn: F) => CachedFunction<F> {
    return (fn) => cacheOnArguments(this, fn, options);
  }

  /**
   * Wraps a function of many keys (`fn(...ids)` returning one value per id) so
   * each key is cached on its own, as dogpile.cache's `cache_multi_on_arguments`.
   */
  cacheMultiOnArguments(options: CacheMultiOnArgumentsOptions = {}): <F extends AnyFunction>(fn: F) => CachedMultiFunction<F> {
    return (fn) => cacheMultiOnArguments(this, fn, options);
  }

  // ---------------------------------------------------------------- internals

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

  /** Waits once for the invalidation strategy's persisted state; a fault is recorded, not thrown. */
  async #ready(): Promise<void> {
    const ready = this.#invalidatorReady;
    if (ready) {
      try {
        await ready;
      } catch (error) {
        this.#recorder.error('invalidation', error, undefined);
      }
      if (this.#invalidatorReady === ready) this.#invalidatorReady = undefined;
    }
  }

  /** dogpile: soft invalidation needs an expiration time, checked before anything is read or created. */
  #checkSoftInvalidation(expiration: number | undefined): void {
    if (expiration === undefined && this.#invalidator.wasSoftInvalidated()) {
      throw new DogpileCacheException(`Region${this.#named()} was soft-invalidated but has no expiration time: configure an expirationTime, pass one per call, or invalidate hard.`);
    }
  }

  #callExpiration(parts: RegionParts, perCall: number | undefined): number | undefined {
    return perCall === undefined ? parts.config.expiration : normalizeExpiration(perCall, 'expirationTime');
  }

  /** The expiration a read with `options` judges by (see {@link ReadExpiration}). Checks the options. */
  #readExpiration(parts: RegionParts, options: GetOptions): ReadExpiration {
    if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: options must be an object');
    return options.ignoreExpiration ? false : this.#callExpiration(parts, options.expirationTime);
  }

  #countRead(key: string, hit: boolean): void {
    if (hit) this.#recorder.hit(key);
    else this.#recorder.miss(key);
  }

  /** What `get` may return for `key`, counted as a hit or a miss. */
  async #readUsable(key: string, options: GetOptions | undefined): Promise<CachedValue | undefined> {
    const parts = this.#require();
    const expiration = options === undefined ? parts.config.expiration : this.#readExpiration(parts, options);
    if (this.#invalidatorReady) await this.#ready();
    const { read } = parts;
    const mangled = read.mangle(key);
    const readSync = read.syncReader();
    const value = read.usable(readSync ? read.loadSync(readSync, mangled, key, 'get') : await read.load(mangled, key, 'get'), expiration);
    this.#countRead(key, value !== undefined);
    return value;
  }
}

// `region[Symbol.dispose]()` closes the region, where the runtime knows the symbol.
const disposeSymbol = (Symbol as { dispose?: symbol }).dispose;
if (disposeSymbol) {
  Object.defineProperty(CacheRegion.prototype, disposeSymbol, {
    value(this: CacheRegion) {
      this.close();
    },
    configurable: true,
    writable: true,
  });
}

/** Makes a region; call {@link CacheRegion.configure} before use. */
export function makeRegion(options?: RegionOptions): CacheRegion {
  return new CacheRegion(options);
}
