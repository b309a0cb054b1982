/**
 * The worker side: serves one region to every page that connects, over
 * comlink (each connection is a {@link HostSession}). In a SharedWorker that
 * is every tab of the origin, so there is one memory tier and one dogpile
 * lock for all of them.
 *
 * @module
 */
import { expose } from 'comlink';
import { CacheRegion } from '../region/region.js';
import { randomId } from '../origin.js';
import { checkCloneable } from './clone-errors.js';
import { isConnectingScope, type Endpoint } from './endpoint.js';
import { CreatorGoneError } from './errors.js';
import { holdLifetimeLock, type HeldLock } from './lifetime-lock.js';
import { NamedCreators, type NamedCreator, type NamedMultiCreator } from './named-creators.js';
import { PROTOCOL_VERSION, type HostInfo } from './protocol.js';
import { HostSession, type SessionHost } from './session.js';
import { invalidation } from './wire.js';

export type { NamedCreator, NamedMultiCreator } from './named-creators.js';

/** Options of {@link exposeRegion}. */
export interface ExposeRegionOptions {
  /**
   * Creators that run in the worker, by name. A page calls
   * `client.getOrCreate(key, 'name')`; the value never crosses to the page
   * unless asked for, and no page has to stay open while it is made.
   * `getOrCreateMulti(keys, 'name')` calls a single-key creator once per key.
   */
  creators?: Record<string, NamedCreator>;
  /** Multi-key creators that run in the worker, for `getOrCreateMulti(keys, 'name')`. */
  multiCreators?: Record<string, NamedMultiCreator>;
  /**
   * A connection whose page has not said hello after this many ms is closed
   * (default 10 000): a page that died while connecting leaves nothing behind.
   */
  handshakeTimeout?: number;
}

const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;

/**
 * Serves a region to pages. Made by {@link exposeRegion}; useful directly to
 * serve extra endpoints ({@link RegionHost.serve}) or to look at connections.
 */
export class RegionHost implements SessionHost {
  /** The region every connection uses. */
  readonly region: CacheRegion;
  /** Unique id of this host (per worker). */
  readonly hostId = randomId();
  /** @internal */
  readonly named: NamedCreators;
  readonly #lock: Promise<HeldLock | undefined>;
  readonly #sessions = new Set<HostSession>();
  /** @internal */
  readonly handshakeTimeout: number;
  #closed = false;

  constructor(region: CacheRegion, options: ExposeRegionOptions = {}) {
    if (!(region instanceof CacheRegion)) throw new TypeError('dogpile-cache: exposeRegion expects a CacheRegion (from makeRegion())');
    if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: exposeRegion options must be an object');
    this.region = region;
    this.named = new NamedCreators(
      checkCreators(options.creators, 'creators') as Record<string, NamedCreator>,
      checkCreators(options.multiCreators, 'multiCreators') as Record<string, NamedMultiCreator>,
      (name, multi) => `The worker has no creator named "${name}"; pass it to exposeRegion({ creators })${multi ? ' or ({ multiCreators })' : ''}.`,
      checkCloneable,
    );
    const handshake = options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
    if (typeof handshake !== 'number' || !(handshake > 0)) throw new TypeError('dogpile-cache: handshakeTimeout must be a number of ms > 0');
    this.handshakeTimeout = handshake;
    // Held for the worker's whole life: pages learn that it died when they get it.
    this.#lock = holdLifetimeLock(`dogpile-cache:worker-host:${this.hostId}`).catch(() => undefined);
  }

  /**
   * Serves one connection: a `MessagePort` (one SharedWorker client), a
   * dedicated worker's global scope, or any comlink endpoint. Returns the
   * function that ends it.
   */
  serve(endpoint: Endpoint): () => void {
    if (this.#closed) throw new CreatorGoneError('this region host is closed');
    const session = new HostSession(this, endpoint, () => this.#sessions.delete(session));
    this.#sessions.add(session);
    expose(session.api, endpoint);
    return () => session.end('the host ended the connection');
  }

  /** Number of open connections, counting those whose page has not said hello yet. */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** Number of connected clients (that said hello and have not left). */
  get connections(): number {
    return [...this.#sessions].filter((session) => session.connected).length;
  }

  /** Number of clients the region's events are forwarded to now. */
  get eventWatchers(): number {
    return [...this.#sessions].filter((session) => session.watching).length;
  }

  /** Ends every connection and gives up the host's lifetime lock. */
  close(): void {
    this.#closed = true;
    for (const session of [...this.#sessions]) session.end('the host was closed');
    void this.#lock.then((lock) => lock?.release());
  }

  /** @internal */
  async info(): Promise<HostInfo> {
    const lock = await this.#lock;
    const region = this.region;
    return {
      protocol: PROTOCOL_VERSION,
      hostId: this.hostId,
      ...(lock ? { lifetimeLock: lock.name } : {}),
      name: region.name,
      expirationTime: region.expirationTime,
      backend: region.isConfigured ? region.actualBackend.label : undefined,
      creators: this.named.singleNames,
      multiCreators: this.named.multiNames,
      stats: region.stats,
      invalidation: invalidation.to(region),
    };
  }
}

/**
 * Serves `region` to pages over comlink. Call it at the top level of the
 * worker script (a SharedWorker's first `connect` event fires once the script
 * has run):
 *
 * ```ts
 * // cache-worker.ts
 * const region = makeRegion({ name: 'api' }).configure('memory', { expirationTime: 60_000 });
 * exposeRegion(region, self, { creators: { user: (key) => fetchUser(key) } });
 * ```
 *
 * `endpoint` is the worker's global scope (default `globalThis`): in a
 * SharedWorker every connecting page is served; in a dedicated Worker the
 * page that started it. A `MessagePort` serves that port.
 */
export function exposeRegion(region: CacheRegion, endpoint: unknown = globalThis, options: ExposeRegionOptions = {}): RegionHost {
  const host = new RegionHost(region, options);
  if (isConnectingScope(endpoint)) {
    endpoint.addEventListener('connect', (event) => {
      const port = event.ports[0];
      if (port) host.serve(port);
    });
  } else if (endpoint && typeof (endpoint as Endpoint).postMessage === 'function' && typeof (endpoint as Endpoint).addEventListener === 'function') {
    host.serve(endpoint as Endpoint);
  } else {
    throw new TypeError('dogpile-cache: exposeRegion expects a worker global scope, a MessagePort or a comlink endpoint');
  }
  return host;
}

function checkCreators(creators: unknown, name: string): Record<string, unknown> {
  if (creators === undefined) return {};
  if (creators === null || typeof creators !== 'object') throw new TypeError(`dogpile-cache: exposeRegion ${name} must be an object of functions`);
  for (const [key, fn] of Object.entries(creators)) {
    if (typeof fn !== 'function') throw new TypeError(`dogpile-cache: exposeRegion ${name}.${key} must be a function`);
  }
  return { ...creators };
}
