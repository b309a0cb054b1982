/**
 * The region API a page uses, whether the region lives in a SharedWorker, a
 * dedicated Worker, or (as a fallback) in the page itself.
 *
 * @module
 */
import type { CachedValue, NoValue, StoredValue } from '../api.js';
import type { RegionListener, RegionStats } from '../events.js';
import type { GetOptions, GetOrCreateMultiOptions, GetOrCreateOptions, MaybePromise } from '../region/region.js';

/**
 * Where the region lives:
 * - `'shared-worker'`: one SharedWorker for every tab of the origin (one cache, one creator per key across tabs);
 * - `'worker'`: a dedicated Worker of this page (creators off the main thread, one cache per tab);
 * - `'in-page'`: a region in this page;
 * - `'endpoint'`: whatever {@link wrapRegion} was given (a `MessagePort`, say).
 */
export type RegionClientMode = 'shared-worker' | 'worker' | 'in-page' | 'endpoint';

/** A creator: a function run in the page, or the name of a creator the worker was given. */
export type ClientCreator<V> = (() => MaybePromise<V>) | string;

/** A multi-key creator: a function run in the page, or the name of one the worker was given. */
export type ClientMultiCreator<V> = ((...keys: string[]) => MaybePromise<readonly V[]>) | string;

/** What is stored under a key, as {@link RegionClient.peekStored} reports it. */
export interface PeekedEntry {
  /** What the backend holds: a `CachedValue`, serialized data, or `NO_VALUE`. */
  raw: StoredValue | NoValue;
  /** The decoded entry, or `undefined` when absent or unreadable. */
  value: CachedValue | undefined;
}

/** The state of the region's invalidation. */
export interface InvalidationState {
  hard: boolean;
  soft: boolean;
  /** When the last invalidation happened (epoch ms), if any. */
  at: number | undefined;
}

/**
 * A region as a page sees it. Methods mirror `CacheRegion`'s and keep their
 * semantics; values cross to the worker by structured clone.
 */
export interface RegionClient {
  /** Where the region lives. */
  readonly mode: RegionClientMode;
  /** Why this mode was chosen (e.g. "SharedWorker is not available here"). */
  readonly modeReason: string;
  /** The region's name. */
  readonly name: string | undefined;
  /** The region's configured expiration time (ms). */
  readonly expirationTime: number | undefined;
  /** Resolves once connected; rejects with `WorkerUnavailableError` if the worker could not be reached. */
  readonly ready: Promise<void>;

  get<V = unknown>(key: string, options?: GetOptions): Promise<V | NoValue>;
  getMulti<V = unknown>(keys: readonly string[], options?: GetOptions): Promise<Array<V | NoValue>>;
  getValueMetadata<V = unknown>(key: string, options?: GetOptions): Promise<CachedValue<V> | undefined>;
  /**
   * The value for `key`, made under dogpile's lock when absent or expired.
   * `creator` runs in this page (a function) or in the worker (its name).
   */
  getOrCreate<V>(key: string, creator: ClientCreator<V>, options?: GetOrCreateOptions<V>): Promise<V>;
  getOrCreateMulti<V>(keys: readonly string[], creator: ClientMultiCreator<V>, options?: GetOrCreateMultiOptions<V>): Promise<V[]>;
  set<V>(key: string, value: V): Promise<void>;
  setMulti<V>(mapping: Record<string, V> | ReadonlyMap<string, V>): Promise<void>;
  delete(key: string): Promise<void>;
  deleteMulti(keys: readonly string[]): Promise<void>;
  invalidate(hard?: boolean): Promise<void>;
  keyIsLocked(key: string): Promise<boolean>;

  /** Subscribes to the region's events (forwarded from the worker while anyone listens). */
  subscribe(listener: RegionListener): () => void;
  /** The region's counters as last heard (updated with every event batch and {@link getStats}). */
  readonly stats: RegionStats;
  /** The region's counters now. */
  getStats(): Promise<RegionStats>;
  /** Sets the region's counters back to zero. */
  resetStats(): Promise<void>;

  /** Stored keys (mangled), for inspection; `undefined` when the backend cannot list them. */
  keys(): Promise<string[] | undefined>;
  /** Reads an entry by stored key without counting it (see `CacheRegion.peekStored`). */
  peekStored(storedKey: string): Promise<PeekedEntry>;
  /** `keyIsLocked` for a stored key. */
  storedKeyIsLocked(storedKey: string): Promise<boolean>;
  /** Removes an entry by stored key. */
  deleteStored(storedKey: string): Promise<void>;
  /** The region's invalidation state. */
  invalidation(): Promise<InvalidationState>;

  /** Disconnects; later calls fail with `WorkerUnavailableError`. */
  close(): void;
}
