/**
 * What page and worker say to each other over comlink. Every value here
 * survives structured clone: no symbols (`NO_VALUE` travels as `found:
 * false`), no class instances (`CachedValue` travels as payload + metadata),
 * errors as {@link WireError}s.
 *
 * @module
 */
import type { CachedValueMetadata } from '../api.js';
import type { RegionStats } from '../events.js';
import type { WireError } from './wire-error.js';

/** Bumped when the messages change shape; a mismatch is refused at connect time. */
export const PROTOCOL_VERSION = 1;

/** Either a result or the error that replaced it. */
export type WireResult<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** Which creator makes a value: one registered by the page (`id`), or one the worker was given (`name`). */
export type CreatorRef = { id: number } | { name: string };

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

/** Options of a read that cross the wire. */
export interface WireGetOptions {
  expirationTime?: number;
  ignoreExpiration?: boolean;
}

/** Options of a get-or-create that cross the wire; `shouldCache` names a page-side predicate. */
export interface WireCreateOptions {
  expirationTime?: number;
  /** Id under which the page registered its `shouldCacheFn` (see {@link ClientCallbacks.shouldCache}). */
  shouldCache?: number;
}

/** A found value, or not. */
export type WireFound = { found: false } | { found: true; value: unknown };

/** A stored entry: `CachedValue` taken apart. */
export interface WireCachedValue {
  payload: unknown;
  metadata: CachedValueMetadata;
}

/** What is stored under a key, as `CacheRegion.peekStored` sees it. */
export interface WirePeek {
  /** `'none'`: nothing stored; `'value'`: a CachedValue; `'data'`: serialized data. */
  raw: { kind: 'none' } | { kind: 'value'; value: WireCachedValue } | { kind: 'data'; data: string | Uint8Array };
  value: WireCachedValue | undefined;
}

/** The state of the region's invalidation, for inspection. */
export interface WireInvalidation {
  hard: boolean;
  soft: boolean;
  at: number | undefined;
}

/** A region event whose `error` (if any) travels as a {@link WireError}. */
export type WireEvent = Record<string, unknown> & { type: string };

/** The worker side of one connection. Every method resolves (never rejects) with a {@link WireResult}. */
export interface HostApi {
  hello(client: ClientHello, callbacks: MessagePort): Promise<WireResult<HostInfo>>;
  get(key: string, options: WireGetOptions): Promise<WireResult<WireFound>>;
  getMulti(keys: string[], options: WireGetOptions): Promise<WireResult<WireFound[]>>;
  getValueMetadata(key: string, options: WireGetOptions): Promise<WireResult<WireCachedValue | undefined>>;
  getOrCreate(key: string, creator: CreatorRef, options: WireCreateOptions): Promise<WireResult<unknown>>;
  getOrCreateMulti(keys: string[], creator: CreatorRef, options: WireCreateOptions): Promise<WireResult<unknown[]>>;
  set(key: string, value: unknown): Promise<WireResult<void>>;
  setMulti(entries: Array<[string, unknown]>): Promise<WireResult<void>>;
  delete(key: string): Promise<WireResult<void>>;
  deleteMulti(keys: string[]): Promise<WireResult<void>>;
  /** Invalidates; answers the invalidation state after it. */
  invalidate(hard: boolean): Promise<WireResult<WireInvalidation>>;
  keyIsLocked(key: string): Promise<WireResult<boolean>>;
  stats(): Promise<WireResult<RegionStats>>;
  resetStats(): Promise<WireResult<void>>;
  keys(): Promise<WireResult<string[] | undefined>>;
  peekStored(storedKey: string): Promise<WireResult<WirePeek>>;
  storedKeyIsLocked(storedKey: string): Promise<WireResult<boolean>>;
  deleteStored(storedKey: string): Promise<WireResult<void>>;
  invalidation(): Promise<WireResult<WireInvalidation>>;
  /** Starts (`true`) or stops forwarding the region's events to this client. */
  watchEvents(on: boolean): Promise<WireResult<void>>;
  /** The client is leaving. */
  bye(): Promise<WireResult<void>>;
}

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
