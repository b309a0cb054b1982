/**
 * The region API a page uses, whether the region lives in a SharedWorker, a
 * dedicated Worker, or (as a fallback) in the page itself. Its region
 * methods come from the table in methods.ts.
 *
 * @module
 */
import type { RegionListener, RegionStats } from '../events.js';
import type { RegionMethods } from './methods.js';

export type { ClientCreator, ClientMultiCreator } from './methods.js';
export type { InvalidationState, PeekedEntry } from './wire.js';

/**
 * Where the region lives:
 * - `'shared-worker'`: one SharedWorker for every tab of the origin (one cache, one creator per key across tabs);
 * - `'worker'`: a dedicated Worker of this page (creators off the main thread, one cache per tab);
 * - `'in-page'`: a region in this page;
 * - `'endpoint'`: whatever {@link wrapRegion} was given (a `MessagePort`, say).
 */
export type RegionClientMode = 'shared-worker' | 'worker' | 'in-page' | 'endpoint';

/**
 * A region as a page sees it. The region methods ({@link RegionMethods})
 * mirror `CacheRegion`'s and keep their semantics; values cross to the worker
 * by structured clone.
 */
export interface RegionClient extends RegionMethods {
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

  /** Subscribes to the region's events (forwarded from the worker while anyone listens). */
  subscribe(listener: RegionListener): () => void;
  /** The region's counters as last heard (updated with every event batch and `getStats`). */
  readonly stats: RegionStats;

  /** Disconnects; later calls fail with `WorkerUnavailableError`. */
  close(): void;
}
