/**
 * The fallback: a {@link RegionClient} over a region in the page itself, for
 * where workers are not available. Same API, made from the same table
 * (methods.ts), with the worker's side run in the page: nothing is copied,
 * and the page's creators are called directly.
 *
 * @module
 */
import type { RegionListener, RegionStats } from '../events.js';
import { CacheRegion } from '../region/region.js';
import { WorkerUnavailableError } from './errors.js';
import { defineMethods, serveMethod, type RegionMethods, type Sender, type WorkerSide } from './methods.js';
import { NamedCreators, type NamedCreator, type NamedMultiCreator } from './named-creators.js';
import { PageCreators } from './page-creators.js';
import type { RegionClient, RegionClientMode } from './region-client.js';

/** Options of {@link InPageRegionClient}. */
export interface InPageRegionClientOptions {
  /** Creators callable by name, as the worker's (share the module between worker and page). */
  creators?: Record<string, NamedCreator>;
  multiCreators?: Record<string, NamedMultiCreator>;
  /** What {@link RegionClient.modeReason} reports. */
  modeReason?: string;
}

// The region methods are defined on the prototype from the table (see the class's static block).
export interface InPageRegionClient extends RegionMethods {}

/** A {@link RegionClient} over a region in this page. */
export class InPageRegionClient implements RegionClient {
  static {
    defineMethods(this, (client: InPageRegionClient) => client.#sender);
  }

  readonly mode: RegionClientMode = 'in-page';
  readonly modeReason: string;
  readonly ready: Promise<void> = Promise.resolve();
  /** The region itself (the devtools inspector can register it directly). */
  readonly region: CacheRegion;
  readonly #sender: Sender;
  #closed = false;

  constructor(region: CacheRegion, options: InPageRegionClientOptions = {}) {
    if (!(region instanceof CacheRegion)) throw new TypeError('dogpile-cache: expected a CacheRegion (from makeRegion())');
    this.region = region;
    this.modeReason = options.modeReason ?? 'using a region in this page';
    const creators = new PageCreators();
    const named = new NamedCreators(
      options.creators,
      options.multiCreators,
      (name) => `No creator named "${name}"; pass it to connectRegion({ creators }) for the in-page fallback.`,
    );
    const page = (id: number) => creators.get(id);
    const side: WorkerSide = {
      region,
      creator: (ref, key) => ('name' in ref ? named.single(ref.name, key) : () => page(ref.id)!.fn!()),
      multiCreator: (ref) => ('name' in ref ? named.multi(ref.name) : (...keys) => page(ref.id)!.fn!(...keys) as unknown[]),
      shouldCache: (id) => async (value) => Boolean(await page(id)!.shouldCacheFn!(value)),
    };
    this.#sender = {
      side: {
        // The region itself is read for these: nothing to keep.
        hearInvalidation: () => {},
        hearStats: () => {},
        create: (method, creator, shouldCacheFn, keys, send) => creators.run(method, creator, shouldCacheFn, keys, send),
      },
      send: async (name, args) => {
        if (this.#closed) throw new WorkerUnavailableError('Region client unavailable: the client was closed.');
        return serveMethod(side, name, args);
      },
    };
  }

  /** The region's name. */
  get name(): string | undefined {
    return this.region.name;
  }

  /** The region's configured expiration time (ms). */
  get expirationTime(): number | undefined {
    return this.region.expirationTime;
  }

  /** Subscribes to the region's events. */
  subscribe(listener: RegionListener): () => void {
    return this.region.subscribe(listener);
  }

  /** The region's counters. */
  get stats(): RegionStats {
    return this.region.stats;
  }

  /** Later calls fail with `WorkerUnavailableError`. */
  close(): void {
    this.#closed = true;
  }
}
