/**
 * The fallback: a {@link RegionClient} over a region in the page itself, for
 * where workers are not available. Same API, no copying.
 *
 * @module
 */
import type { CachedValue, NoValue } from '../api.js';
import type { RegionListener, RegionStats } from '../events.js';
import { CacheRegion, type GetOptions, type GetOrCreateOptions, type MaybePromise } from '../region/region.js';
import { UnknownCreatorError, WorkerUnavailableError } from './errors.js';
import type { NamedCreator, NamedMultiCreator } from './host.js';
import type { ClientCreator, ClientMultiCreator, InvalidationState, PeekedEntry, RegionClient, RegionClientMode } from './region-client.js';

/** Options of {@link InPageRegionClient}. */
export interface InPageRegionClientOptions {
  /** Creators callable by name, as the worker's (share the module between worker and page). */
  creators?: Record<string, NamedCreator>;
  multiCreators?: Record<string, NamedMultiCreator>;
  /** What {@link RegionClient.modeReason} reports. */
  modeReason?: string;
}

/** A {@link RegionClient} over a region in this page. */
export class InPageRegionClient implements RegionClient {
  readonly mode: RegionClientMode = 'in-page';
  readonly modeReason: string;
  readonly ready: Promise<void> = Promise.resolve();
  /** The region itself (the devtools inspector can register it directly). */
  readonly region: CacheRegion;
  readonly #creators: Record<string, NamedCreator>;
  readonly #multiCreators: Record<string, NamedMultiCreator>;
  #closed = false;

  constructor(region: CacheRegion, options: InPageRegionClientOptions = {}) {
    if (!(region instanceof CacheRegion)) throw new TypeError('dogpile-cache: expected a CacheRegion (from makeRegion())');
    this.region = region;
    this.#creators = { ...options.creators };
    this.#multiCreators = { ...options.multiCreators };
    this.modeReason = options.modeReason ?? 'using a region in this page';
  }

  get name(): string | undefined {
    return this.region.name;
  }

  get expirationTime(): number | undefined {
    return this.region.expirationTime;
  }

  async get<V = unknown>(key: string, options?: GetOptions): Promise<V | NoValue> {
    return this.#open().get<V>(key, options);
  }

  async getMulti<V = unknown>(keys: readonly string[], options?: GetOptions): Promise<Array<V | NoValue>> {
    return this.#open().getMulti<V>(keys, options);
  }

  async getValueMetadata<V = unknown>(key: string, options?: GetOptions): Promise<CachedValue<V> | undefined> {
    return this.#open().getValueMetadata<V>(key, options);
  }

  async getOrCreate<V>(key: string, creator: ClientCreator<V>, options?: GetOrCreateOptions<V>): Promise<V> {
    const region = this.#open();
    if (typeof creator !== 'string') return region.getOrCreate(key, creator, options);
    const named = this.#named(this.#creators, creator);
    return region.getOrCreate(key, () => named(key) as MaybePromise<V>, options);
  }

  async getOrCreateMulti<V>(keys: readonly string[], creator: ClientMultiCreator<V>, options?: GetOrCreateOptions<V>): Promise<V[]> {
    const region = this.#open();
    if (typeof creator !== 'string') return region.getOrCreateMulti(keys, creator, options);
    if (Object.hasOwn(this.#multiCreators, creator)) {
      const multi = this.#multiCreators[creator]!;
      return region.getOrCreateMulti(keys, (...missing) => multi(...missing) as MaybePromise<V[]>, options);
    }
    const single = this.#named(this.#creators, creator);
    return region.getOrCreateMulti(keys, (...missing) => Promise.all(missing.map((key) => single(key))) as Promise<V[]>, options);
  }

  async set<V>(key: string, value: V): Promise<void> {
    return this.#open().set(key, value);
  }

  async setMulti<V>(mapping: Record<string, V> | ReadonlyMap<string, V>): Promise<void> {
    return this.#open().setMulti(mapping);
  }

  async delete(key: string): Promise<void> {
    return this.#open().delete(key);
  }

  async deleteMulti(keys: readonly string[]): Promise<void> {
    return this.#open().deleteMulti(keys);
  }

  async invalidate(hard?: boolean): Promise<void> {
    return this.#open().invalidate(hard);
  }

  async keyIsLocked(key: string): Promise<boolean> {
    return this.#open().keyIsLocked(key);
  }

  subscribe(listener: RegionListener): () => void {
    return this.region.subscribe(listener);
  }

  get stats(): RegionStats {
    return this.region.stats;
  }

  async getStats(): Promise<RegionStats> {
    return this.region.stats;
  }

  async resetStats(): Promise<void> {
    this.region.resetStats();
  }

  keys(): Promise<string[] | undefined> {
    return this.#open().storedKeys();
  }

  async peekStored(storedKey: string): Promise<PeekedEntry> {
    return this.#open().peekStored(storedKey);
  }

  async storedKeyIsLocked(storedKey: string): Promise<boolean> {
    return this.#open().storedKeyIsLocked(storedKey);
  }

  async deleteStored(storedKey: string): Promise<void> {
    return this.#open().deleteStored(storedKey);
  }

  async invalidation(): Promise<InvalidationState> {
    const strategy = this.region.regionInvalidator;
    return { hard: strategy.wasHardInvalidated(), soft: strategy.wasSoftInvalidated(), at: strategy.invalidatedAt?.() };
  }

  close(): void {
    this.#closed = true;
  }

  #open(): CacheRegion {
    if (this.#closed) throw new WorkerUnavailableError('Region client unavailable: the client was closed.');
    return this.region;
  }

  #named<F>(table: Record<string, F>, name: string): F {
    if (!Object.hasOwn(table, name)) throw new UnknownCreatorError(`No creator named "${name}"; pass it to connectRegion({ creators }) for the in-page fallback.`);
    return table[name]!;
  }
}
