/**
 * The region surface a page reaches, declared once. Each entry of
 * {@link METHODS} says what the page calls (its signature), what crosses the
 * wire (arguments and result), how the page encodes and decodes them
 * (`page`), and how the worker runs the call on its region (`serve`). The
 * host's API type and its session's `api` object, the page client's methods
 * and the in-page fallback are all made from this table.
 *
 * @module
 */
import type { NoValue, CachedValue } from '../api.js';
import type { RegionStats } from '../events.js';
import type { CacheRegion, GetOptions, GetOrCreateMultiOptions, GetOrCreateOptions, MaybePromise } from '../region/region.js';
import {
  cachedValue,
  checkOptions,
  createOptions,
  found,
  getOptions,
  invalidation,
  peek,
  type CreatorRef,
  type InvalidationState,
  type PeekedEntry,
  type WireCachedValue,
  type WireCreateOptions,
  type WireFound,
  type WireGetOptions,
  type WireInvalidation,
  type WirePeek,
  type WireResult,
} from './wire.js';

/** A creator: a function run in the page, or the name of a creator the worker was given. */
export type ClientCreator<V> = (() => MaybePromise<V>) | string;

/** A multi-key creator: a function run in the page, or the name of one the worker was given. */
export type ClientMultiCreator<V> = ((...keys: string[]) => MaybePromise<readonly V[]>) | string;

/** The page's end of one call: its way to the region, and the client it belongs to. */
export interface PageCall<W extends unknown[], R> {
  /** Sends the wire arguments. `keys` name the call's cache keys in errors; `sent` lists the values sent, to name one that cannot be copied. */
  send(args: W, keys: readonly string[], sent?: () => Array<[string, unknown]>): Promise<R>;
  readonly client: PageSide;
}

/** What a client keeps for its methods: the state it last heard, and its creators. */
export interface PageSide {
  /** The invalidation state a call answered. */
  hearInvalidation(state: InvalidationState): void;
  /** The counters a call answered (`undefined`: they were reset). */
  hearStats(stats: RegionStats | undefined): void;
  /** Runs `send` with `creator` made reachable by the worker (as a {@link CreatorRef}) for as long as the call runs. */
  create<R>(
    method: 'getOrCreate' | 'getOrCreateMulti',
    creator: unknown,
    shouldCacheFn: unknown,
    keys: readonly string[],
    send: (ref: CreatorRef, shouldCacheId: number | undefined) => Promise<R>,
  ): Promise<R>;
}

/** The worker's end: the region, and the creators a {@link CreatorRef} names. */
export interface WorkerSide {
  readonly region: CacheRegion;
  creator(ref: CreatorRef, key: string): () => MaybePromise<unknown>;
  multiCreator(ref: CreatorRef): (...keys: string[]) => MaybePromise<unknown[]>;
  shouldCache(id: number): (value: unknown) => Promise<boolean>;
}

/** One forwarded method: `P` is what the page calls, `W` its wire arguments, `R` its wire result. */
interface Method<P extends (...args: never[]) => Promise<unknown>, W extends unknown[], R> {
  page(call: PageCall<W, R>, ...args: Parameters<P>): ReturnType<P>;
  serve(side: WorkerSide, ...args: W): MaybePromise<R>;
  /** Never set: carries the types to {@link RegionMethods} and {@link ForwardedApi}. */
  readonly types?: { page: P; wire: W; result: R };
}

const method = <P extends (...args: never[]) => Promise<unknown>, W extends unknown[], R>(spec: Method<P, W, R>) => spec;

/** The forwarded methods. Their semantics are `CacheRegion`'s; values cross by structured clone. */
export const METHODS = {
  /** The value for `key`, or `NO_VALUE`. */
  get: method<<V = unknown>(key: string, options?: GetOptions) => Promise<V | NoValue>, [key: string, options: WireGetOptions], WireFound>({
    page: async (call, key, options = {}) => found.from(await call.send([key, getOptions.to(options)], [key])),
    serve: async ({ region }, key, options) => found.to(await region.get(key, getOptions.from(options))),
  }),
  /** The values for `keys`, in order (`NO_VALUE` where there is none). */
  getMulti: method<<V = unknown>(keys: readonly string[], options?: GetOptions) => Promise<Array<V | NoValue>>, [keys: string[], options: WireGetOptions], WireFound[]>({
    page: async (call, keys, options = {}) => (await call.send([[...checkKeys(keys)], getOptions.to(options)], keys)).map((item) => found.from(item)),
    serve: async ({ region }, keys, options) => (await region.getMulti(keys, getOptions.from(options))).map((value) => found.to(value)),
  }),
  /** The stored `CachedValue` for `key` (payload and metadata), or `undefined`. */
  getValueMetadata: method<<V = unknown>(key: string, options?: GetOptions) => Promise<CachedValue<V> | undefined>, [key: string, options: WireGetOptions], WireCachedValue | undefined>({
    page: async (call, key, options = {}) => cachedValue.from(await call.send([key, getOptions.to(options)], [key])),
    serve: async ({ region }, key, options) => cachedValue.to(await region.getValueMetadata(key, getOptions.from(options))),
  }),
  /**
   * The value for `key`, made under dogpile's lock when absent or expired.
   * `creator` runs in this page (a function) or in the worker (its name).
   */
  getOrCreate: method<<V>(key: string, creator: ClientCreator<V>, options?: GetOrCreateOptions<V>) => Promise<V>, [key: string, creator: CreatorRef, options: WireCreateOptions], unknown>({
    page: async (call, key, creator, options = {}) => {
      checkOptions(options);
      return call.client.create('getOrCreate', creator, options.shouldCacheFn, [key], (ref, id) => call.send([key, ref, createOptions.to(options, id)], [key]));
    },
    serve: (side, key, ref, options) => side.region.getOrCreate(key, side.creator(ref, key), createOptions.from(options, (id) => side.shouldCache(id))),
  }),
  /** `getOrCreate` for many keys: `creator` gets the missing keys and returns their values in order. */
  getOrCreateMulti: method<
    <V>(keys: readonly string[], creator: ClientMultiCreator<V>, options?: GetOrCreateMultiOptions<V>) => Promise<V[]>,
    [keys: string[], creator: CreatorRef, options: WireCreateOptions],
    unknown[]
  >({
    page: async (call, keys, creator, options = {}) => {
      checkKeys(keys);
      checkOptions(options);
      return call.client.create('getOrCreateMulti', creator, options.shouldCacheFn, keys, (ref, id) => call.send([[...keys], ref, createOptions.to(options, id)], keys));
    },
    serve: (side, keys, ref, options) => side.region.getOrCreateMulti(keys, side.multiCreator(ref), createOptions.from(options, (id) => side.shouldCache(id))),
  }),
  /** Stores `value` under `key`. */
  set: method<<V>(key: string, value: V) => Promise<void>, [key: string, value: unknown], void>({
    page: (call, key, value) => call.send([key, value], [key], () => [[key, value]]),
    serve: ({ region }, key, value) => region.set(key, value),
  }),
  /** Stores every entry of `mapping`. */
  setMulti: method<<V>(mapping: Record<string, V> | ReadonlyMap<string, V>) => Promise<void>, [entries: Array<[string, unknown]>], void>({
    page: async (call, mapping) => {
      if (mapping === null || typeof mapping !== 'object') throw new TypeError('dogpile-cache: setMulti expects an object or a Map');
      const entries: Array<[string, unknown]> = mapping instanceof Map ? [...mapping.entries()] : Object.entries(mapping);
      return call.send([entries], entries.map(([key]) => key), () => entries);
    },
    serve: ({ region }, entries) => region.setMulti(new Map(entries)),
  }),
  /** Removes `key`. */
  delete: method<(key: string) => Promise<void>, [key: string], void>({
    page: (call, key) => call.send([key], [key]),
    serve: ({ region }, key) => region.delete(key),
  }),
  /** Removes `keys`. */
  deleteMulti: method<(keys: readonly string[]) => Promise<void>, [keys: string[]], void>({
    page: async (call, keys) => call.send([[...checkKeys(keys)]], keys),
    serve: ({ region }, keys) => region.deleteMulti(keys),
  }),
  /** Invalidates (hard by default); the page hears the invalidation state after it. */
  invalidate: method<(hard?: boolean) => Promise<void>, [hard: boolean], WireInvalidation>({
    page: async (call, hard = true) => call.client.hearInvalidation(await call.send([Boolean(hard)], [])),
    serve: async ({ region }, hard) => {
      await region.invalidate(hard);
      return invalidation.to(region);
    },
  }),
  /** Whether a creator for `key` runs under the dogpile lock now. */
  keyIsLocked: method<(key: string) => Promise<boolean>, [key: string], boolean>({
    page: (call, key) => call.send([key], [key]),
    serve: ({ region }, key) => region.keyIsLocked(key),
  }),
  /** The region's counters now. */
  getStats: method<() => Promise<RegionStats>, [], RegionStats>({
    page: async (call) => {
      const stats = await call.send([], []);
      call.client.hearStats(stats);
      return { ...stats };
    },
    serve: ({ region }) => region.stats,
  }),
  /** Sets the region's counters back to zero. */
  resetStats: method<() => Promise<void>, [], void>({
    page: async (call) => {
      await call.send([], []);
      call.client.hearStats(undefined);
    },
    serve: ({ region }) => region.resetStats(),
  }),
  /** Stored keys (mangled), for inspection; `undefined` when the backend cannot list them. */
  storedKeys: method<() => Promise<string[] | undefined>, [], string[] | undefined>({
    page: (call) => call.send([], []),
    serve: ({ region }) => region.storedKeys(),
  }),
  /** Reads an entry by stored key without counting it (see `CacheRegion.peekStored`). */
  peekStored: method<(storedKey: string) => Promise<PeekedEntry>, [storedKey: string], WirePeek>({
    page: async (call, storedKey) => peek.from(await call.send([storedKey], [storedKey])),
    serve: async ({ region }, storedKey) => peek.to(await region.peekStored(storedKey)),
  }),
  /** `keyIsLocked` for a stored key. */
  storedKeyIsLocked: method<(storedKey: string) => Promise<boolean>, [storedKey: string], boolean>({
    page: (call, storedKey) => call.send([storedKey], [storedKey]),
    serve: ({ region }, storedKey) => region.storedKeyIsLocked(storedKey),
  }),
  /** Removes an entry by stored key. */
  deleteStored: method<(storedKey: string) => Promise<void>, [storedKey: string], void>({
    page: (call, storedKey) => call.send([storedKey], [storedKey]),
    serve: ({ region }, storedKey) => region.deleteStored(storedKey),
  }),
  /** The region's invalidation state. */
  invalidation: method<() => Promise<InvalidationState>, [], WireInvalidation>({
    page: async (call) => {
      const state = await call.send([], []);
      call.client.hearInvalidation(state);
      return { ...state };
    },
    serve: ({ region }) => invalidation.to(region),
  }),
};

/** A forwarded method's name. */
export type MethodName = keyof typeof METHODS;

type Types<K extends MethodName> = NonNullable<(typeof METHODS)[K]['types']>;

/** The region methods as a page calls them (part of `RegionClient`). */
export type RegionMethods = { [K in keyof typeof METHODS]: Types<K>['page'] };

/** The forwarded methods as the worker serves them: every one resolves (never rejects) with a {@link WireResult}. */
export type ForwardedApi = { [K in keyof typeof METHODS]: (...args: Types<K>['wire']) => Promise<WireResult<Types<K>['result']>> };

/** Any entry of the table, for code that handles them all alike. */
type AnyMethod = Method<(...args: never[]) => Promise<unknown>, unknown[], unknown>;

const names = Object.keys(METHODS) as MethodName[];
const entry = (name: MethodName) => METHODS[name] as unknown as AnyMethod;

/** Runs one forwarded call on the worker's side. */
export function serveMethod(side: WorkerSide, name: MethodName, args: unknown[]): MaybePromise<unknown> {
  return entry(name).serve(side, ...args);
}

/** The worker's side of every forwarded method, each answer made by `run` (which never rejects). */
export function serveMethods(side: WorkerSide, run: (work: () => MaybePromise<unknown>) => Promise<WireResult<unknown>>): ForwardedApi {
  const api: Record<string, (...args: unknown[]) => Promise<WireResult<unknown>>> = {};
  for (const name of names) api[name] = (...args) => run(() => serveMethod(side, name, args));
  return api as unknown as ForwardedApi;
}

/** How a client class sends: its {@link PageSide}, and the one function every method sends through. */
export interface Sender {
  side: PageSide;
  send(name: MethodName, args: unknown[], keys: readonly string[], sent?: () => Array<[string, unknown]>): Promise<unknown>;
}

/**
 * Defines the page side of every forwarded method on `target`'s prototype,
 * each sending through `senderOf(client)`. Declare `interface Target extends
 * RegionMethods {}` beside the class so that its type has them too.
 */
export function defineMethods<C>(target: { prototype: C }, senderOf: (client: C) => Sender): void {
  for (const name of names) {
    const spec = entry(name);
    // A computed key names the function as the method (stack traces, `client.get.name`).
    const { [name]: value } = {
      [name](this: C, ...args: never[]) {
        const sender = senderOf(this);
        return spec.page({ client: sender.side, send: (wire, keys, sent) => sender.send(name, wire, keys, sent) }, ...args);
      },
    };
    Object.defineProperty(target.prototype, name, { configurable: true, writable: true, value });
  }
}

function checkKeys<T>(keys: T): T {
  if (!Array.isArray(keys)) throw new TypeError(`dogpile-cache: expected an array of keys, got ${keys === null ? 'null' : typeof keys}`);
  return keys;
}
