/**
 * The types every other module speaks: stored values, backends and mutexes.
 * This module imports nothing, so backends written outside the package can
 * depend on it alone.
 *
 * @module
 */

/**
 * The "nothing stored here" marker, returned by `get` and by backends for a
 * miss. Compare by identity: `value === NO_VALUE`.
 */
export const NO_VALUE: unique symbol = Symbol.for('dogpile-cache.NO_VALUE') as never;
/** The type of {@link NO_VALUE}. */
export type NoValue = typeof NO_VALUE;

/**
 * Format version written with every value. A stored value carrying another
 * version is treated as a miss, so a release that changes the stored shape
 * never reads old entries as new ones.
 */
export const VALUE_VERSION = 2;


/** What is stored beside a payload. */
export interface CachedValueMetadata {
  /** Creation time, epoch milliseconds: when the value was stored. Expiration counts from it. */
  ct: number;
  /** {@link VALUE_VERSION} at the time of writing. */
  v: number;
  /**
   * When the creator that made the value started, epoch ms (absent for
   * `set()`, where it equals `ct`). Invalidation compares against it, so an
   * invalidation that happens while a creator runs invalidates its value.
   */
  st?: number;
  /** The region's `version` when written, if the region has one; another version reads as a miss. */
  rv?: string | number;
  /**
   * Provenance: the opaque id of the tab, worker or process whose region
   * wrote the value (its `ORIGIN_ID`). With `st` and `ct` it says who
   * created an entry and how long the creator took (`ct - st`).
   */
  o?: string;
}

/** A payload plus its metadata: the unit a backend stores. */
export class CachedValue<V = unknown> {
  readonly payload: V;
  readonly metadata: CachedValueMetadata;

  constructor(payload: V, metadata: CachedValueMetadata) {
    this.payload = payload;
    this.metadata = metadata;
  }

  /** Creation time, epoch milliseconds (`metadata.ct`). */
  get cachedTime(): number {
    return this.metadata.ct;
  }

  /** Milliseconds since creation. */
  get age(): number {
    return Date.now() - this.metadata.ct;
  }
}

/** What a region serializer produces and a backend may store instead of a {@link CachedValue}. */
export type SerializedValue = string | Uint8Array;
/** Turns a {@link CachedValue} into storable data. */
export type Serializer = (value: CachedValue) => SerializedValue;
/**
 * Turns stored data back into a {@link CachedValue}. Throws
 * `CantDeserializeException` for data it cannot read; the region then treats
 * the entry as a miss.
 */
export type Deserializer = (data: SerializedValue) => CachedValue;
/** Turns a cache key into the key a backend stores under. */
export type KeyMangler = (key: string) => string;

/** What a backend holds for a key: a value, serialized data, or nothing. */
export type StoredValue = CachedValue | SerializedValue;

/**
 * A lock guarding the creation of one key. Dogpile's contract: `acquire(false)`
 * answers at once; `acquire()` waits. Only the holder calls `release`.
 */
export interface CacheMutex {
  /** Takes the lock; with `wait === false` resolves `false` at once when it is held elsewhere. */
  acquire(wait?: boolean): Promise<boolean>;
  /** Gives the lock up. */
  release(): void;
  /** Whether anyone holds the lock now. */
  locked(): Promise<boolean>;
  /**
   * Optional: resolves once whoever holds the lock now has released it,
   * without taking it. Shared locks offer it so that callers waiting for
   * another's creator are all woken at once and read the new value side by
   * side, instead of taking the lock one after another just to read.
   */
  waitUntilFree?(): Promise<void>;
}

/** Something a backend reports to the region that uses it (e.g. a fallback or an eviction). */
export interface BackendNotice {
  /** Short machine-readable kind, e.g. `'mutex-fallback'`, `'quota-evicted'`. */
  kind: string;
  /** Human-readable explanation. */
  message: string;
  /** The key concerned, when there is one (as stored, i.e. mangled). */
  key?: string;
  /** The underlying error, when there is one. */
  error?: unknown;
}

/**
 * A write or delete a shared backend observed from another tab or process
 * (its change feed). The region turns it into a `set` or `delete` event with
 * `remote: true`.
 */
export interface BackendChange {
  /** What happened to the entry. */
  kind: 'set' | 'delete';
  /** The key as stored (mangled). */
  key: string;
  /** For `set`: the stored value's creation time (`metadata.ct`), epoch ms. */
  ct?: number;
  /** Who made the change: an opaque id of the tab, worker or process. */
  origin?: string;
  /** For `set`: who ran the creator of the value (`metadata.o`), when known; `origin` is who wrote it. */
  createdBy?: string;
  /** For `set`: how long its creator took (`ct - st`, ms), when known; 0 for a value stored with `set()`. */
  creationMs?: number;
}

/** How `region.prune()` works through the region's entries. */
export interface PruneOptions {
  /**
   * Also remove values that expired at least this long ago (ms, counted from
   * `ct` + the region's expiration time). Default: keep every expired value,
   * since expired values are what dogpile serves while one caller
   * regenerates. Regions without an expiration time have no expired values.
   */
  expiredFor?: number;
  /** Entries read (one `getMulti`) and removed (one `deleteMulti`) per batch. Default: all at once. */
  batchSize?: number;
  /** Awaited before each batch after the first: where an idle scheduler gives the page back its time. */
  pause?: () => Promise<void>;
}

/** What a region hands a backend when it is configured with it. */
export interface RegionBinding {
  /** The region's name. */
  readonly name: string | undefined;
  /** The region's expiration time in ms; `undefined`: never. */
  readonly expirationTime: number | undefined;
  /** The region's clock (epoch ms): shared backends stamp invalidations with it. */
  readonly now: () => number;
  /** The region's {@link CacheRegion.prune}: backends that prune by themselves (when idle) call it. */
  readonly prune?: (options?: PruneOptions) => Promise<number>;
}

/** What changed when a region was invalidated. */
export interface InvalidationNotice {
  /** Hard (values look absent) or soft (values look expired). */
  hard: boolean;
  /** When the invalidation happened, epoch milliseconds. */
  at: number;
  /** True when it came from another tab or process. */
  remote: boolean;
  /** Who issued it (an opaque id of the tab or process), when known. */
  origin?: string;
}

/**
 * Decides whether a value created at a given time has been invalidated.
 * dogpile.cache's `RegionInvalidationStrategy`; the optional members let a
 * strategy that is shared between tabs load its state and report remote
 * invalidations.
 */
export interface RegionInvalidationStrategy {
  /** Invalidates every value created before now. */
  invalidate(hard?: boolean): void | Promise<void>;
  /** Whether a value created at `ts` predates the last invalidation. */
  isInvalidated(ts: number): boolean;
  /** Whether a value created at `ts` was hard-invalidated. */
  isHardInvalidated(ts: number): boolean;
  /** Whether a value created at `ts` was soft-invalidated. */
  isSoftInvalidated(ts: number): boolean;
  /** Whether the last invalidation was hard. */
  wasHardInvalidated(): boolean;
  /** Whether the last invalidation was soft. */
  wasSoftInvalidated(): boolean;
  /** Resolves once persisted state has been loaded; the region awaits it before its first read. */
  ready?(): Promise<void>;
  /** Reports every invalidation, local or remote. Returns the unsubscribe function. */
  subscribe?(listener: (notice: InvalidationNotice) => void): () => void;
  /** When the last invalidation happened (epoch ms), if any. For inspection. */
  invalidatedAt?(): number | undefined;
  /**
   * Releases what the strategy holds (a channel to other tabs). A region
   * calls it on a strategy its backend made, when it is configured anew.
   */
  close?(): void;
}

/** Arguments handed to a backend factory by `region.configure(name, { arguments })`. */
export type BackendArguments = Record<string, unknown>;

/**
 * Base class of every backend. Only `get`, `set` and `delete` are required;
 * the multi-key methods loop over them unless a backend does better.
 */
export abstract class CacheBackend {
  /**
   * A stable name for inspection (the devtools' Backend column): a class's
   * static `label` if it declares one, else its class name, which
   * minification may change. Built-in backends declare theirs.
   */
  get label(): string {
    const type = this.constructor as { label?: unknown; name?: string };
    return typeof type.label === 'string' ? type.label : type.name || 'unknown';
  }

  /** A mangler the region uses when it has none of its own. */
  declare keyMangler?: KeyMangler;
  /** A serializer the region uses when it has none of its own. */
  declare serializer?: Serializer;
  /** A deserializer the region uses when it has none of its own. */
  declare deserializer?: Deserializer;

  #noticeListeners?: Set<(notice: BackendNotice) => void>;
  #changeListeners?: Set<(change: BackendChange) => void>;

  /**
   * The mutex guarding creation of `key`, or `null` to let the region use an
   * in-process one. Backends shared between processes or tabs return a
   * distributed lock here (ideally a `LayeredMutex`, so that only one caller
   * per process contends for the shared lock).
   */
  getMutex(_key: string): CacheMutex | null {
    return null;
  }

  abstract get(key: string): Promise<StoredValue | NoValue>;
  abstract set(key: string, value: StoredValue): Promise<void>;
  abstract delete(key: string): Promise<void>;

  async getMulti(keys: readonly string[]): Promise<Array<StoredValue | NoValue>> {
    const out: Array<StoredValue | NoValue> = [];
    for (const key of keys) out.push(await this.get(key));
    return out;
  }

  async setMulti(mapping: ReadonlyMap<string, StoredValue>): Promise<void> {
    for (const [key, value] of mapping) await this.set(key, value);
  }

  async deleteMulti(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.delete(key);
  }

  /** Lists stored keys, for inspection. Optional. */
  keys?(): AsyncIterable<string> | Promise<string[]>;

  /**
   * Removes every entry of the region(s) bound to the backend, and only
   * those (a shared backend leaves other namespaces and other apps' data
   * alone), from storage itself: after a logout nothing of them is left to
   * read, in any tab. Shared backends tell other tabs of each removed key
   * through their change feed. Resolves to how many entries were removed.
   * Optional; `region.clear()` uses it when present.
   */
  clear?(): Promise<number>;

  /**
   * Optional synchronous read, for backends whose storage is synchronous
   * (memory): it returns what `get` would resolve with, without a promise.
   * The region uses it on its read paths only while the backend's `get` is
   * the one declared beside it, so a subclass or proxy that overrides `get`
   * is always called.
   */
  getSync?(key: string): StoredValue | NoValue;

  /**
   * A region calls this when it is configured with the backend and no
   * invalidation strategy of its own. Shared backends return a strategy that
   * persists and broadcasts invalidation; others return nothing.
   */
  createInvalidationStrategy?(region: RegionBinding): RegionInvalidationStrategy | undefined;

  /**
   * A region calls this when it is configured with the backend, before any
   * other call: its name and expiration time (ms; `undefined`: never). Shared
   * backends use it to keep each region's entries apart and to know which
   * entries are expired when they must make room. Optional.
   */
  bindRegion?(region: RegionBinding): void;

  /**
   * The reverse of {@link bindRegion}: a region that closes (or is configured
   * anew) calls it with the same binding object it bound with. The backend
   * forgets that region and, once no region is bound, releases what it
   * opened for them (the change feed's channel or `storage` listener), so a
   * dropped backend can be garbage-collected. Calling it for a region that
   * is not bound does nothing. Optional.
   */
  unbindRegion?(region: RegionBinding): void;

  /** Subscribes to the backend's notices. Returns the unsubscribe function. */
  onNotice(listener: (notice: BackendNotice) => void): () => void {
    (this.#noticeListeners ??= new Set()).add(listener);
    return () => this.#noticeListeners?.delete(listener);
  }

  /** Tells subscribers (the regions using this backend) about a fallback, eviction or fault. */
  protected notify(notice: BackendNotice): void {
    this.#noticeListeners?.forEach((listener) => listener(notice));
  }

  /**
   * Subscribes to the backend's change feed: writes and deletes made by other
   * tabs or processes (shared backends only). Returns the unsubscribe function.
   */
  onChange(listener: (change: BackendChange) => void): () => void {
    (this.#changeListeners ??= new Set()).add(listener);
    return () => this.#changeListeners?.delete(listener);
  }

  /** Tells subscribers of a write or delete made elsewhere (see {@link onChange}). */
  protected notifyChange(change: BackendChange): void {
    this.#changeListeners?.forEach((listener) => listener(change));
  }
}
