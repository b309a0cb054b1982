/**
 * Cache regions: dogpile.cache's `CacheRegion`, async. The one module that
 * combines backend, lock, keys, invalidation and events.
 *
 * @module
 */
import {
  CacheBackend,
  CachedValue,
  NO_VALUE,
  VALUE_VERSION,
  type BackendArguments,
  type CacheMutex,
  type Deserializer,
  type KeyMangler,
  type NoValue,
  type RegionInvalidationStrategy,
  type Serializer,
  type StoredValue,
} from './api.js';
import { monotonicNow } from './clock.js';
import { cacheMultiOnArguments, cacheOnArguments, type CacheMultiOnArgumentsOptions, type CacheOnArgumentsOptions, type CachedFunction, type CachedMultiFunction } from './decorators.js';
import {
  CantDeserializeException,
  DogpileCacheException,
  RegionAlreadyConfigured,
  RegionNotConfigured,
  ValidationError,
} from './errors.js';
import { emptyStats, Subscribable, type RegionEvent, type RegionListener, type RegionStats } from './events.js';
import { DefaultInvalidationStrategy } from './invalidation.js';
import { functionKeyGenerator, functionMultiKeyGenerator, type AnyFunction, type KeyGenerator, type MultiKeyGenerator } from './keys.js';
import { acquireBlocking, runLock, type LockEntry, type LockObserver } from './lock.js';
import { MutexRegistry } from './mutex.js';
import { ProxyBackend } from './proxy.js';
import { getBackendFactory } from './registry.js';

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
  /** The clock, epoch ms. Default: `Date.now()`, strictly increasing. */
  now?: () => number;
}

/** Options of {@link CacheRegion.configure}. */
export interface ConfigureOptions {
  /** Age in ms after which values are regenerated; -1 or `Infinity`: never. Default: never. */
  expirationTime?: number;
  /** Passed to the backend factory when the backend is given by name. */
  arguments?: BackendArguments;
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

  readonly #userMangler: KeyMangler | false | undefined;
  readonly #userSerializer: Serializer | undefined;
  readonly #userDeserializer: Deserializer | undefined;
  readonly #now: () => number;

  #backend: CacheBackend | undefined;
  #actualBackend: CacheBackend | undefined;
  #expirationTime: number | undefined;
  #expiration: number | undefined = NEVER;
  #mangler: KeyMangler | undefined;
  #serializer: Serializer | undefined;
  #deserializer: Deserializer | undefined;
  #invalidator: RegionInvalidationStrategy;
  #invalidatorReady: Promise<void> | undefined;
  #detach: Array<() => void> = [];
  #locks = new MutexRegistry();
  /** The backend's `getSync` and the `get` declared beside it, if it has one. */
  #syncPair: { get: CacheBackend['get']; getSync: (key: string) => StoredValue | NoValue } | undefined;
  /**
   * Passes through the lock in progress for keys that had no value, by
   * mangled key. Callers of this process that find no value wait for the one
   * in progress, then read again, instead of queueing on the mutex where each
   * would take the lock and read in turn: 1,000 waiters cost 1,000 serial
   * hand-offs, and across tabs 1,000 Web Lock grants.
   */
  #inflight = new Map<string, Promise<void>>();
  /**
   * The read again after a pass through the lock, shared by the callers that
   * waited for that pass (one read instead of one per caller).
   */
  #rereads = new Map<string, Promise<CachedValue | NoValue>>();
  #events = new (class extends Subscribable<RegionListener> {
    emit(event: RegionEvent): void {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (error) {
          // A listener's bug must not break the cache; report it where it can be seen.
          setTimeout(() => {
            throw error;
          });
        }
      }
    }
  })();
  #stats = emptyStats();

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
    if (lockTimeout !== undefined && !(typeof lockTimeout === 'number' && lockTimeout >= 0 && lockTimeout < Infinity)) {
      throw new ValidationError(`lockTimeout must be a finite number of ms >= 0, got ${String(lockTimeout)}`);
    }
    this.name = name;
    this.functionKeyGenerator = options.functionKeyGenerator ?? functionKeyGenerator;
    this.functionMultiKeyGenerator = options.functionMultiKeyGenerator ?? functionMultiKeyGenerator;
    this.asyncCreationRunner = asyncCreationRunner;
    this.lockTimeout = lockTimeout;
    this.#userMangler = keyMangler;
    this.#userSerializer = serializer;
    this.#userDeserializer = deserializer;
    this.#now = now ?? monotonicNow;
    this.#invalidator = new DefaultInvalidationStrategy(this.#now);
  }

  // ---------------------------------------------------------------- configuration

  /**
   * Gives the region its backend: a registered name (`'memory'`, `'null'`,
   * `'localstorage'`, `'indexeddb'`, or your own) or a backend instance.
   * Returns the region, so `makeRegion().configure('memory')` reads well.
   */
  configure(backend: string | CacheBackend, options: ConfigureOptions = {}): this {
    if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: configure options must be an object');
    if (this.#backend && !options.replaceExistingBackend) {
      throw new RegionAlreadyConfigured(
        `This region${this.name ? ` "${this.name}"` : ''} is already configured with backend ${describeBackend(this.#backend)}; pass replaceExistingBackend: true to replace it.`,
      );
    }
    const expiration = normalizeExpiration(options.expirationTime, 'expirationTime');
    let instance: CacheBackend;
    if (typeof backend === 'string') {
      instance = getBackendFactory(backend)(options.arguments ?? {});
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
    const binding = { name: this.name, expirationTime: expiration, now: this.#now };
    actual.bindRegion?.(binding);
    const made = options.regionInvalidator ? undefined : actual.createInvalidationStrategy?.(binding);
    const invalidator: RegionInvalidationStrategy = options.regionInvalidator ?? made ?? new DefaultInvalidationStrategy(this.#now);
    checkStrategy(invalidator);

    this.#detach.forEach((detach) => detach());
    this.#backend = instance;
    this.#actualBackend = actual;
    this.#expirationTime = options.expirationTime;
    this.#expiration = expiration;
    this.#mangler = this.#userMangler === false ? undefined : (this.#userMangler ?? actual.keyMangler);
    this.#serializer = this.#userSerializer ?? actual.serializer;
    this.#deserializer = this.#userDeserializer ?? actual.deserializer;
    this.#invalidator = invalidator;
    this.#invalidatorReady = invalidator.ready?.();
    this.#syncPair = findSyncPair(instance);
    this.#detach = [
      // A strategy the backend made for this region goes with it.
      () => made?.close?.(),
      instance.onNotice((notice) => {
        if (this.#events.size) this.#events.emit({ type: 'notice', region: this.name, time: this.#now(), ...notice });
      }),
      instance.onChange((change) => {
        if (this.#events.size) {
          this.#events.emit({ type: change.kind, region: this.name, time: this.#now(), key: change.key, remote: true, ...(change.ct === undefined ? {} : { ct: change.ct }), ...(change.origin === undefined ? {} : { origin: change.origin }) });
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
    return this.configure(backend, {
      expirationTime: rawExpiration ?? undefined,
      arguments: args,
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

  /** Sets every counter back to zero. */
  resetStats(): void {
    this.#stats = emptyStats();
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
    const isUsable = this.#usableTest(options);
    if (this.#invalidatorReady) await this.#ready();
    if (keys.length === 0) return [];
    const mangled = keys.map((key) => this.#mangle(key));
    const loaded = await this.#loadMulti(backend, mangled, keys, 'getMulti');
    return loaded.map((value, i) => {
      const usable = isUsable(value);
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
  async getOrCreate<V>(key: string, creator: () => MaybePromise<V>, options?: GetOrCreateOptions<V>): Promise<V> {
    if (typeof creator !== 'function') throw new TypeError(`dogpile-cache: getOrCreate expects a creator function, got ${typeof creator}`);
    const backend = this.#requireBackend();
    const expiration = this.#callExpiration(options?.expirationTime);
    const shouldCacheFn = options?.shouldCacheFn;
    checkOptionalFunction(shouldCacheFn, 'shouldCacheFn');
    if (this.#invalidatorReady) await this.#ready();
    const mangled = this.#mangle(key);

    // Fast path: a fresh value costs one backend read and no lock (and, from
    // a synchronous backend, no promise).
    const loading = this.#loadNow(backend, mangled, key, 'getOrCreate');
    const stored = loading instanceof Promise ? await loading : loading;
    if (stored !== NO_VALUE) {
      const ct = stored.metadata.ct;
      if (!this.#invalidator.isInvalidated(ct) && (expiration === NEVER || this.#now() - ct <= expiration)) {
        this.#stats.hits++;
        if (this.#events.size) this.#emitKey('hit', key);
        return stored.payload as V;
      }
    }
    const first = this.#lockEntry<V>(stored, expiration);

    let entry = first;
    const observer = this.#observer(key);
    // No value, and this process already has a caller going through the lock
    // for the key: wait for it to finish, then read again (see #inflight).
    // The lock is taken only if the value is still missing or expired then, as
    // a dogpile waiter would after its own turn with the lock.
    const pending = entry === undefined && this.lockTimeout === undefined ? this.#inflight.get(mangled) : undefined;
    if (pending) {
      observer.miss!();
      const started = this.#now();
      await pending;
      let reread = this.#rereads.get(mangled);
      if (!reread) {
        reread = Promise.resolve(this.#loadNow(backend, mangled, key, 'getOrCreate')).finally(() => this.#rereads.delete(mangled));
        this.#rereads.set(mangled, reread);
      }
      entry = this.#lockEntry<V>(await reread, expiration);
      if (entry !== undefined && (expiration === NEVER || this.#now() - entry.createdTime <= expiration)) {
        observer.waited!(this.#now() - started);
        return entry.value;
      }
      // The miss is counted already.
      observer.miss = undefined;
    }
    const mutex = this.#checkoutMutex(backend, mangled);
    const runner = this.asyncCreationRunner;
    let done: (() => void) | undefined;
    if (entry === undefined && this.lockTimeout === undefined && !this.#inflight.has(mangled)) {
      this.#inflight.set(mangled, new Promise<void>((resolve) => (done = resolve)));
    }
    try {
      return await runLock<V>({
        mutex,
        first: entry,
        getter: async () => this.#lockEntry<V>(await this.#loadNow(backend, mangled, key, 'getOrCreate'), expiration),
        creator: async () => {
          const started = this.#now();
          const value = await this.#create(key, creator);
          const cached = await this.#storeCreated(backend, mangled, key, value, shouldCacheFn, started);
          return { value, createdTime: cached?.metadata.ct ?? this.#now() };
        },
        expirationTime: expiration,
        asyncCreator: runner && ((held) => this.#handToRunner(runner, key, creator, held)),
        lockTimeout: this.lockTimeout,
        now: this.#now,
        observer,
      });
    } finally {
      this.#checkinMutex(mangled);
      if (done) {
        this.#inflight.delete(mangled);
        done();
      }
    }
  }

  /**
   * Like {@link getOrCreate} for many keys. `creator(...missingKeys)` receives
   * each distinct key to create once, in sorted order, and returns their
   * values in that order. The result follows `keys`, repeats included.
   */
  async getOrCreateMulti<V>(
    keys: readonly string[],
    creator: (...keys: string[]) => MaybePromise<readonly V[]>,
    options: GetOrCreateMultiOptions<V> = {},
  ): Promise<V[]> {
    checkKeys(keys);
    if (typeof creator !== 'function') throw new TypeError(`dogpile-cache: getOrCreateMulti expects a creator function, got ${typeof creator}`);
    const backend = this.#requireBackend();
    const expiration = this.#callExpiration(options.expirationTime);
    const shouldCacheFn = options.shouldCacheFn;
    checkOptionalFunction(shouldCacheFn, 'shouldCacheFn');
    if (this.#invalidatorReady) await this.#ready();
    if (keys.length === 0) return [];

    const unique = [...new Set(keys)].sort();
    const mangledKeys = unique.map((key) => this.#mangle(key));
    const loaded = await this.#loadMulti(backend, mangledKeys, unique, 'getOrCreateMulti');
    const results = new Map<string, V>();
    const toCreate: Array<{ key: string; mangled: string }> = [];
    const held: Array<{ key: string; mutex: CacheMutex }> = [];
    const checkedOut: string[] = [];
    const isFresh = (entry: LockEntry<V>) => expiration === NEVER || this.#now() - entry.createdTime <= expiration;

    try {
      // Keys are locked in sorted order, so two multi-key callers cannot deadlock.
      for (let i = 0; i < unique.length; i++) {
        const key = unique[i]!;
        const mangled = mangledKeys[i]!;
        const entry = this.#lockEntry<V>(loaded[i]!, expiration);
        if (entry !== undefined && isFresh(entry)) {
          this.#stats.hits++;
          if (this.#events.size) this.#emitKey('hit', key);
          results.set(key, entry.value);
          continue;
        }
        const mutex = this.#checkoutMutex(backend, mangled);
        checkedOut.push(mangled);
        const observer = this.#observer(key);
        if (entry !== undefined) {
          if (await mutex.acquire(false)) {
            observer.acquired!();
            held.push({ key, mutex });
            toCreate.push({ key, mangled });
          } else {
            observer.stale!();
            results.set(key, entry.value);
          }
          continue;
        }
        observer.miss!();
        const started = this.#now();
        const acquired = (await acquireBlocking(mutex, this.lockTimeout)) === true;
        if (acquired) {
          observer.acquired!();
          held.push({ key, mutex });
        } else {
          observer.lockTimeout!(this.#now() - started);
        }
        // Unlike dogpile.cache, read again after waiting: the key may have been
        // created meanwhile, and must not be created twice.
        const again = this.#lockEntry<V>(await this.#loadNow(backend, mangled, key, 'getOrCreateMulti'), expiration);
        if (again !== undefined && isFresh(again)) {
          if (acquired) {
            held.pop();
            mutex.release();
            observer.released!();
          }
          observer.waited!(this.#now() - started);
          results.set(key, again.value);
          continue;
        }
        toCreate.push({ key, mangled });
      }

      if (toCreate.length > 0) {
        const started = this.#now();
        let created: readonly V[];
        try {
          created = await creator(...toCreate.map((item) => item.key));
        } catch (error) {
          this.#recordError('getOrCreateMulti', error, undefined);
          throw error;
        }
        if (!Array.isArray(created) || created.length !== toCreate.length) {
          throw new TypeError(
            `dogpile-cache: the getOrCreateMulti creator must return an array of ${toCreate.length} values (one per key it was given), got ${Array.isArray(created) ? `${created.length} values` : typeof created}`,
          );
        }
        const durationMs = this.#now() - started;
        const ct = this.#now();
        const toStore = new Map<string, StoredValue>();
        const stored: string[] = [];
        for (let i = 0; i < toCreate.length; i++) {
          const { key, mangled } = toCreate[i]!;
          const value = created[i] as V;
          results.set(key, value);
          if (!shouldCacheFn || (await shouldCacheFn(value))) {
            toStore.set(mangled, this.#serialize(new CachedValue(value, { ct, v: VALUE_VERSION })));
            stored.push(key);
          }
        }
        let cached = true;
        if (toStore.size > 0) {
          try {
            await backend.setMulti(toStore);
          } catch (error) {
            // The caller still gets the values the creator made.
            cached = false;
            this.#recordError('getOrCreateMulti', error, undefined);
          }
        }
        const storedKeys = new Set(cached ? stored : []);
        for (const { key } of toCreate) {
          this.#stats.creations++;
          if (storedKeys.has(key)) this.#stats.sets++;
          if (this.#events.size) {
            this.#events.emit({ type: 'created', region: this.name, time: this.#now(), key, durationMs, cached: storedKeys.has(key) });
          }
        }
      }
      return keys.map((key) => results.get(key) as V);
    } finally {
      for (const { key, mutex } of held) {
        mutex.release();
        if (this.#events.size) this.#emitKey('lockReleased', key);
      }
      for (const mangled of checkedOut) this.#checkinMutex(mangled);
    }
  }

  // ---------------------------------------------------------------- writes

  /** Stores `value` under `key`, created now. */
  async set<V>(key: string, value: V): Promise<void> {
    const backend = this.#requireBackend();
    if (this.#invalidatorReady) await this.#ready();
    const mangled = this.#mangle(key);
    await backend.set(mangled, this.#serialize(this.#wrapValue(value)));
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
    const ct = this.#now();
    const toStore = new Map<string, StoredValue>();
    for (const [key, value] of entries) {
      toStore.set(this.#mangle(key), this.#serialize(new CachedValue(value, { ct, v: VALUE_VERSION })));
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

  #requireBackend(): CacheBackend {
    const backend = this.#backend;
    if (!backend) {
      throw new RegionNotConfigured(`Region${this.name ? ` "${this.name}"` : ''} is not configured yet; call region.configure(backend) first.`);
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

  /** A test that returns the value if `get` may return it, else `undefined`. */
  #usableTest(options: GetOptions): (value: CachedValue | NoValue) => CachedValue | undefined {
    if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: options must be an object');
    if (options.ignoreExpiration) return (value) => (value === NO_VALUE ? undefined : value);
    const expiration = this.#callExpiration(options.expirationTime);
    const invalidator = this.#invalidator;
    return (value) => {
      if (value === NO_VALUE) return undefined;
      const ct = value.metadata.ct;
      if (expiration !== NEVER && this.#now() - ct > expiration) return undefined;
      if (invalidator.isInvalidated(ct)) return undefined;
      return value;
    };
  }

  #countRead(key: string, hit: boolean): void {
    if (hit) this.#stats.hits++;
    else this.#stats.misses++;
    if (this.#events.size) this.#emitKey(hit ? 'hit' : 'miss', key);
  }

  /** What `get` may return for `key`, counted as a hit or a miss. */
  async #readUsable(key: string, options: GetOptions | undefined): Promise<CachedValue | undefined> {
    const backend = this.#requireBackend();
    const isUsable = this.#usableTest(options ?? {});
    if (this.#invalidatorReady) await this.#ready();
    const mangled = this.#mangle(key);
    const loading = this.#loadNow(backend, mangled, key, 'get');
    const value = isUsable(loading instanceof Promise ? await loading : loading);
    this.#countRead(key, value !== undefined);
    return value;
  }

  /**
   * Reads and decodes one entry; a read fault or unreadable entry is a miss.
   * Without a promise when the backend reads synchronously (see `getSync`).
   */
  #loadNow(backend: CacheBackend, mangled: string, key: string, operation: string): CachedValue | NoValue | Promise<CachedValue | NoValue> {
    const readSync = this.#syncReader(backend);
    if (!readSync) return this.#load(backend, mangled, key, operation);
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
    return value;
  }

  /**
   * The lock's view of a stored value: absent when hard-invalidated, expired
   * (by backdating its creation time) when soft-invalidated.
   */
  #lockEntry<V>(value: CachedValue | NoValue, expiration: number | undefined): LockEntry<V> | undefined {
    if (value === NO_VALUE) return undefined;
    const invalidator = this.#invalidator;
    let createdTime = value.metadata.ct;
    if (invalidator.isHardInvalidated(createdTime)) return undefined;
    if (invalidator.isSoftInvalidated(createdTime)) {
      if (expiration === NEVER) {
        throw new DogpileCacheException('Non-None expiration time required for soft invalidation');
      }
      createdTime = this.#now() - expiration - 1;
    }
    return { value: value.payload as V, createdTime };
  }

  #wrapValue<V>(value: V): CachedValue<V> {
    return new CachedValue(value, { ct: this.#now(), v: VALUE_VERSION });
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
      cached = this.#wrapValue(value);
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

  #checkoutMutex(backend: CacheBackend, mangled: string): CacheMutex {
    return backend.getMutex(mangled) ?? this.#locks.checkout(mangled);
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
    if (this.#events.size) {
      this.#events.emit({ type: 'error', region: this.name, time: this.#now(), operation, error, ...(key === undefined ? {} : { key }) });
    }
  }

  #onInvalidated(hard: boolean, at: number, remote: boolean): void {
    this.#stats.invalidations++;
    if (this.#events.size) this.#events.emit({ type: 'invalidated', region: this.name, time: this.#now(), hard, at, remote });
  }
}

/** Makes a region; call {@link CacheRegion.configure} before use. */
export function makeRegion(options?: RegionOptions): CacheRegion {
  return new CacheRegion(options);
}

// ---------------------------------------------------------------- helpers

function checkOptionalFunction(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`dogpile-cache: ${name} must be a function, got ${value === null ? 'null' : typeof value}`);
  }
}

function checkKeys(keys: unknown): void {
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

function findSyncPair(backend: CacheBackend): { get: CacheBackend['get']; getSync: (key: string) => StoredValue | NoValue } | undefined {
  if (typeof backend.getSync !== 'function') return undefined;
  let proto: object | null = Object.getPrototypeOf(backend);
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'getSync')) proto = Object.getPrototypeOf(proto);
  if (!proto || !Object.prototype.hasOwnProperty.call(proto, 'get')) return undefined;
  const { get, getSync } = proto as CacheBackend;
  return getSync ? { get, getSync } : undefined;
}

function describeBackend(backend: CacheBackend): string {
  return backend.constructor?.name ?? 'unknown';
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
