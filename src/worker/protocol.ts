/**
 * What page and worker say to each other over comlink: the handshake, the
 * connection's own calls and the page's callbacks. The region methods are
 * declared in methods.ts, the values that travel in wire.ts.
 *
 * @module
 */
import type { RegionStats } from '../events.js';
import type { ForwardedApi } from './methods.js';
import type { WireEvent, WireInvalidation, WireResult } from './wire.js';

/**
 * Bumped when the messages change shape; a mismatch is refused at connect
 * time. 2: the region methods are named as the region's (`storedKeys`,
 * `getStats`).
 */
export const PROTOCOL_VERSION = 2;

/** What the page tells the worker when it connects. */
export interface ClientHello {
  protocol: number;
  /** Unique per client. */
  clientId: string;
  /** A Web Lock the client holds while it lives; the worker learns of its end when it gets the lock. */
  lifetimeLock?: string;
  /**
   * The heartbeat the client asks for where Web Locks cannot tell either side
   * of the other's end: the worker pings every `interval` ms, and each side
   * gives the other up after `timeout` ms without a ping or an answer.
   * Older workers ignore it (and answer without {@link HostInfo.heartbeat}).
   */
  heartbeat?: Heartbeat;
}

/** Heartbeat timing, ms. */
export interface Heartbeat {
  interval: number;
  timeout: number;
}

/** What the worker answers. */
export interface HostInfo {
  protocol: number;
  /** Unique per hosting worker. */
  hostId: string;
  /** A Web Lock the worker holds while it lives. */
  lifetimeLock?: string;
  /** Present when the worker pings this client (Web Locks missing on either side): the timing it uses. */
  heartbeat?: Heartbeat;
  /** The region's name. */
  name: string | undefined;
  /** The region's configured expiration time (ms). */
  expirationTime: number | undefined;
  /** The class name of the region's innermost backend. */
  backend: string | undefined;
  /** Names of the creators the worker was given. */
  creators: string[];
  /** Names of the multi-key creators the worker was given. */
  multiCreators: string[];
  stats: RegionStats;
  invalidation: WireInvalidation;
}

/** The connection's own calls, beside the forwarded region methods. */
export interface SessionApi {
  hello(client: ClientHello, callbacks: MessagePort): Promise<WireResult<HostInfo>>;
  /** Starts (`true`) or stops forwarding the region's events to this client. */
  watchEvents(on: boolean): Promise<WireResult<void>>;
  /** The client is leaving. */
  bye(): Promise<WireResult<void>>;
}

/** The worker side of one connection. Every method resolves (never rejects) with a {@link WireResult}. */
export type HostApi = SessionApi & ForwardedApi;

/** The page side of one connection: what the worker calls back. */
export interface ClientCallbacks {
  /** Runs the page's creator `id` for `keys`. */
  create(id: number, keys: string[]): Promise<WireResult<unknown>>;
  /** Runs the page's `shouldCacheFn` registered with creator `id`. */
  shouldCache(id: number, value: unknown): Promise<WireResult<boolean>>;
  /** Which value the creator `id` made last cannot be cloned, and why (asked after a failed copy). */
  findUncloneable(id: number): Promise<{ key: string; message: string } | undefined>;
  /** The worker's heartbeat (see {@link ClientHello.heartbeat}): answers at once. */
  ping(): true;
  /** A batch of region events, and the counters and invalidation state after them. */
  events(batch: WireEvent[], stats: RegionStats, invalidation: WireInvalidation): void;
}
