/**
 * Choosing where the region lives: a SharedWorker when the browser has one,
 * else a dedicated Worker, else the page itself; the client says which.
 *
 * @module
 */
import type { CacheRegion } from '../region/region.js';
import { WorkerRegionClient, type WrapRegionOptions } from './client.js';
import { WorkerUnavailableError, withoutFinalStop } from './errors.js';
import type { NamedCreator, NamedMultiCreator } from './host.js';
import { InPageRegionClient } from './in-page-client.js';
import type { RegionClient } from './region-client.js';
import type { SharedWorkerLike } from './shared-worker-like.js';

/** Options of {@link connectRegion}. */
export interface ConnectRegionOptions {
  /**
   * Starts (or joins) the SharedWorker that hosts the region, e.g.
   * `() => new SharedWorker(new URL('./cache-worker.ts', import.meta.url), { type: 'module' })`.
   * Write the `new SharedWorker(new URL(...))` literally so bundlers see the worker.
   */
  sharedWorker?: () => SharedWorkerLike;
  /** Starts a dedicated Worker running the same script, where SharedWorker is missing or fails. */
  worker?: () => Worker;
  /** Makes an in-page region, where workers are missing or fail. */
  inPage?: () => CacheRegion;
  /** Named creators for the in-page fallback (the worker's own come from `exposeRegion`). */
  creators?: Record<string, NamedCreator>;
  /** Named multi-key creators for the in-page fallback. */
  multiCreators?: Record<string, NamedMultiCreator>;
  /** Give up on a worker after this many ms without an answer (default 10 000), and try the next option. */
  connectTimeout?: number;
  /** Replace a lost worker on the next call (default true). */
  reconnect?: boolean;
  /** Heartbeat period where Web Locks are missing (see {@link WrapRegionOptions.heartbeatInterval}). */
  heartbeatInterval?: number;
  /** Heartbeat silence that ends a connection (see {@link WrapRegionOptions.heartbeatTimeout}). */
  heartbeatTimeout?: number;
}

/**
 * Connects to a region hosted in a SharedWorker (one cache and one creator
 * per key for every tab), falling back to a dedicated Worker, then to an
 * in-page region. `client.mode` and `client.modeReason` say which was chosen
 * and why. Rejects with {@link WorkerUnavailableError} when no option works.
 */
export async function connectRegion(options: ConnectRegionOptions): Promise<RegionClient> {
  if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: connectRegion expects options');
  const { sharedWorker, worker, inPage } = options;
  for (const [name, value] of Object.entries({ sharedWorker, worker, inPage })) {
    if (value !== undefined && typeof value !== 'function') throw new TypeError(`dogpile-cache: connectRegion ${name} must be a function`);
  }
  if (!sharedWorker && !worker && !inPage) throw new TypeError('dogpile-cache: connectRegion needs at least one of sharedWorker, worker, inPage');
  const reasons: string[] = [];
  const common: WrapRegionOptions = {
    reconnect: options.reconnect ?? true,
    ...(options.connectTimeout === undefined ? {} : { connectTimeout: options.connectTimeout }),
    ...(options.heartbeatInterval === undefined ? {} : { heartbeatInterval: options.heartbeatInterval }),
    ...(options.heartbeatTimeout === undefined ? {} : { heartbeatTimeout: options.heartbeatTimeout }),
  };

  if (sharedWorker) {
    if (typeof SharedWorker !== 'function') reasons.push('SharedWorker is not available here');
    else {
      const client = new WorkerRegionClient(sharedWorker, { ...common, mode: 'shared-worker', modeReason: 'a SharedWorker hosts one region for every tab of this origin' });
      const failure = await attempt(client);
      if (!failure) return client;
      reasons.push(`the SharedWorker failed: ${withoutFinalStop(failure)}`);
    }
  }
  if (worker) {
    if (typeof Worker !== 'function') reasons.push('Worker is not available here');
    else {
      const why = `${reasons.length ? `${reasons.join('; ')}; ` : ''}a dedicated Worker hosts the region for this tab only`;
      const client = new WorkerRegionClient(worker, { ...common, mode: 'worker', modeReason: why });
      const failure = await attempt(client);
      if (!failure) return client;
      reasons.push(`the Worker failed: ${withoutFinalStop(failure)}`);
    }
  }
  if (inPage) {
    const why = `${reasons.length ? `${reasons.join('; ')}; ` : ''}the region lives in this page`;
    return new InPageRegionClient(inPage(), { creators: options.creators, multiCreators: options.multiCreators, modeReason: why });
  }
  throw new WorkerUnavailableError(`Could not host the region: ${reasons.join('; ')}.`);
}

/** Waits for the client to connect; returns why it failed, if it did. */
async function attempt(client: WorkerRegionClient): Promise<string | undefined> {
  try {
    await client.ready;
    return undefined;
  } catch (error) {
    client.close();
    return error instanceof Error ? error.message : String(error);
  }
}
