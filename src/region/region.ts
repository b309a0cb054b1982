/**
 * Cache regions: dogpile.cache's `CacheRegion`, async. The one module that
 * combines backend, lock, keys, invalidation and events.
 *
 * @module
 */
import { checkDuration } from '../validate.js';
import {
  CacheBackend,
  CachedValue,
  NO_VALUE,
  VALUE_VERSION,
  type BackendArguments,
  type BackendChange,
  type CacheMutex,
  type CachedValueMetadata,
  type Deserializer,
  type KeyMangler,
  type NoValue,
  type RegionBinding,
  type RegionInvalidationStrategy,
  type Serializer,
  type StoredValue,
} from '../api.js';
import { FUTURE_TOLERANCE_MS, hitNow, monotonicNow } from '../clock.js';
import { cacheMultiOnArguments, cacheOnArguments, type CacheMultiOnArgumentsOptions, type CacheOnArgumentsOptions, type CachedFunction, type CachedMultiFunction } from './decorators.js';
import {
  CantDeserializeException,
  DogpileCacheException,
  RegionAlreadyConfigured,
  RegionNotConfigured,
  ValidationError,
} from '../errors.js';
import { emptyStats, Subscribable, type RegionErrorRecord, type RegionEvent, type RegionListener, type RegionStats } from '../events.js';
import { DefaultInvalidationStrategy } from '../invalidation.js';
import { functionKeyGenerator, functionMultiKeyGenerator, type AnyFunction, type KeyGenerator, type MultiKeyGenerator } from '../keys.js';
import { Flights, runLock, type LockEntry, type LockObserver, type LockOptions, type RunLockOptions } from '../lock/lock.js';
import { freshnessOf, invalidationTime, isFresh } from '../freshness.js';
import { ORIGIN_ID } from '../origin.js';
import { pruneEntries, type PruneOptions } from '../prune.js';
import { LayeredMutex, MutexRegistry } from '../lock/mutex.js';
import type { InspectableRegion } from '../devtools/inspectable.js';
import { ProxyBackend } from '../proxy.js';
import { getBackendFactory, type BackendName, type BackendRegistry } from '../registry.js';

/** A value, or a promise of one: creators and predicates may be sync or async. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Regenerates an expired value in the background while callers get the stale
 * one. It must store the value (e.g. `await region.set(key, await creator())`)
 * and call `mutex.release()` when done, whatever happens. `key` is the
 * caller's key, before mangling.
 */
export type AsyncCreationRunner = (
  region: CacheRegion,
  key: string,
  creator: () => MaybePromise<unknown>,
  mutex: CacheMutex,
) => void;

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

/** Options of {@link CacheRegion.configure}. */
export interface ConfigureOptions<A = BackendArguments> {
  /** Age in ms after which values are regenerated; -1 or `Infinity`: never. Default: never. */
  expirationTime?: number;
  /** Passed to the backend factory when the backend is given by name. */
  arguments?: A;
  /** Proxies to wrap the backend in; the first one is the outermost. */
  wrap?: Array<ProxyBackend | (new () => ProxyBackend)>;
  /** Allows configuring a region that already has a backend. */
  replaceExistingBackend?: boolean;
  /** Replaces the default (or the backend's shared) invalidation strategy. */
  regionInvalidator?: RegionInvalidationStrategy;
}

/** Options of {@link CacheRegion.get}, {@link CacheRegion.getMulti} and {@link CacheRegion.getValueMetadata}. */
export interface GetOptions {
  /** Overrides the region's expiration time for this read; -1 or `Infinity`: never. */
  expirationTime?: number;
  /** Return the value however old or invalidated it is. */
  ignoreExpiration?: boolean;
}

/** Options of {@link CacheRegion.getOrCreate}. */
export interface GetOrCreateOptions<V> {
  /** Overrides the region's expiration time for this call; -1 or `Infinity`: never. */
  expirationTime?: number;
  /** Decides whether a created value is stored; it is returned either way. */
  shouldCacheFn?: (value: V) => MaybePromise<boolean>;
}

/** Options of {@link CacheRegion.getOrCreateMulti}. */
export type GetOrCreateMultiOptions<V> = GetOrCreateOptions<V>;

const NEVER = undefined;
/** Faults {@link CacheRegion.recentErrors} keeps. */
const RECENT_ERRORS = 10;

/**
 * A region's internals, as the modules loaded on first use
 * (region-multi.ts, region-maintenance.ts) see them.
 *
 * @internal
 */
export interface RegionInternals {
  region: CacheRegion;
  backend(): CacheBackend;
  actualBackend(): CacheBackend;
  expiration(perCall: number | undefined): number | undefined;
  ready(): Promise<void>;
  checkSoftInvalidation(expiration: number | undefined): void;
  mangle(key: string): string;
  releases(): number;
  loadMulti(backend: CacheBackend, mangled: readonly string[], keys: readonly string[], operation: string): Promise<Array<CachedValue | NoValue>>;
  isFreshRead(value: CachedValue, expiration: number | undefined): boolean;
  stats(): RegionStats;
  emit(event: RegionEvent): void;
  listened(): boolean;
  emitKey(type: 'hit' | 'set' | 'delete', key: string): void;
  mutexFor(backend: CacheBackend, mangled: string, releases: number): { mutex: CacheMutex; readIsCurrent: (() => boolean) | undefined };
  pass<V>(
    backend: CacheBackend,
    key: string,
    mangled: string,
    expiration: number | undefined,
    mutex: CacheMutex,
    readIsCurrent: (() => boolean) | undefined,
    first: CachedValue | NoValue,
    operation: string,
  ): LockOptions<V, CachedValue | NoValue>;
  checkin(mangled: string): void;
  recordError(operation: string, error: unknown, key: string | undefined): void;
  metadata(started?: number): CachedValueMetadata;
  serialize(value: CachedValue): StoredValue;
  now(): number;
}

/**
 * A wait shared by a stampede's callers: `read` is what the holder left,
 * `fresh` the same judged once for callers of `expiration` (the value, or
 * `NO_VALUE` when it is not fresh), so that each of them costs one await.
 */
interface SharedWait {
  read: Promise<CachedValue | NoValue>;
  expiration: number | undefined;
  fresh: Promise<CachedValue | NoValue>;
  /** The payload for callers that joined without an await of their own (see `#joinWait`); rejects with {@link RETRY} when nothing fresh came. */
  value?: Promise<unknown>;
  /** How many callers joined `value`. */
  joined: number;
}

/** Why a shared wait's `value` rejects when the holder's creator failed: each joiner then retries through the lock. */
const RETRY = Symbol('retry');

/** A cache region: one backend, one expiration policy, dogpile's lock. */
/** A creator kept for {@link CacheRegion.regenerateStored}, with the key it ran for. */
interface KeptCreator {
  readonly key: string;
  readonly creator: () => MaybePromise<unknown>;
  readonly shouldCacheFn: ((value: unknown) => MaybePromise<boolean>) | undefined;
}

export class CacheRegion implements InspectableRegion {
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

  readonly #userMangler: KeyMangler | false | undefined;
  readonly #userSerializer: Serializer | undefined;
  readonly #userDeserializer: Deserializer | undefined;
  readonly #now: () => number;
  /** The clock for judging freshness on reads: the default clock's reading reused while reads are dense (see {@link hitNow}); an injected clock as it is. */
  readonly #readNow: () => number;

  #backend: CacheBackend | undefined;
  #actualBackend: CacheBackend | undefined;
  #expirationTime: number | undefined;
  #expiration: number | undefined = NEVER;
  #mangler: KeyMangler | undefined;
  #serializer: Serializer | undefined;
  #deserializer: Deserializer | undefined;
  #invalidator: RegionInvalidationStrategy;
  #invalidatorReady: Promise<void> | undefined;
  /**
   * The strategy is the in-memory default and has recorded no invalidation
   * yet (each one reaches {@link #onInvalidated} through its subscription):
   * hits then skip the call into it.
   */
  #neverInvalidated = true;
  #detach: Array<() => void> = [];
  #closed = false;
  #locks = new MutexRegistry();
  /** The backend's `getSync` and the `get` declared beside it, if it has one. */
  #syncPair: { get: CacheBackend['get']; getSync: (key: string) => StoredValue | NoValue } | undefined;
  /** Waits for another caller's creator, shared by this region's callers per key (see {@link Flights}). */
  readonly #waits = new Flights();
  /** The waits shared by callers that found nothing while a pass was in progress, by stored key. */
  readonly #waitsShared = new Map<string, SharedWait>();
  /** Callers of `getOrCreate` inside the lock, by stored key: later callers that find nothing wait beside them. */
  readonly #passes = new Map<string, number>();
  /** Creations without the lock after `lockTimeout`, one per key for this region's callers. */
  readonly #timedOutCreations = new Flights();
  readonly #events = new Subscribable<RegionListener>();
  #stats = emptyStats();
  #recentErrors: RegionErrorRecord[] = [];
  /** The creator that last ran for each stored key, while an inspector asks for them (see {@link keepCreators}). */
  #creators: Map<string, KeptCreator> | undefined;
  #creatorsLimit = 0;

  constructor(options: RegionOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: region options must be an object');
    const { name, keyMangler, asyncCreationRunner, serializer, deserializer, lockTimeout, now } = options;
    if (name !== undefined && typeof name !== 'string') throw new TypeError('dogpile-cache: region name must be a string');
    checkOptionalFunction(options.functionKeyGenerator, 'functionKeyGenerator');
    checkOptionalFunction(options.functionMultiKeyGenerator, 'functionMultiKeyGenerator');
    if (keyMangler !== false) checkOptionalFunction(keyMangler, 'keyMangler');
    checkOptionalFunction(asyncCreationRunner, 'asyncCreationRunner');
    checkOptionalFunction(serializer, 'serializer');
    checkOptionalFunction(deserializer, 'deserializer');
    checkOptionalFunction(now, 'now');
    if (lockTimeout !== undefined) checkDuration(lockTimeout, 'lockTimeout');
    const version = options.version;
    if (version !== undefined && typeof version !== 'string' && !(typeof version === 'number' && Number.isFinite(version))) {
      throw new TypeError(`dogpile-cache: region version must be a string or a finite number, got ${String(version)}`);
    }
    this.version = version;
    this.name = name;
    this.functionKeyGenerator = options.functionKeyGenerator ?? functionKeyGenerator;
    this.functionMultiKeyGenerator = options.functionMultiKeyGenerator ?? functionMultiKeyGenerator;
    this.asyncCreationRunner = asyncCreationRunner;
    this.lockTimeout = lockTimeout;
    this.#userMangler = keyMangler;
    this.#userSerializer = serializer;
    this.#userDeserializer = deserializer;
    this.#now = now ?? monotonicNow;
    this.#readNow = now ?? hitNow;
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
    if (this.#backend && !options.replaceExistingBackend) {
      throw new RegionAlreadyConfigured(
        `This region${this.name ? ` "${this.name}"` : ''} is already configured with backend ${describeBackend(this.#backend)}; pass replaceExistingBackend: true to replace it.`,
      );
    }
    const expiration = normalizeExpiration(options.expirationTime, 'expirationTime');
    let instance: CacheBackend;
    if (typeof backend === 'string') {
      instance = getBackendFactory(backend)((options.arguments ?? {}) as BackendArguments);
      if (!(instance instanceof CacheBackend)) {
        throw new TypeError(`dogpile-cache: the factory of backend "${backend}" did not return a CacheBackend`);
      }
    } else if (backend instanceof CacheBackend) {
      instance = backend;
    } else {
      throw new TypeError('dogpile-cache: configure expects a backend name or a CacheBackend instance');
    }
    const actual = instance;
    for (const wrapper of [...(options.wrap ?? [])].reverse()) {
      const proxy = typeof wrapper === 'function' ? new wrapper() : wrapper;
      if (!(proxy instanceof ProxyBackend)) throw new TypeError('dogpile-cache: wrap expects ProxyBackend instances or classes');
      instance = proxy.wrap(instance);
    }
    const binding: RegionBinding = { name: this.name, expirationTime: expiration, now: this.#now, prune: (options) => this.prune(options) };
    actual.bindRegion?.(binding);
    const made = options.regionInvalidator ? undefined : actual.createInvalidationStrategy?.(binding);
    const invalidator: RegionInvalidationStrategy = options.regionInvalidator ?? made ?? new DefaultInvalidationStrategy(this.#now);
    checkStrategy(invalidator);

    if (this.#closed) throw new RegionNotConfigured(`Region${this.name ? ` "${this.name}"` : ''} is closed; make a new one.`);
    this.#detach.forEach((detach) => detach());
    this.#backend = instance;
    this.#actualBackend = actual;
    this.#expirationTime = options.expirationTime;
    this.#expiration = expiration;
    this.#mangler = this.#userMangler === false ? undefined : (this.#userMangler ?? actual.keyMangler);
    this.#serializer = this.#userSerializer ?? actual.serializer;
    this.#deserializer = this.#userDeserializer ?? actual.deserializer;
    this.#invalidator = invalidator;
    this.#neverInvalidated = neverInvalidated(invalidator);
    this.#invalidatorReady = invalidator.ready?.();
    this.#syncPair = findSyncPair(instance);
    this.#detach = [
      // A strategy the backend made for this region goes with it.
      () => made?.close?.(),
      () => actual.unbindRegion?.(binding),
      instance.onNotice((notice) => {
        if (this.#events.size) this.#events.emit({ type: 'notice', region: this.name, time: this.#now(), ...notice });
      }),
      instance.onChange((change) => {
        if (this.#events.size) {
          this.#events.emit({ type: change.kind, region: this.name, time: this.#now(), key: change.key, remote: true, ...(change.ct === undefined ? {} : { ct: change.ct }), ...(change.origin === undefined ? {} : { origin: change.origin }), ...provenance(change) });
        }
      }),
    ];
    if (invalidator.subscribe) {
      this.#detach.push(invalidator.subscribe((notice) => this.#onInvalidated(notice.hard, notice.at, notice.remote)));
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
    if (config === null || typeof config !== 'object') throw new TypeError('dogpile-cache: config must be an object');
    if (typeof prefix !== 'string') throw new TypeError('dogpile-cache: prefix must be a string');
    const read = (name: string) => coerceConfigValue(config[prefix + name]);
    const backend = read('backend');
    if (typeof backend !== 'string' || backend === '') {
      throw new ValidationError(`config has no "${prefix}backend" naming a backend`);
    }
    const rawExpiration = read('expiration_time') ?? read('expirationTime');
    if (rawExpiration !== undefined && rawExpiration !== null && typeof rawExpiration !== 'number') {
      throw new ValidationError(`"${prefix}expiration_time" must be a number of ms, got ${JSON.stringify(rawExpiration)}`);
    }
    const args: BackendArguments = {};
    const argPrefix = `${prefix}arguments.`;
    for (const [key, value] of Object.entries(config)) {
      if (key.startsWith(argPrefix)) args[key.slice(argPrefix.length)] = coerceConfigValue(value);
    }
    const replace = read('replace_existing_backend') ?? read('replaceExistingBackend');
    // The name comes from the config, so it is checked at run time, not by TypeScript.
    return this.configure(backend as BackendName, {
      expirationTime: rawExpiration ?? undefined,
      arguments: args as BackendRegistry[BackendName],
      replaceExistingBackend: replace === true,
    });
  }

  /** Whether {@link configure} has been called. */
  get isConfigured(): boolean {
    return this.#backend !== undefined;
  }

  /** The backend, proxies included. Throws {@link RegionNotConfigured} before `configure`. */
  get backend(): CacheBackend {
    return this.#requireBackend();
  }

  /** The innermost backend, skipping proxies. */
  get actualBackend(): CacheBackend {
    this.#requireBackend();
    return this.#actualBackend!;
  }

  /** The expiration time given to `configure` (ms), or `undefined`. */
  get expirationTime(): number | undefined {
    return this.#expirationTime;
  }

  /** The region's clock (epoch ms): what its expiration and invalidation compare against. */
  now(): number {
    return this.#now();
  }

  /** Labels of the backend chain, proxies first, the actual backend last (see `CacheBackend.label`). */
  get backendLabels(): string[] {
    const labels: string[] = [];
    let backend: CacheBackend | undefined = this.#requireBackend();
    while (backend && labels.length < 16) {
      labels.push(backend.label);
      if (backend === this.#actualBackend) break;
      backend = backend instanceof ProxyBackend ? backend.proxied : undefined;
    }
    return labels;
  }

  /** The invalidation strategy in force. */
  get regionInvalidator(): RegionInvalidationStrategy {
    return this.#invalidator;
  }

  /** The key mangler in force (the region's, else the backend's), if any. */
  get keyMangler(): KeyMangler | undefined {
    return this.#mangler;
  }

  // ---------------------------------------------------------------- events

  /** Subscribes to the region's {@link RegionEvent}s; returns the unsubscribe function. */
  subscribe(listener: RegionListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** A snapshot of the region's counters. */
  get stats(): RegionStats {
    return { ...this.#stats };
  }

  /** Sets every counter back to zero (and forgets {@link recentErrors}). */
  resetStats(): void {
    this.#stats = emptyStats();
    this.#recentErrors = [];
  }

  /** The last faults the region absorbed (at most 10, oldest first), kept whether or not anyone subscribes. */
  get recentErrors(): readonly RegionErrorRecord[] {
    return [...this.#recentErrors];
  }

  /**
   * Keeps the creator that last ran for each key (at most `limit` keys, the
   * least recently created dropped first), so that {@link regenerateStored}
   * can run it again: the devtools inspector turns this on to offer
   * "Regenerate" per entry. Only creations are recorded, never hits; `0`
   * turns it off and forgets them.
   */
  keepCreators(limit: number): void {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) throw new TypeError('dogpile-cache: keepCreators takes a whole number >= 0');
    this.#creatorsLimit = limit;
    if (limit === 0) this.#creators = undefined;
    else this.#creators ??= new Map();
  }

  /**
   * Runs again the creator that last made the entry stored under
   * `storedKey` in this tab or process, and stores its value, as a
   * decorated function's `refresh` does (no lock: the call itself is the
   * request for a new value). Needs {@link keepCreators}; rejects with a
   * `DogpileCacheException` when no creator of the key is kept (it was made
   * elsewhere, by `set`, or before creators were kept).
   */
  async regenerateStored(storedKey: string): Promise<void> {
    const backend = this.#requireBackend();
    const kept = this.#creators?.get(storedKey);
    if (!kept) {
      throw new DogpileCacheException(
        `Region${this.name ? ` "${this.name}"` : ''} has no creator for "${storedKey}" here: it was stored by set(), made in another tab or process, or before its creators were kept.`,
      );
    }
    if (this.#invalidatorReady) await this.#ready();
    const started = this.#now();
    const value = await this.#create(kept.key, kept.creator);
    await this.#storeCreated(backend, storedKey, kept.key, value, kept.shouldCacheFn, started);
  }

  #keepCreator(mangled: string, kept: KeptCreator): void {
    const creators = this.#creators!;
    creators.delete(mangled);
    creators.set(mangled, kept);
    if (creators.size > this.#creatorsLimit) creators.delete(creators.keys().next().value!);
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
    const backend = this.#requireBackend();
    const expiration = this.#readExpiration(options);
    if (this.#invalidatorReady) await this.#ready();
    if (keys.length === 0) return [];
    const mangled = keys.map((key) => this.#mangle(key));
    const loaded = await this.#loadMulti(backend, mangled, keys, 'getMulti');
    return loaded.map((value, i) => {
      const usable = this.#usable(value, expiration);
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
      const backend = this.#requireBackend();
      const expiration = this.#callExpiration(options?.expirationTime);
      const shouldCacheFn = options?.shouldCacheFn;
      checkOptionalFunction(shouldCacheFn, 'shouldCacheFn');
      const readSync = this.#invalidatorReady ? undefined : this.#syncReader(backend);
      if (!readSync) return this.#getOrCreateAsync(backend, key, creator, expiration, shouldCacheFn);
      this.#checkSoftInvalidation(expiration);
      const mangled = this.#mangle(key);
      // Fast path: a fresh value costs one backend read and no lock.
      const releases = this.#locks.releases;
      const stored = this.#loadSync(readSync, backend, mangled, key, 'getOrCreate');
      if (stored !== NO_VALUE && this.#isFreshRead(stored, expiration)) {
        this.#stats.hits++;
        if (this.#events.size) this.#emitKey('hit', key);
        return Promise.resolve(stored.payload as V);
      }
      if (stored === NO_VALUE && this.lockTimeout === undefined && this.#events.size === 0 && this.#passes.has(mangled)) {
        // A stampede's later callers: nothing stored and a pass in progress.
        const wait = this.#waitsShared.get(mangled) ?? this.#startWait(backend, key, mangled, expiration);
        if (wait !== undefined && wait.expiration === expiration) return this.#joinWait(wait, backend, key, mangled, creator, expiration, shouldCacheFn, releases);
      }
      return this.#getOrCreateMissed(backend, key, mangled, creator, expiration, shouldCacheFn, releases, stored);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Joins a shared wait without an async frame of its own: the caller gets
   * the promise of the value that every joiner shares (so 1,000 waiters cost
   * one derived promise each, not a resumed function each). If the holder's
   * creator failed, each joiner goes through the lock with its own creator.
   * Counted as a miss now and as a wait when the value arrives; used only
   * without listeners (`waited` events carry each caller's own duration).
   */
  #joinWait<V>(
    wait: SharedWait,
    backend: CacheBackend,
    key: string,
    mangled: string,
    creator: () => MaybePromise<V>,
    expiration: number | undefined,
    shouldCacheFn: ((value: V) => MaybePromise<boolean>) | undefined,
    releases: number,
  ): Promise<V> {
    this.#stats.misses++;
    wait.joined++;
    wait.value ??= wait.fresh.then((seen) => {
      if (seen === NO_VALUE) throw RETRY;
      this.#stats.waits += wait.joined;
      return seen.payload;
    });
    return wait.value.then(undefined, (error: unknown) =>
      error === RETRY ? this.#getOrCreateLocked(backend, key, mangled, creator, expiration, shouldCacheFn, releases, NO_VALUE, true) : Promise.reject(error),
    ) as Promise<V>;
  }

  /** {@link getOrCreate} with a backend that reads asynchronously, or an invalidation strategy still loading its state. */
  async #getOrCreateAsync<V>(
    backend: CacheBackend,
    key: string,
    creator: () => MaybePromise<V>,
    expiration: number | undefined,
    shouldCacheFn: ((value: V) => MaybePromise<boolean>) | undefined,
  ): Promise<V> {
    if (this.#invalidatorReady) await this.#ready();
    this.#checkSoftInvalidation(expiration);
    const mangled = this.#mangle(key);
    const releases = this.#locks.releases;
    const stored = await this.#loadNow(backend, mangled, key, 'getOrCreate');
    if (stored !== NO_VALUE && this.#isFreshRead(stored, expiration)) {
      this.#stats.hits++;
      if (this.#events.size) this.#emitKey('hit', key);
      return stored.payload as V;
    }
    return await this.#getOrCreateMissed(backend, key, mangled, creator, expiration, shouldCacheFn, releases, stored);
  }

  /** {@link getOrCreate} past a read that found nothing fresh: the shared wait, else the lock. */
  async #getOrCreateMissed<V>(
    backend: CacheBackend,
    key: string,
    mangled: string,
    creator: () => MaybePromise<V>,
    expiration: number | undefined,
    shouldCacheFn: ((value: V) => MaybePromise<boolean>) | undefined,
    releases: number,
    stored: CachedValue | NoValue,
  ): Promise<V> {
    let missCounted = false;
    if (this.lockTimeout === undefined && this.#passes.has(mangled) && (stored === NO_VALUE || this.#lockEntry(stored, expiration) === undefined)) {
      // Nothing to serve, and another caller of this region is going through
      // the lock for the key: wait for its holder beside the other waiters
      // and share their read, as the lock would, without a pass of our own.
      // A stampede's callers each cost a map lookup and one await here.
      const wait = this.#waitsShared.get(mangled) ?? this.#startWait(backend, key, mangled, expiration);
      if (wait) {
        const started = this.#readNow();
        this.#stats.misses++;
        if (this.#events.size) this.#emitKey('miss', key);
        const judged = wait.expiration === expiration;
        const seen = await (judged ? wait.fresh : wait.read);
        if (seen !== NO_VALUE && (judged || this.#isFreshRead(seen, expiration))) {
          this.#stats.waits++;
          if (this.#events.size) this.#events.emit({ type: 'waited', region: this.name, time: this.#now(), key, durationMs: this.#readNow() - started });
          return seen.payload as V;
        }
        // Still missing (its creator failed): go through the lock; the miss is counted.
        missCounted = true;
      }
    }
    return await this.#getOrCreateLocked(backend, key, mangled, creator, expiration, shouldCacheFn, releases, stored, missCounted);
  }

  /**
   * The wait that this region's callers without a value share while another
   * caller holds the lock for `mangled`: the holder's release, then one read,
   * judged once for the callers with the same expiration (see {@link SharedWait}).
   * `undefined` when the key's mutex cannot tell when it is free.
   */
  #startWait(backend: CacheBackend, key: string, mangled: string, expiration: number | undefined): SharedWait | undefined {
    let read = this.#waits.running(mangled) as Promise<CachedValue | NoValue> | undefined;
    if (!read) {
      const { mutex } = this.#mutexFor(backend, mangled, 0);
      const checkin = () => this.#checkinMutex(mangled);
      if (!mutex.waitUntilFree) {
        checkin();
        return undefined;
      }
      const reading = mutex.waitUntilFree().then(() => this.#loadNow(backend, mangled, key, 'getOrCreate'));
      // The flight holds the mutex checked out until it has read.
      reading.then(checkin, checkin);
      read = this.#waits.join(mangled, () => reading).promise;
    }
    const fresh = read.then((seen) => (seen !== NO_VALUE && this.#isFreshRead(seen, expiration) ? seen : NO_VALUE));
    const wait: SharedWait = { read, expiration, fresh, joined: 0 };
    this.#waitsShared.set(mangled, wait);
    const forget = () => {
      if (this.#waitsShared.get(mangled) === wait) this.#waitsShared.delete(mangled);
    };
    read.then(forget, forget);
    return wait;
  }

  /**
   * {@link getOrCreate} past a miss or an expired value: through the lock.
   * A method of its own so that the hit path allocates no closure context.
   */
  async #getOrCreateLocked<V>(
    backend: CacheBackend,
    key: string,
    mangled: string,
    creator: () => MaybePromise<V>,
    expiration: number | undefined,
    shouldCacheFn: ((value: V) => MaybePromise<boolean>) | undefined,
    releases: number,
    stored: CachedValue | NoValue,
    missCounted: boolean,
  ): Promise<V> {
    const { mutex, readIsCurrent } = this.#mutexFor(backend, mangled, releases);
    const runner = this.asyncCreationRunner;
    let passing = false;
    try {
      let observer: LockObserver | undefined;
      if (missCounted) {
        observer = this.#observer(key);
        observer.miss = undefined;
      }
      this.#passes.set(mangled, (this.#passes.get(mangled) ?? 0) + 1);
      passing = true;
      const pass = this.#pass<V>(backend, key, mangled, expiration, mutex, readIsCurrent, stored, 'getOrCreate', observer) as RunLockOptions<V, CachedValue | NoValue>;
      pass.creator = async () => {
        const started = this.#now();
        if (this.#creators) this.#keepCreator(mangled, { key, creator, shouldCacheFn: shouldCacheFn as KeptCreator['shouldCacheFn'] });
        const value = await this.#create(key, creator);
        await this.#storeCreated(backend, mangled, key, value, shouldCacheFn, started);
        return value;
      };
      pass.asyncCreator = runner && ((held) => this.#handToRunner(runner, key, creator, held));
      return await runLock<V, CachedValue | NoValue>(pass);
    } finally {
      if (passing) {
        const left = this.#passes.get(mangled)! - 1;
        if (left > 0) this.#passes.set(mangled, left);
        else this.#passes.delete(mangled);
      }
      this.#checkinMutex(mangled);
    }
  }

  /**
   * Like {@link getOrCreate} for many keys. `creator(...missingKeys)` receives
   * each distinct key to create once, in sorted order, and returns their
   * values in that order. The result follows `keys`, repeats included.
   * Its code (region-multi.ts, lock-multi.ts) loads at the first call.
   */
  async getOrCreateMulti<V>(
    keys: readonly string[],
    creator: (...keys: string[]) => MaybePromise<readonly V[]>,
    options: GetOrCreateMultiOptions<V> = {},
  ): Promise<V[]> {
    const multi = await import('./multi.js');
    return multi.getOrCreateMulti(this.#internals(), keys, creator, options);
  }

  /** What one key's pass through the lock needs from the region. */
  #pass<V>(
    backend: CacheBackend,
    key: string,
    mangled: string,
    expiration: number | undefined,
    mutex: CacheMutex,
    readIsCurrent: (() => boolean) | undefined,
    first: CachedValue | NoValue,
    operation: string,
    observer: LockObserver = this.#observer(key),
  ): LockOptions<V, CachedValue | NoValue> {
    // One shape for every pass (with the creator fields the callers fill in), so the lock's reads of it stay fast.
    return {
      mutex,
      key: mangled,
      read: () => this.#loadNow(backend, mangled, key, operation),
      judge: (value) => this.#lockEntry<V>(value, expiration),
      first,
      hasFirst: true,
      readIsCurrent,
      lockTimeout: this.lockTimeout,
      waits: this.#waits,
      timedOutCreations: this.#timedOutCreations,
      now: this.#now,
      observer,
      creator: undefined,
      asyncCreator: undefined,
      caller: undefined,
    } as LockOptions<V, CachedValue | NoValue>;
  }

  // ---------------------------------------------------------------- writes

  /** Stores `value` under `key`, created now. */
  async set<V>(key: string, value: V): Promise<void> {
    const backend = this.#requireBackend();
    if (this.#invalidatorReady) await this.#ready();
    const mangled = this.#mangle(key);
    await backend.set(mangled, this.#serialize(new CachedValue(value, this.#metadata())));
    this.#stats.sets++;
    if (this.#events.size) this.#emitKey('set', key);
  }

  /** Stores many values at once: one backend call. */
  async setMulti<V>(mapping: Record<string, V> | ReadonlyMap<string, V>): Promise<void> {
    const backend = this.#requireBackend();
    if (mapping === null || typeof mapping !== 'object') throw new TypeError('dogpile-cache: setMulti expects an object or a Map');
    if (this.#invalidatorReady) await this.#ready();
    const entries = mapping instanceof Map ? [...mapping.entries()] : Object.entries(mapping);
    if (entries.length === 0) return;
    const metadata = this.#metadata();
    const toStore = new Map<string, StoredValue>();
    for (const [key, value] of entries) {
      toStore.set(this.#mangle(key), this.#serialize(new CachedValue(value, metadata)));
    }
    await backend.setMulti(toStore);
    this.#stats.sets += entries.length;
    if (this.#events.size) for (const [key] of entries) this.#emitKey('set', key);
  }

  /** Removes `key`. Removing a missing key is not an error. */
  async delete(key: string): Promise<void> {
    const backend = this.#requireBackend();
    if (this.#invalidatorReady) await this.#ready();
    await backend.delete(this.#mangle(key));
    this.#stats.deletes++;
    if (this.#events.size) this.#emitKey('delete', key);
  }

  /** Removes many keys at once: one backend call. */
  async deleteMulti(keys: readonly string[]): Promise<void> {
    checkKeys(keys);
    const backend = this.#requireBackend();
    if (this.#invalidatorReady) await this.#ready();
    if (keys.length === 0) return;
    await backend.deleteMulti(keys.map((key) => this.#mangle(key)));
    this.#stats.deletes += keys.length;
    if (this.#events.size) for (const key of keys) this.#emitKey('delete', key);
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
    // Strategies that report invalidations were heard by #onInvalidated already.
    if (!strategy.subscribe) this.#onInvalidated(Boolean(hard), this.#now(), false);
  }

  /**
   * Removes the region's unusable entries from the backend: values of another
   * format or region version, unreadable ones, and hard-invalidated ones.
   * Expired values are kept (they are served stale while one caller
   * regenerates) unless `options.expiredFor` says how long after expiring
   * they go. `batchSize` and `pause` bound the work done at a time. Resolves
   * to how many entries it removed; needs a backend that lists its keys
   * (`keys()`), else resolves to 0. The browser backends also prune by
   * themselves when the tab is idle (their `autoPrune` argument). Not
   * loaded on first use, as `clear` is: the backends call it from their own
   * timers, which fake-timer tests drive without waiting for a module load.
   */
  async prune(options: PruneOptions = {}): Promise<number> {
    const backend = this.#requireBackend();
    if (this.#invalidatorReady) await this.#ready();
    return pruneEntries(
      {
        storedKeys: () => this.storedKeys(),
        getMulti: (keys) => backend.getMulti(keys),
        deleteMulti: (keys) => backend.deleteMulti(keys),
        decode: (raw, key) => this.#decode(raw, key, 'prune', false),
        isHardInvalidated: (value) => this.#invalidator.isHardInvalidated(invalidationTime(value.metadata)),
        expiration: this.#expiration,
        now: this.#now,
        removed: (keys) => {
          this.#stats.deletes += keys.length;
          if (this.#events.size) for (const key of keys) this.#emitKey('delete', key);
        },
      },
      options,
    );
  }

  /**
   * Removes every entry of the region from the backend (e.g. on logout): the
   * data leaves storage, so every tab or process sharing it then misses.
   * Resolves to how many entries it removed. Uses the backend's `clear()`
   * when it has one, else its `keys()`; a backend with neither rejects with
   * a `DogpileCacheException`. Its code loads at the first call.
   */
  async clear(): Promise<number> {
    return (await import('./maintenance.js')).clear(this.#internals());
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
    this.#backend = undefined;
    this.#actualBackend = undefined;
    this.#syncPair = undefined;
  }

  /**
   * Whether a creator for `key` holds the creation lock now: in this process,
   * or, for shared backends, in any tab.
   */
  async keyIsLocked(key: string): Promise<boolean> {
    this.#requireBackend();
    return this.storedKeyIsLocked(this.#mangle(key));
  }

  // ---------------------------------------------------------------- inspection
  // By stored key (as the backend stores it, i.e. mangled, as `keys()` lists
  // it): inspection tools see stored keys and cannot unmangle them.

  /**
   * Reads the entry stored under `storedKey` without counting a hit or miss
   * and without emitting events, for inspection tools (the devtools
   * inspector). `raw` is what the backend returned; `value` the decoded entry,
   * or `undefined` when absent or unreadable (another format version, data
   * the deserializer refused).
   */
  async peekStored(storedKey: string): Promise<{ raw: StoredValue | NoValue; value: CachedValue | undefined }> {
    const backend = this.#requireBackend();
    if (this.#invalidatorReady) await this.#ready();
    const raw = await backend.get(storedKey);
    const value = this.#decode(raw, storedKey, 'inspect', false);
    return { raw, value: value === NO_VALUE ? undefined : value };
  }

  /**
   * The keys stored by the backend (as stored, i.e. mangled), for inspection
   * tools; `undefined` when the backend cannot list them (no `keys()`).
   */
  async storedKeys(): Promise<string[] | undefined> {
    const backend = this.actualBackend;
    if (typeof backend.keys !== 'function') return undefined;
    const listed = await backend.keys();
    if (Array.isArray(listed)) return [...listed];
    const keys: string[] = [];
    for await (const key of listed) keys.push(key);
    return keys;
  }

  /** {@link keyIsLocked} for a stored (mangled) key. */
  async storedKeyIsLocked(storedKey: string): Promise<boolean> {
    const backend = this.#requireBackend();
    const shared = backend.getMutex(storedKey);
    if (shared) return shared.locked();
    return this.#locks.peek(storedKey)?.isLocked ?? false;
  }

  /**
   * Removes the entry stored under `storedKey`, as {@link delete} does for a
   * caller's key (counted, and reported with a `delete` event whose `key` is
   * the stored key).
   */
  async deleteStored(storedKey: string): Promise<void> {
    const backend = this.#requireBackend();
    if (this.#invalidatorReady) await this.#ready();
    await backend.delete(storedKey);
    this.#stats.deletes++;
    if (this.#events.size) this.#emitKey('delete', storedKey);
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

  /** What the modules loaded on first use (region-multi.ts, region-maintenance.ts) need of the region. */
  #internals(): RegionInternals {
    return {
      region: this,
      backend: () => this.#requireBackend(),
      actualBackend: () => this.#actualBackend!,
      expiration: (perCall) => this.#callExpiration(perCall),
      ready: async () => {
        if (this.#invalidatorReady) await this.#ready();
      },
      checkSoftInvalidation: (expiration) => this.#checkSoftInvalidation(expiration),
      mangle: (key) => this.#mangle(key),
      releases: () => this.#locks.releases,
      loadMulti: (backend, mangled, keys, operation) => this.#loadMulti(backend, mangled, keys, operation),
      isFreshRead: (value, expiration) => this.#isFreshRead(value, expiration),
      stats: () => this.#stats,
      emit: (event) => {
        if (this.#events.size) this.#events.emit(event as RegionEvent);
      },
      listened: () => this.#events.size > 0,
      emitKey: (type, key) => {
        if (this.#events.size) this.#emitKey(type, key);
      },
      mutexFor: (backend, mangled, releases) => this.#mutexFor(backend, mangled, releases),
      pass: (backend, key, mangled, expiration, mutex, readIsCurrent, first, operation) =>
        this.#pass(backend, key, mangled, expiration, mutex, readIsCurrent, first, operation),
      checkin: (mangled) => this.#checkinMutex(mangled),
      recordError: (operation, error, key) => this.#recordError(operation, error, key),
      metadata: (started) => this.#metadata(started),
      serialize: (value) => this.#serialize(value),
      now: this.#now,
    };
  }

  #requireBackend(): CacheBackend {
    const backend = this.#backend;
    if (!backend) {
      const named = this.name ? ` "${this.name}"` : '';
      throw new RegionNotConfigured(
        this.#closed ? `Region${named} is closed.` : `Region${named} is not configured yet; call region.configure(backend) first.`,
      );
    }
    return backend;
  }

  /** Waits once for the invalidation strategy's persisted state. */
  async #ready(): Promise<void> {
    const ready = this.#invalidatorReady;
    if (ready) {
      try {
        await ready;
      } catch (error) {
        this.#recordError('invalidation', error, undefined);
      }
      if (this.#invalidatorReady === ready) this.#invalidatorReady = undefined;
    }
  }

  #mangle(key: string): string {
    const mangler = this.#mangler;
    if (mangler) return mangler(key);
    if (typeof key !== 'string') {
      throw new TypeError(`dogpile-cache: cache keys must be strings, got ${typeof key}; pass a keyMangler to use other keys`);
    }
    return key;
  }

  #callExpiration(perCall: number | undefined): number | undefined {
    return perCall === undefined ? this.#expiration : normalizeExpiration(perCall, 'expirationTime');
  }

  /**
   * The expiration a read with `options` judges by: `false` when it ignores
   * expiration, `undefined` for never. Checks the options.
   */
  #readExpiration(options: GetOptions): number | undefined | false {
    if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: options must be an object');
    return options.ignoreExpiration ? false : this.#callExpiration(options.expirationTime);
  }

  /** The value if `get` may return it, else `undefined` (see {@link #readExpiration}). */
  #usable(value: CachedValue | NoValue, expiration: number | undefined | false): CachedValue | undefined {
    if (value === NO_VALUE) return undefined;
    return expiration === false || this.#isFreshRead(value, expiration) ? value : undefined;
  }

  #countRead(key: string, hit: boolean): void {
    if (hit) this.#stats.hits++;
    else this.#stats.misses++;
    if (this.#events.size) this.#emitKey(hit ? 'hit' : 'miss', key);
  }

  /** What `get` may return for `key`, counted as a hit or a miss. */
  async #readUsable(key: string, options: GetOptions | undefined): Promise<CachedValue | undefined> {
    const backend = this.#requireBackend();
    const expiration = options === undefined ? this.#expiration : this.#readExpiration(options);
    if (this.#invalidatorReady) await this.#ready();
    const mangled = this.#mangle(key);
    const readSync = this.#syncReader(backend);
    const value = this.#usable(readSync ? this.#loadSync(readSync, backend, mangled, key, 'get') : await this.#load(backend, mangled, key, 'get'), expiration);
    this.#countRead(key, value !== undefined);
    return value;
  }

  /**
   * Reads and decodes one entry; a read fault or unreadable entry is a miss.
   * Without a promise when the backend reads synchronously (see `getSync`).
   */
  #loadNow(backend: CacheBackend, mangled: string, key: string, operation: string): CachedValue | NoValue | Promise<CachedValue | NoValue> {
    const readSync = this.#syncReader(backend);
    return readSync ? this.#loadSync(readSync, backend, mangled, key, operation) : this.#load(backend, mangled, key, operation);
  }

  /** {@link #loadNow} through the backend's `getSync`. */
  #loadSync(readSync: (key: string) => StoredValue | NoValue, backend: CacheBackend, mangled: string, key: string, operation: string): CachedValue | NoValue {
    let raw: StoredValue | NoValue;
    try {
      raw = readSync.call(backend, mangled);
    } catch (error) {
      this.#recordError(operation, error, key);
      return NO_VALUE;
    }
    return this.#decode(raw, key, operation);
  }

  /** {@link #loadNow} through the backend's async `get`. */
  async #load(backend: CacheBackend, mangled: string, key: string, operation: string): Promise<CachedValue | NoValue> {
    let raw: StoredValue | NoValue;
    try {
      raw = await backend.get(mangled);
    } catch (error) {
      this.#recordError(operation, error, key);
      return NO_VALUE;
    }
    return this.#decode(raw, key, operation);
  }

  async #loadMulti(backend: CacheBackend, mangled: readonly string[], keys: readonly string[], operation: string): Promise<Array<CachedValue | NoValue>> {
    let raw: Array<StoredValue | NoValue>;
    try {
      raw = await backend.getMulti(mangled);
    } catch (error) {
      this.#recordError(operation, error, undefined);
      return mangled.map(() => NO_VALUE);
    }
    if (!Array.isArray(raw) || raw.length !== mangled.length) {
      this.#recordError(operation, new TypeError('backend getMulti returned a result of the wrong length'), undefined);
      return mangled.map(() => NO_VALUE);
    }
    return raw.map((value, i) => this.#decode(value, keys[i]!, operation));
  }

  /**
   * The backend's `getSync`, when it may stand in for `get`: only while `get`
   * is the method declared beside `getSync` (not overridden by a subclass or
   * replaced on the instance). Found once per configure, checked per call.
   */
  #syncReader(backend: CacheBackend): ((key: string) => StoredValue | NoValue) | undefined {
    const pair = this.#syncPair;
    return pair !== undefined && backend.get === pair.get ? pair.getSync : undefined;
  }

  #decode(raw: StoredValue | NoValue, key: string, operation: string, record = true): CachedValue | NoValue {
    if (raw === NO_VALUE) return NO_VALUE;
    let value: unknown = raw;
    const deserializer = this.#deserializer;
    if (deserializer && !(raw instanceof CachedValue)) {
      try {
        value = deserializer(raw);
      } catch (error) {
        if (record && !(error instanceof CantDeserializeException)) this.#recordError(operation, error, key);
        return NO_VALUE;
      }
    }
    if (!(value instanceof CachedValue) || value.metadata?.v !== VALUE_VERSION || typeof value.metadata.ct !== 'number') {
      return NO_VALUE;
    }
    if (value.metadata.rv !== this.version) return NO_VALUE;
    return value;
  }

  /**
   * Whether a value read now may be served. A reused clock reading older than
   * the value itself was taken before the value was written: the exact clock
   * decides then, so a value never looks younger than it is by more than the
   * reading's reuse (about 1 ms; see {@link hitNow}).
   */
  #isFreshRead(value: CachedValue, expiration: number | undefined): boolean {
    let now = this.#readNow();
    const ct = value.metadata.ct;
    if (now < ct) now = this.#now();
    // isFresh's rules, without the invalidation call while nothing was invalidated.
    if (this.#neverInvalidated) return (expiration === undefined || now - ct <= expiration) && ct - now <= FUTURE_TOLERANCE_MS;
    return isFresh(value.metadata, expiration, this.#invalidator, now);
  }

  /** The lock's view of a stored value: absent when hard-invalidated, not fresh when expired or soft-invalidated. */
  #lockEntry<V>(value: CachedValue | NoValue, expiration: number | undefined): LockEntry<V> | undefined {
    if (value === NO_VALUE) return undefined;
    const freshness = freshnessOf(value.metadata, expiration, this.#invalidator, this.#now());
    if (freshness === 'hard-invalidated') return undefined;
    return { value: value.payload as V, fresh: freshness === 'fresh' };
  }

  /**
   * Metadata of a value stored now. `started`: when its creator started
   * (invalidation compares against it); omitted for `set()`, where it is now.
   */
  #metadata(started?: number): CachedValueMetadata {
    const metadata: CachedValueMetadata = { ct: this.#now(), v: VALUE_VERSION };
    if (started !== undefined) metadata.st = started;
    if (this.version !== undefined) metadata.rv = this.version;
    metadata.o = ORIGIN_ID;
    return metadata;
  }

  /** dogpile: soft invalidation needs an expiration time, checked before anything is read or created. */
  #checkSoftInvalidation(expiration: number | undefined): void {
    if (expiration === NEVER && this.#invalidator.wasSoftInvalidated()) {
      throw new DogpileCacheException(
        `Region${this.name ? ` "${this.name}"` : ''} was soft-invalidated but has no expiration time: configure an expirationTime, pass one per call, or invalidate hard.`,
      );
    }
  }

  #serialize(value: CachedValue): StoredValue {
    return this.#serializer ? this.#serializer(value) : value;
  }

  async #create<V>(key: string, creator: () => MaybePromise<V>): Promise<V> {
    try {
      return await creator();
    } catch (error) {
      this.#recordError('creator', error, key);
      throw error;
    }
  }

  /** Stores a created value; a failed write is reported, never thrown: the caller gets its value. */
  async #storeCreated<V>(
    backend: CacheBackend,
    mangled: string,
    key: string,
    value: V,
    shouldCacheFn: ((value: V) => MaybePromise<boolean>) | undefined,
    started: number,
  ): Promise<CachedValue<V> | undefined> {
    let cached: CachedValue<V> | undefined;
    if (!shouldCacheFn || (await shouldCacheFn(value))) {
      cached = new CachedValue(value, this.#metadata(started));
      try {
        await backend.set(mangled, this.#serialize(cached));
        this.#stats.sets++;
      } catch (error) {
        this.#recordError('set', error, key);
        cached = undefined;
      }
    }
    this.#stats.creations++;
    if (this.#events.size) {
      this.#events.emit({ type: 'created', region: this.name, time: this.#now(), key, durationMs: this.#now() - started, cached: cached !== undefined });
      if (cached) this.#emitKey('set', key);
    }
    return cached;
  }

  #handToRunner(runner: AsyncCreationRunner, key: string, creator: () => MaybePromise<unknown>, held: CacheMutex): void {
    let released = false;
    // The runner gets a mutex whose release works once, so a runner that
    // releases twice cannot free a lock another caller holds by then.
    const handle: CacheMutex = {
      acquire: (wait) => held.acquire(wait),
      locked: () => held.locked(),
      release: () => {
        if (released) return;
        released = true;
        held.release();
        if (this.#events.size) this.#emitKey('lockReleased', key);
      },
    };
    try {
      runner(this, key, creator, handle);
    } catch (error) {
      this.#recordError('asyncCreationRunner', error, key);
      handle.release();
    }
  }

  /**
   * The mutex for a key, and whether a read made when `releases` was noted is
   * still current once it is taken: known only for this region's in-process
   * locks (no release since the read means no holder wrote since). A shared
   * lock may have been held in another tab or process in the meantime.
   */
  #mutexFor(backend: CacheBackend, mangled: string, releases: number): { mutex: CacheMutex; readIsCurrent: (() => boolean) | undefined } {
    const shared = backend.getMutex(mangled);
    // Checked out either way, so that checkin is unconditional.
    const local = this.#locks.checkout(mangled);
    if (!shared) return { mutex: local, readIsCurrent: () => this.#locks.releases === releases };
    // Callers of this process queue on the local layer, so one of them at a
    // time contends for the shared lock and the others wait for it together.
    return { mutex: shared instanceof LayeredMutex ? shared : new LayeredMutex(local, shared), readIsCurrent: undefined };
  }

  #checkinMutex(mangled: string): void {
    this.#locks.checkin(mangled);
  }

  #observer(key: string): LockObserver {
    return new CacheRegion.#KeyObserver(this, key);
  }

  /**
   * Counts and reports what the lock does for one key. A class, not a literal
   * of closures: a stampede makes one per waiting caller.
   */
  static #KeyObserver = class implements LockObserver {
    readonly #region: CacheRegion;
    readonly #key: string;
    constructor(region: CacheRegion, key: string) {
      this.#region = region;
      this.#key = key;
    }
    hit(): void {
      this.#region.#stats.hits++;
      this.#emit('hit');
    }
    miss(): void {
      this.#region.#stats.misses++;
      this.#emit('miss');
    }
    stale(): void {
      this.#region.#stats.staleServed++;
      this.#emit('stale');
    }
    waited(durationMs: number): void {
      const region = this.#region;
      region.#stats.waits++;
      if (region.#events.size) region.#events.emit({ type: 'waited', region: region.name, time: region.#now(), key: this.#key, durationMs });
    }
    acquired(): void {
      this.#emit('lockAcquired');
    }
    released(): void {
      this.#emit('lockReleased');
    }
    lockTimeout(waitedMs: number): void {
      const region = this.#region;
      region.#stats.lockTimeouts++;
      if (region.#events.size) region.#events.emit({ type: 'lockTimeout', region: region.name, time: region.#now(), key: this.#key, waitedMs });
    }
    #emit(type: 'hit' | 'miss' | 'stale' | 'lockAcquired' | 'lockReleased'): void {
      if (this.#region.#events.size) this.#region.#emitKey(type, this.#key);
    }
  };


  #emitKey(type: 'hit' | 'miss' | 'stale' | 'set' | 'delete' | 'lockAcquired' | 'lockReleased', key: string): void {
    if (type === 'set' || type === 'delete') this.#events.emit({ type, region: this.name, time: this.#now(), key, remote: false });
    else this.#events.emit({ type, region: this.name, time: this.#now(), key });
  }

  #recordError(operation: string, error: unknown, key: string | undefined): void {
    this.#stats.errors++;
    // Kept whether or not anyone listens, so a debugger opened later still sees them.
    this.#recentErrors.push({ time: this.#now(), operation, error, ...(key === undefined ? {} : { key }) });
    if (this.#recentErrors.length > RECENT_ERRORS) this.#recentErrors.shift();
    if (this.#events.size) {
      this.#events.emit({ type: 'error', region: this.name, time: this.#now(), operation, error, ...(key === undefined ? {} : { key }) });
    }
  }

  #onInvalidated(hard: boolean, at: number, remote: boolean): void {
    this.#neverInvalidated = false;
    this.#stats.invalidations++;
    if (this.#events.size) this.#events.emit({ type: 'invalidated', region: this.name, time: this.#now(), hard, at, remote });
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

// ---------------------------------------------------------------- helpers

/** @internal */
export function checkOptionalFunction(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`dogpile-cache: ${name} must be a function, got ${value === null ? 'null' : typeof value}`);
  }
}

/** @internal */
export function checkKeys(keys: unknown): void {
  if (!Array.isArray(keys)) throw new TypeError(`dogpile-cache: expected an array of keys, got ${keys === null ? 'null' : typeof keys}`);
}

function checkStrategy(strategy: RegionInvalidationStrategy): void {
  for (const method of ['invalidate', 'isInvalidated', 'isHardInvalidated', 'isSoftInvalidated', 'wasHardInvalidated', 'wasSoftInvalidated'] as const) {
    if (typeof strategy?.[method] !== 'function') {
      throw new TypeError(`dogpile-cache: regionInvalidator must implement ${method}()`);
    }
  }
}

/** `undefined` (not set), or ms; -1 and `Infinity` mean never (also `undefined` here). */
function normalizeExpiration(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return NEVER;
  if (value === -1 || value === Infinity) return NEVER;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(`${name} must be a finite number of ms >= 0, -1 or Infinity; got ${String(value)}`);
  }
  return value;
}

/** Whether `strategy` is exactly the in-memory default with no invalidation recorded (see `#neverInvalidated`). */
function neverInvalidated(strategy: RegionInvalidationStrategy): boolean {
  return strategy.constructor === DefaultInvalidationStrategy && (strategy as DefaultInvalidationStrategy).invalidatedAt() === undefined;
}

function findSyncPair(backend: CacheBackend): { get: CacheBackend['get']; getSync: (key: string) => StoredValue | NoValue } | undefined {
  if (typeof backend.getSync !== 'function') return undefined;
  let proto: object | null = Object.getPrototypeOf(backend);
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'getSync')) proto = Object.getPrototypeOf(proto);
  if (!proto || !Object.prototype.hasOwnProperty.call(proto, 'get')) return undefined;
  const { get, getSync } = proto as CacheBackend;
  return getSync ? { get, getSync } : undefined;
}

function describeBackend(backend: CacheBackend): string {
  return backend.label;
}

/** dogpile.cache's `coerce_string_conf`, for one value. */
export function coerceConfigValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (/^[-+]?\d+$/.test(text)) return Number.parseInt(text, 10);
  if (/^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) return Number.parseFloat(text);
  const lower = text.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  if (lower === 'none' || lower === 'null') return null;
  return text;
}

/** The provenance fields of a remote set, as the event carries them. */
function provenance(change: BackendChange): { createdBy?: string; creationMs?: number } {
  return { ...(change.createdBy === undefined ? {} : { createdBy: change.createdBy }), ...(change.creationMs === undefined ? {} : { creationMs: change.creationMs }) };
}
