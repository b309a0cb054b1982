/**
 * Lets the devtools inspector see a region that lives in a worker. The
 * inspector reads regions through a small part of `CacheRegion` (name,
 * counters, events, backend, invalidation strategy, and inspection by stored
 * key); this view offers that part in the page, answered by the worker
 * through the client. Synchronous members (counters, invalidation state)
 * show what the page last heard: they are refreshed with every event batch,
 * which flows while the inspector listens, i.e. while a panel is attached.
 *
 * @module
 */
import type { RegionInvalidationStrategy } from '../api.js';
import type { RegionListener, RegionStats } from '../events.js';
import { registerRegion } from '../devtools/hook.js';
import type { InspectableRegion } from '../devtools/inspectable.js';
import type { WorkerRegionClient } from './client.js';
import { InPageRegionClient } from './in-page-client.js';
import type { PeekedEntry, RegionClient } from './region-client.js';

/** The region-shaped view of a worker-hosted region that the devtools inspector reads. */
export class WorkerRegionView implements InspectableRegion {
  readonly #client: WorkerRegionClient;
  readonly #invalidator: RegionInvalidationStrategy;

  constructor(client: WorkerRegionClient) {
    this.#client = client;
    const state = () => client.invalidationState;
    const before = (ts: number) => {
      const at = state().at;
      return at !== undefined && ts < at;
    };
    this.#invalidator = {
      invalidate: (hard) => client.invalidate(hard),
      isInvalidated: (ts) => before(ts),
      isHardInvalidated: (ts) => state().hard && before(ts),
      isSoftInvalidated: (ts) => state().soft && before(ts),
      wasHardInvalidated: () => state().hard,
      wasSoftInvalidated: () => state().soft,
      invalidatedAt: () => state().at,
    };
  }

  get name(): string | undefined {
    return this.#client.name;
  }

  get expirationTime(): number | undefined {
    return this.#client.expirationTime;
  }

  get isConfigured(): boolean {
    return this.#client.backendName !== undefined;
  }

  get stats(): RegionStats {
    return this.#client.stats;
  }

  /** The worker connection, then the worker region's backend. */
  get backendLabels(): string[] {
    const mode = this.#client.mode;
    return [mode === 'shared-worker' ? 'SharedWorker' : mode === 'worker' ? 'Worker' : 'MessagePort', this.#client.backendName ?? 'unknown'];
  }

  /** The worker region's invalidation state, as last heard. */
  get regionInvalidator(): RegionInvalidationStrategy {
    return this.#invalidator;
  }

  subscribe(listener: RegionListener): () => void {
    const unsubscribe = this.#client.subscribe(listener);
    // Whoever starts listening gets current counters and invalidation state soon after.
    void this.#client.getStats().catch(() => {});
    void this.#client.invalidation().catch(() => {});
    return unsubscribe;
  }

  invalidate(hard?: boolean): Promise<void> {
    return this.#client.invalidate(hard);
  }

  keyIsLocked(key: string): Promise<boolean> {
    return this.#client.keyIsLocked(key);
  }

  /** The worker region's stored keys (see `CacheRegion.storedKeys`). */
  storedKeys(): Promise<string[] | undefined> {
    return this.#client.storedKeys();
  }

  peekStored(storedKey: string): Promise<PeekedEntry> {
    return this.#client.peekStored(storedKey);
  }

  storedKeyIsLocked(storedKey: string): Promise<boolean> {
    return this.#client.storedKeyIsLocked(storedKey);
  }

  deleteStored(storedKey: string): Promise<void> {
    return this.#client.deleteStored(storedKey);
  }
}

/**
 * Registers a {@link RegionClient}'s region with the devtools inspector
 * (through its global queue, so `dogpile-cache/devtools` may load before or
 * after). A worker-hosted region is seen through a {@link WorkerRegionView};
 * an in-page fallback region is registered as itself. Start the inspector as
 * usual (`inspect()` from `dogpile-cache/devtools`). Returns the function
 * that unregisters it.
 */
export function registerClientWithDevtools(client: RegionClient): () => void {
  return registerRegion(client instanceof InPageRegionClient ? client.region : new WorkerRegionView(client as WorkerRegionClient));
}
