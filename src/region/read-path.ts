/**
 * A configured region's reads: load an entry (synchronously when the backend
 * can), decode it, and judge whether it may be served (through freshness.ts).
 * A read fault or an unreadable entry is a miss, recorded as an error.
 *
 * @module
 */
import { CachedValue, NO_VALUE, VALUE_VERSION, type NoValue, type StoredValue } from '../api.js';
import { FUTURE_TOLERANCE_MS } from '../clock.js';
import { CantDeserializeException, DogpileCacheException } from '../errors.js';
import { freshnessOf, isFresh } from '../freshness.js';
import type { LockEntry } from '../lock/lock.js';
import { neverInvalidated, normalizeExpiration, type Configuration } from './config.js';
import type { Recorder } from './recorder.js';
import type { GetOptions } from './types.js';

/** The expiration a read judges by: ms, `undefined` for never, `false` to ignore expiration and invalidation. */
export type ReadExpiration = number | undefined | false;

/** The reads of one configuration. */
export class ReadPath {
  /**
   * The strategy is the in-memory default and has recorded no invalidation
   * yet: hits then skip the call into it. Cleared by the region at the first
   * invalidation its strategy reports.
   */
  neverInvalidated: boolean;

  /**
   * @param now The region's exact clock.
   * @param readNow The clock for judging reads: may reuse a recent reading (see `hitNow`).
   * @param version The region's version: a value of another one is a miss.
   */
  constructor(
    readonly config: Configuration,
    readonly recorder: Recorder,
    readonly now: () => number,
    readonly readNow: () => number,
    readonly version: string | number | undefined,
  ) {
    this.neverInvalidated = neverInvalidated(config.invalidator);
  }

  /**
   * The backend's `getSync`, when it may stand in for `get` now: only while
   * `get` is still the method declared beside it.
   */
  syncReader(): ((key: string) => StoredValue | NoValue) | undefined {
    const pair = this.config.syncPair;
    return pair !== undefined && this.config.backend.get === pair.get ? pair.getSync : undefined;
  }

  /** Reads and decodes one entry; without a promise when the backend reads synchronously. */
  loadNow(mangled: string, key: string, operation: string): CachedValue | NoValue | Promise<CachedValue | NoValue> {
    const readSync = this.syncReader();
    return readSync ? this.loadSync(readSync, mangled, key, operation) : this.load(mangled, key, operation);
  }

  /** {@link loadNow} through `getSync`. */
  loadSync(readSync: (key: string) => StoredValue | NoValue, mangled: string, key: string, operation: string): CachedValue | NoValue {
    let raw: StoredValue | NoValue;
    try {
      raw = readSync.call(this.config.backend, mangled);
    } catch (error) {
      this.recorder.error(operation, error, key);
      return NO_VALUE;
    }
    return this.decode(raw, key, operation);
  }

  /** {@link loadNow} through the backend's async `get`. */
  async load(mangled: string, key: string, operation: string): Promise<CachedValue | NoValue> {
    let raw: StoredValue | NoValue;
    try {
      raw = await this.config.backend.get(mangled);
    } catch (error) {
      this.recorder.error(operation, error, key);
      return NO_VALUE;
    }
    return this.decode(raw, key, operation);
  }

  /** Reads many entries with one `getMulti`; a fault makes them all misses. */
  async loadMulti(mangled: readonly string[], keys: readonly string[], operation: string): Promise<Array<CachedValue | NoValue>> {
    let raw: Array<StoredValue | NoValue>;
    try {
      raw = await this.config.backend.getMulti(mangled);
    } catch (error) {
      this.recorder.error(operation, error, undefined);
      return mangled.map(() => NO_VALUE);
    }
    if (!Array.isArray(raw) || raw.length !== mangled.length) {
      this.recorder.error(operation, new TypeError('backend getMulti returned a result of the wrong length'), undefined);
      return mangled.map(() => NO_VALUE);
    }
    return raw.map((value, i) => this.decode(value, keys[i]!, operation));
  }

  /**
   * What the backend returned, as a value of this region: `NO_VALUE` when
   * absent, unreadable, of another format or region version. `record`: an
   * unexpected deserializer fault is recorded as an error.
   */
  decode(raw: StoredValue | NoValue, key: string, operation: string, record = true): CachedValue | NoValue {
    if (raw === NO_VALUE) return NO_VALUE;
    let value: unknown = raw;
    const deserializer = this.config.deserializer;
    if (deserializer && !(raw instanceof CachedValue)) {
      try {
        value = deserializer(raw);
      } catch (error) {
        if (record && !(error instanceof CantDeserializeException)) this.recorder.error(operation, error, key);
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
   * reading's reuse (about 1 ms; see `hitNow`).
   */
  isFreshRead(value: CachedValue, expiration: number | undefined): boolean {
    let now = this.readNow();
    const ct = value.metadata.ct;
    if (now < ct) now = this.now();
    // isFresh's rules, without the invalidation call while nothing was invalidated.
    if (this.neverInvalidated) return (expiration === undefined || now - ct <= expiration) && ct - now <= FUTURE_TOLERANCE_MS;
    return isFresh(value.metadata, expiration, this.config.invalidator, now);
  }

  /** `region.get` and `getValueMetadata`: what `get` may return for `key`, counted as a hit or a miss. */
  async getUsable(key: string, expiration: ReadExpiration): Promise<CachedValue | undefined> {
    const mangled = this.mangle(key);
    const readSync = this.syncReader();
    const value = this.usable(readSync ? this.loadSync(readSync, mangled, key, 'get') : await this.load(mangled, key, 'get'), expiration);
    this.#count(key, value !== undefined);
    return value;
  }

  /** `region.getMulti`: one backend call. */
  async getMulti<V>(keys: readonly string[], expiration: ReadExpiration): Promise<Array<V | NoValue>> {
    if (keys.length === 0) return [];
    const loaded = await this.loadMulti(keys.map((key) => this.mangle(key)), keys, 'getMulti');
    return loaded.map((value, i) => {
      const usable = this.usable(value, expiration);
      this.#count(keys[i]!, usable !== undefined);
      return usable === undefined ? NO_VALUE : (usable.payload as V);
    });
  }

  #count(key: string, hit: boolean): void {
    if (hit) this.recorder.hit(key);
    else this.recorder.miss(key);
  }

  /** The value if `get` may return it, else `undefined`. */
  usable(value: CachedValue | NoValue, expiration: ReadExpiration): CachedValue | undefined {
    if (value === NO_VALUE) return undefined;
    return expiration === false || this.isFreshRead(value, expiration) ? value : undefined;
  }

  /** The lock's view of a stored value: absent when hard-invalidated, not fresh when expired or soft-invalidated. */
  lockEntry<V>(value: CachedValue | NoValue, expiration: number | undefined): LockEntry<V> | undefined {
    if (value === NO_VALUE) return undefined;
    const now = this.now();
    const freshness = freshnessOf(value.metadata, expiration, this.config.invalidator, now);
    if (freshness === 'hard-invalidated') return undefined;
    if (freshness === 'fresh') return { value: value.payload as V, fresh: true, since: undefined };
    const { ct } = value.metadata;
    // When it stopped being fresh: its expiry, else (soft-invalidated, or stamped in the future) the invalidation or now.
    const expired = expiration !== undefined && now - ct > expiration ? ct + expiration : undefined;
    const since = freshness === 'soft-invalidated' ? Math.min(expired ?? now, this.config.invalidator.invalidatedAt?.() ?? now) : (expired ?? now);
    return { value: value.payload as V, fresh: false, since };
  }

  /** The expiration a call judges by: its own (`-1`/`Infinity`: never), else the region's. */
  expiration(perCall: number | undefined): number | undefined {
    return perCall === undefined ? this.config.expiration : normalizeExpiration(perCall, 'expirationTime');
  }

  /** The expiration a read with `options` judges by (see {@link ReadExpiration}). Checks the options. */
  readExpiration(options: GetOptions | undefined): ReadExpiration {
    if (options === undefined) return this.config.expiration;
    if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: options must be an object');
    return options.ignoreExpiration ? false : this.expiration(options.expirationTime);
  }

  /** dogpile: soft invalidation needs an expiration time, checked before anything is read or created. */
  checkSoftInvalidation(expiration: number | undefined): void {
    if (expiration === undefined && this.config.invalidator.wasSoftInvalidated()) {
      const name = this.recorder.name;
      throw new DogpileCacheException(`Region${name ? ` "${name}"` : ''} was soft-invalidated but has no expiration time: configure an expirationTime, pass one per call, or invalidate hard.`);
    }
  }

  /** The stored key for a caller's key. */
  mangle(key: string): string {
    const mangler = this.config.mangler;
    if (mangler) return mangler(key);
    if (typeof key !== 'string') {
      throw new TypeError(`dogpile-cache: cache keys must be strings, got ${typeof key}; pass a keyMangler to use other keys`);
    }
    return key;
  }
}
