/**
 * The worker side: serves one region to every page that connects, over
 * comlink. In a SharedWorker that is every tab of the origin, so there is one
 * memory tier and one dogpile lock for all of them.
 *
 * @module
 */
import { expose, wrap, type Remote } from 'comlink';
import { CachedValue, NO_VALUE, type NoValue, type StoredValue } from '../api.js';
import type { RegionEvent } from '../events.js';
import { CacheRegion, type MaybePromise } from '../region/region.js';
import { isConnectingScope, isMessagePort, onEndpointClose, type Endpoint } from './endpoint.js';
import { CreatorGoneError, UnknownCreatorError, ValueNotCloneableError } from './errors.js';
import { clampHeartbeat, watchSilence, type SilenceWatch } from './heartbeat.js';
import { holdLifetimeLock, watchLifetimeLock, type HeldLock } from './lifetime-lock.js';
import { randomId } from '../origin.js';
import {
  PROTOCOL_VERSION,
  type ClientCallbacks,
  type ClientHello,
  type CreatorRef,
  type HostApi,
  type HostInfo,
  type WireCachedValue,
  type WireCreateOptions,
  type WireEvent,
  type WireGetOptions,
  type WireInvalidation,
  type WirePeek,
  type WireResult,
} from './protocol.js';
import { fromWireError, isDataCloneError, toWireError } from './wire-error.js';

/** A creator the worker runs itself, by name: `getOrCreate(key, 'name')` calls it with the key. */
export type NamedCreator = (key: string) => MaybePromise<unknown>;
/** A multi-key creator the worker runs itself: called with the missing keys, returns their values in order. */
export type NamedMultiCreator = (...keys: string[]) => MaybePromise<readonly unknown[]>;

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

/** comlink's answer when a return value could not be posted. */
const UNSERIALIZABLE = 'Unserializable return value';

/**
 * Serves a region to pages. Made by {@link exposeRegion}; useful directly to
 * serve extra endpoints ({@link RegionHost.serve}) or to look at connections.
 */
export class RegionHost {
  /** The region every connection uses. */
  readonly region: CacheRegion;
  /** Unique id of this host (per worker). */
  readonly hostId = randomId();
  readonly #creators: Record<string, NamedCreator>;
  readonly #multiCreators: Record<string, NamedMultiCreator>;
  readonly #lock: Promise<HeldLock | undefined>;
  readonly #sessions = new Set<HostSession>();
  /** @internal */
  readonly handshakeTimeout: number;
  #closed = false;

  constructor(region: CacheRegion, options: ExposeRegionOptions = {}) {
    if (!(region instanceof CacheRegion)) throw new TypeError('dogpile-cache: exposeRegion expects a CacheRegion (from makeRegion())');
    if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: exposeRegion options must be an object');
    this.region = region;
    this.#creators = checkCreators(options.creators, 'creators') as Record<string, NamedCreator>;
    this.#multiCreators = checkCreators(options.multiCreators, 'multiCreators') as Record<string, NamedMultiCreator>;
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
  namedCreator(name: string): NamedCreator | undefined {
    return Object.hasOwn(this.#creators, name) ? this.#creators[name] : undefined;
  }

  /** @internal */
  namedMultiCreator(name: string): NamedMultiCreator | undefined {
    return Object.hasOwn(this.#multiCreators, name) ? this.#multiCreators[name] : undefined;
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
      creators: Object.keys(this.#creators),
      multiCreators: Object.keys(this.#multiCreators),
      stats: region.stats,
      invalidation: invalidationOf(region),
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

/** One connected page. */
class HostSession {
  readonly api: HostApi;
  readonly #host: RegionHost;
  readonly #endpoint: Endpoint;
  readonly #onEnd: () => void;
  #callbacks: Remote<ClientCallbacks> | undefined;
  #callbacksPort: MessagePort | undefined;
  #clientId: string | undefined;
  #gone: Promise<never> | undefined;
  #goneError: Error | undefined;
  #markGone: ((error: Error) => void) | undefined;
  #cleanups: Array<() => void> = [];
  #unsubscribeEvents: (() => void) | undefined;
  #batch: WireEvent[] = [];
  #flushScheduled = false;
  #ended = false;
  #silence: SilenceWatch | undefined;

  constructor(host: RegionHost, endpoint: Endpoint, onEnd: () => void) {
    this.#host = host;
    this.#endpoint = endpoint;
    this.#onEnd = onEnd;
    const region = host.region;
    const run = <T>(work: () => MaybePromise<T>): Promise<WireResult<T>> => this.#run(work);
    this.#cleanups.push(onEndpointClose(endpoint, () => this.end('the page closed its connection')));
    // A page that dies before its hello sends nothing more: do not keep its port forever. (A dedicated
    // worker's scope is not dropped: its one page may connect late, and the worker ends with it.)
    if (isMessagePort(endpoint)) {
      const handshake = setTimeout(() => {
        if (this.#clientId === undefined) this.end(`no hello within ${host.handshakeTimeout} ms`);
      }, host.handshakeTimeout);
      (handshake as { unref?: () => void }).unref?.();
      this.#cleanups.push(() => clearTimeout(handshake));
    }
    // A plain object: comlink can reach these methods and nothing else.
    this.api = {
      hello: (client, callbacks) => run(() => this.#hello(client, callbacks)),
      get: (key, options) =>
        run(async () => {
          const value = await region.get(key, readOptions(options));
          return value === NO_VALUE ? { found: false as const } : { found: true as const, value };
        }),
      getMulti: (keys, options) =>
        run(async () => (await region.getMulti(keys, readOptions(options))).map((value) => (value === NO_VALUE ? { found: false as const } : { found: true as const, value }))),
      getValueMetadata: (key, options) =>
        run(async () => {
          const value = await region.getValueMetadata(key, readOptions(options));
          return value === undefined ? undefined : takeApart(value);
        }),
      getOrCreate: (key, creator, options) =>
        run(() =>
          region.getOrCreate(key, this.#creatorFor(creator, key), {
            ...createOptions(options),
            ...this.#shouldCacheOption(options),
          }),
        ),
      getOrCreateMulti: (keys, creator, options) =>
        run(() =>
          region.getOrCreateMulti(keys, this.#multiCreatorFor(creator), {
            ...createOptions(options),
            ...this.#shouldCacheOption(options),
          }),
        ),
      set: (key, value) => run(() => region.set(key, value)),
      setMulti: (entries) => run(() => region.setMulti(new Map(entries))),
      delete: (key) => run(() => region.delete(key)),
      deleteMulti: (keys) => run(() => region.deleteMulti(keys)),
      invalidate: (hard) =>
        run(async () => {
          await region.invalidate(hard);
          return invalidationOf(region);
        }),
      keyIsLocked: (key) => run(() => region.keyIsLocked(key)),
      stats: () => run(() => region.stats),
      resetStats: () => run(() => region.resetStats()),
      keys: () => run(() => region.storedKeys()),
      peekStored: (storedKey) => run(async () => peekToWire(await region.peekStored(storedKey))),
      storedKeyIsLocked: (storedKey) => run(() => region.storedKeyIsLocked(storedKey)),
      deleteStored: (storedKey) => run(() => region.deleteStored(storedKey)),
      invalidation: () => run(() => invalidationOf(region)),
      watchEvents: (on) => run(() => this.#watch(Boolean(on))),
      bye: () =>
        run(() => {
          // After the answer is posted: the port closes with the session.
          setTimeout(() => this.end('the page disconnected'), 0);
        }),
    };
  }

  /** Whether a page said hello and has not left. */
  get connected(): boolean {
    return this.#callbacks !== undefined && this.#goneError === undefined;
  }

  /** Whether events are forwarded to this page. */
  get watching(): boolean {
    return this.#unsubscribeEvents !== undefined;
  }

  /** Ends the session: the page's running creators fail with {@link CreatorGoneError}, so waiters retry. */
  end(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    if (!this.#goneError) {
      const error = new CreatorGoneError(`The page that was creating the value left (${reason}); waiting callers retry.`);
      this.#goneError = error;
      this.#markGone?.(error);
    }
    this.#stopWatching();
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.#callbacksPort?.close();
    this.#callbacksPort = undefined;
    // A port belongs to this one page; a dedicated worker's scope is left open.
    if (isMessagePort(this.#endpoint)) this.#endpoint.close();
    this.#onEnd();
  }

  async #run<T>(work: () => MaybePromise<T>): Promise<WireResult<T>> {
    // Any call is a sign of life, as good as an answered ping.
    this.#silence?.heard();
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      return { ok: false, error: toWireError(error) };
    }
  }

  async #hello(client: ClientHello, port: MessagePort): Promise<HostInfo> {
    if (!client || client.protocol !== PROTOCOL_VERSION) {
      port?.close?.();
      throw new TypeError(`dogpile-cache: the page speaks worker protocol ${String(client?.protocol)}, this worker speaks ${PROTOCOL_VERSION}; load the same library version in both`);
    }
    if (this.#goneError) throw this.#goneError;
    if (this.#clientId !== undefined) throw new TypeError('dogpile-cache: this connection already said hello');
    this.#clientId = String(client.clientId);
    this.#callbacksPort = port;
    this.#callbacks = wrap<ClientCallbacks>(port as unknown as Endpoint);
    this.#gone = new Promise<never>((_, reject) => (this.#markGone = reject));
    this.#gone.catch(() => {});
    this.#cleanups.push(onEndpointClose(port as unknown as Endpoint, () => this.end('the page closed its connection')));
    if (typeof client.lifetimeLock === 'string') {
      this.#cleanups.push(watchLifetimeLock(client.lifetimeLock, () => this.end('the page was closed')));
    }
    const info = await this.#host.info();
    // Web Locks tell both sides of the other's end only where both have them; elsewhere, ping.
    const heartbeat = clampHeartbeat(client.heartbeat);
    if (heartbeat && (typeof client.lifetimeLock !== 'string' || !info.lifetimeLock) && !this.#ended) {
      const callbacks = this.#callbacks;
      // Pinging tells the page this worker lives; a silent page is dropped only where it has a port of its
      // own (a dedicated worker ends with its page anyway, and must not refuse it after a long pause).
      const watch = watchSilence(
        heartbeat,
        isMessagePort(this.#endpoint) ? () => this.end(`the page stopped answering (no heartbeat for ${heartbeat.timeout} ms)`) : undefined,
        () => {
          callbacks.ping().then(
            () => watch.heard(),
            () => {},
          );
        },
      );
      this.#silence = watch;
      this.#cleanups.push(() => watch.stop());
      return { ...info, heartbeat };
    }
    return info;
  }

  #creatorFor(ref: CreatorRef, key: string): () => Promise<unknown> {
    if (ref && 'name' in ref) {
      const named = this.#host.namedCreator(ref.name);
      if (!named) throw new UnknownCreatorError(`The worker has no creator named "${ref.name}"; pass it to exposeRegion({ creators }).`);
      return async () => checkCloneable([key], [await named(key)])[0];
    }
    return async () => (await this.#remoteCreate(ref.id, [key]))[0];
  }

  #multiCreatorFor(ref: CreatorRef): (...keys: string[]) => Promise<unknown[]> {
    if (ref && 'name' in ref) {
      const multi = this.#host.namedMultiCreator(ref.name);
      const single = this.#host.namedCreator(ref.name);
      if (multi) {
        return async (...keys) => {
          const values = await multi(...keys);
          if (!Array.isArray(values)) throw new TypeError(`dogpile-cache: multi creator "${ref.name}" must return an array`);
          return checkCloneable(keys, values);
        };
      }
      if (single) return async (...keys) => checkCloneable(keys, await Promise.all(keys.map((key) => single(key))));
      throw new UnknownCreatorError(`The worker has no creator named "${ref.name}"; pass it to exposeRegion({ creators }) or ({ multiCreators }).`);
    }
    return async (...keys) => {
      const values = await this.#remoteCreate(ref.id, keys, true);
      return values as unknown[];
    };
  }

  /** Runs the page's creator; fails with {@link CreatorGoneError} if the page leaves first. */
  async #remoteCreate(id: number, keys: string[], multi = false): Promise<unknown[]> {
    const callbacks = this.#callbacks;
    if (!callbacks || this.#goneError) throw this.#goneError ?? new CreatorGoneError('The page that owns this creator is not connected.');
    let result: WireResult<unknown>;
    try {
      result = await Promise.race([callbacks.create(id, keys), this.#gone!]);
    } catch (error) {
      if (isUnserializable(error)) throw await this.#notCloneable(callbacks, id, keys);
      throw error;
    }
    if (!result.ok) throw fromWireError(result.error);
    return multi ? (result.value as unknown[]) : [result.value];
  }

  async #notCloneable(callbacks: Remote<ClientCallbacks>, id: number, keys: string[]): Promise<ValueNotCloneableError> {
    // Ask the page which value it was: it still holds what the creator returned.
    let key: string | undefined = keys.length === 1 ? keys[0] : undefined;
    let detail = '';
    try {
      const found = await Promise.race([callbacks.findUncloneable(id), this.#gone!]);
      if (found) {
        key = found.key;
        detail = `: ${found.message}`;
      }
    } catch {
      // The page left meanwhile; report what is known.
    }
    const which = key !== undefined ? `key "${key}"` : `one of the keys ${keys.map((k) => `"${k}"`).join(', ')}`;
    return new ValueNotCloneableError(`The value created for ${which} cannot be copied between page and worker by structured clone${detail}`, key === undefined ? {} : { key });
  }

  #shouldCacheOption(options: WireCreateOptions | undefined): { shouldCacheFn?: (value: unknown) => Promise<boolean> } {
    const id = options?.shouldCache;
    return typeof id === 'number' ? { shouldCacheFn: (value) => this.#shouldCache(id, value) } : {};
  }

  async #shouldCache(id: number, value: unknown): Promise<boolean> {
    const callbacks = this.#callbacks;
    if (!callbacks || this.#goneError) throw this.#goneError ?? new CreatorGoneError('The page that owns this shouldCacheFn is not connected.');
    const result = await Promise.race([callbacks.shouldCache(id, value), this.#gone!]);
    if (!result.ok) throw fromWireError(result.error);
    return result.value;
  }

  #watch(on: boolean): void {
    if (this.#goneError) return;
    if (on && !this.#unsubscribeEvents) {
      this.#unsubscribeEvents = this.#host.region.subscribe((event) => this.#queue(event));
    } else if (!on) {
      this.#stopWatching();
    }
  }

  #stopWatching(): void {
    this.#unsubscribeEvents?.();
    this.#unsubscribeEvents = undefined;
    this.#batch = [];
  }

  #queue(event: RegionEvent): void {
    this.#batch.push(eventToWire(event));
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // One message per task, however many events the task produced.
    setTimeout(() => {
      this.#flushScheduled = false;
      const batch = this.#batch;
      this.#batch = [];
      const callbacks = this.#callbacks;
      if (!batch.length || !callbacks || this.#goneError) return;
      const region = this.#host.region;
      callbacks.events(batch, region.stats, invalidationOf(region)).catch(() => {});
    }, 0);
  }
}

function checkCreators(creators: unknown, name: string): Record<string, unknown> {
  if (creators === undefined) return {};
  if (creators === null || typeof creators !== 'object') throw new TypeError(`dogpile-cache: exposeRegion ${name} must be an object of functions`);
  for (const [key, fn] of Object.entries(creators)) {
    if (typeof fn !== 'function') throw new TypeError(`dogpile-cache: exposeRegion ${name}.${key} must be a function`);
  }
  return { ...creators };
}

function readOptions(options: WireGetOptions | undefined): WireGetOptions {
  const out: WireGetOptions = {};
  if (options?.expirationTime !== undefined) out.expirationTime = options.expirationTime;
  if (options?.ignoreExpiration !== undefined) out.ignoreExpiration = options.ignoreExpiration;
  return out;
}

function createOptions(options: WireCreateOptions | undefined): { expirationTime?: number } {
  return options?.expirationTime === undefined ? {} : { expirationTime: options.expirationTime };
}

function takeApart(value: CachedValue): WireCachedValue {
  return { payload: value.payload, metadata: { ...value.metadata } };
}

function peekToWire(peek: { raw: StoredValue | NoValue; value: CachedValue | undefined }): WirePeek {
  const { raw, value } = peek;
  return {
    raw: raw === NO_VALUE ? { kind: 'none' } : raw instanceof CachedValue ? { kind: 'value', value: takeApart(raw) } : { kind: 'data', data: raw },
    value: value === undefined ? undefined : takeApart(value),
  };
}


function invalidationOf(region: CacheRegion): WireInvalidation {
  const strategy = region.regionInvalidator;
  return { hard: strategy.wasHardInvalidated(), soft: strategy.wasSoftInvalidated(), at: strategy.invalidatedAt?.() };
}

function eventToWire(event: RegionEvent): WireEvent {
  if ('error' in event && event.error !== undefined) return { ...event, error: toWireError(event.error) };
  return { ...event };
}

/** A worker-side creator's values must reach pages: check before they are cached. */
function checkCloneable(keys: readonly string[], values: readonly unknown[]): unknown[] {
  if (typeof structuredClone !== 'function') return [...values];
  values.forEach((value, i) => {
    try {
      structuredClone(value);
    } catch (error) {
      if (!isDataCloneError(error)) throw error;
      const key = keys[i];
      throw new ValueNotCloneableError(
        `The value created for key "${String(key)}" cannot be copied between worker and page by structured clone: ${(error as Error).message}`,
        { cause: error, ...(key === undefined ? {} : { key }) },
      );
    }
  });
  return [...values];
}

function isUnserializable(error: unknown): boolean {
  return error instanceof Error && error.message === UNSERIALIZABLE;
}
