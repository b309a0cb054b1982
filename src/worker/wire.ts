/**
 * How values cross between page and worker, each conversion with both of
 * its directions side by side: `to` makes what travels, `from` rebuilds it on
 * the other side. Everything that travels survives structured clone: no
 * symbols (`NO_VALUE` travels as `found: false`), no class instances
 * (`CachedValue` travels as payload + metadata), errors as {@link WireError}s.
 *
 * @module
 */
import { CachedValue, NO_VALUE, type CachedValueMetadata, type NoValue, type StoredValue } from '../api.js';
import type { RegionEvent } from '../events.js';
import type { CacheRegion, GetOptions, GetOrCreateOptions } from '../region/region.js';
import { fromWireError, toWireError, type WireError } from './wire-error.js';

export type { WireError } from './wire-error.js';

/** Either a result or the error that replaced it. */
export type WireResult<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** Which creator makes a value: one registered by the page (`id`), or one the worker was given (`name`). */
export type CreatorRef = { id: number } | { name: string };

/** Options of a read that cross the wire. */
export interface WireGetOptions {
  expirationTime?: number;
  ignoreExpiration?: boolean;
}

/** Options of a get-or-create that cross the wire; `shouldCache` names a page-side predicate. */
export interface WireCreateOptions {
  expirationTime?: number;
  staleIfError?: number;
  errorBackoff?: number;
  /** Id under which the page registered its `shouldCacheFn` (see `ClientCallbacks.shouldCache`). */
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

/** The state of the region's invalidation. */
export interface InvalidationState {
  hard: boolean;
  soft: boolean;
  /** When the last invalidation happened (epoch ms), if any. */
  at: number | undefined;
}

/** The invalidation state as it travels: a plain object already. */
export type WireInvalidation = InvalidationState;

/** A region event whose `error` (if any) travels as a {@link WireError}. */
export type WireEvent = Record<string, unknown> & { type: string };

/** What is stored under a key, as `CacheRegion.peekStored` and `RegionClient.peekStored` report it. */
export interface PeekedEntry {
  /** What the backend holds: a `CachedValue`, serialized data, or `NO_VALUE`. */
  raw: StoredValue | NoValue;
  /** The decoded entry, or `undefined` when absent or unreadable. */
  value: CachedValue | undefined;
}

/** A call's outcome: `to` runs the work and never rejects; `from` gives its value or throws its error. */
export const result = {
  async to<T>(work: () => T | Promise<T>): Promise<WireResult<T>> {
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      return { ok: false, error: toWireError(error) };
    }
  },
  from<T>(wire: WireResult<T>): T {
    if (!wire.ok) throw fromWireError(wire.error);
    return wire.value;
  },
};

/** A read's value, or `NO_VALUE`. */
export const found = {
  to(value: unknown): WireFound {
    return value === NO_VALUE ? { found: false } : { found: true, value };
  },
  from<V>(wire: WireFound): V | NoValue {
    return wire.found ? (wire.value as V) : NO_VALUE;
  },
};

/** A `CachedValue` (or none). */
export const cachedValue = {
  to(value: CachedValue | undefined): WireCachedValue | undefined {
    return value === undefined ? undefined : { payload: value.payload, metadata: { ...value.metadata } };
  },
  from<V>(wire: WireCachedValue | undefined): CachedValue<V> | undefined {
    return wire === undefined ? undefined : new CachedValue(wire.payload as V, wire.metadata);
  },
};

/** What is stored under a key. */
export const peek = {
  to({ raw, value }: PeekedEntry): WirePeek {
    return {
      raw: raw === NO_VALUE ? { kind: 'none' } : raw instanceof CachedValue ? { kind: 'value', value: cachedValue.to(raw)! } : { kind: 'data', data: raw },
      value: cachedValue.to(value),
    };
  },
  from({ raw, value }: WirePeek): PeekedEntry {
    return {
      raw: raw.kind === 'none' ? NO_VALUE : raw.kind === 'value' ? cachedValue.from(raw.value)! : raw.data,
      value: cachedValue.from(value),
    };
  },
};

/** Options of a read: only the known fields travel, and the worker takes only those too (a page is not trusted). */
export const getOptions = {
  to(options: GetOptions): WireGetOptions {
    checkOptions(options);
    return pick(options, Boolean(options.ignoreExpiration));
  },
  from(wire: WireGetOptions | undefined): GetOptions {
    return pick(wire ?? {}, wire?.ignoreExpiration);
  },
};

/** Options of a get-or-create: `shouldCacheFn` stays in the page and travels as the id of its creator. */
export const createOptions = {
  to(options: GetOrCreateOptions<never>, shouldCacheId: number | undefined): WireCreateOptions {
    const out: WireCreateOptions = {};
    if (options.expirationTime !== undefined) out.expirationTime = options.expirationTime;
    if (options.staleIfError !== undefined) out.staleIfError = options.staleIfError;
    if (options.errorBackoff !== undefined) out.errorBackoff = options.errorBackoff;
    if (options.shouldCacheFn && shouldCacheId !== undefined) out.shouldCache = shouldCacheId;
    return out;
  },
  /** The region's options, with `shouldCacheFn` from `shouldCache(id)` when the page registered one. */
  from<V>(wire: WireCreateOptions | undefined, shouldCache: (id: number) => (value: V) => Promise<boolean>): GetOrCreateOptions<V> {
    const out: GetOrCreateOptions<V> = {};
    if (wire?.expirationTime !== undefined) out.expirationTime = wire.expirationTime;
    if (wire?.staleIfError !== undefined) out.staleIfError = wire.staleIfError;
    if (wire?.errorBackoff !== undefined) out.errorBackoff = wire.errorBackoff;
    if (typeof wire?.shouldCache === 'number') out.shouldCacheFn = shouldCache(wire.shouldCache);
    return out;
  },
};

/** A region event: its `error` travels described. */
export const event = {
  to(value: RegionEvent): WireEvent {
    if ('error' in value && value.error !== undefined) return { ...value, error: toWireError(value.error) };
    return { ...value };
  },
  from(wire: WireEvent): RegionEvent {
    if (wire.error !== undefined && typeof wire.error === 'object') return { ...wire, error: fromWireError(wire.error as WireError) } as RegionEvent;
    return wire as unknown as RegionEvent;
  },
};

/** The region's invalidation state (it travels as is: the page keeps its own copy). */
export const invalidation = {
  to(region: CacheRegion): WireInvalidation {
    const strategy = region.regionInvalidator;
    return { hard: strategy.wasHardInvalidated(), soft: strategy.wasSoftInvalidated(), at: strategy.invalidatedAt?.() };
  },
};

/** Throws unless `options` is an object (the region's own check, made before anything travels). */
export function checkOptions(options: unknown): void {
  if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: options must be an object');
}

function pick(options: GetOptions, ignoreExpiration: boolean | undefined): WireGetOptions {
  const out: WireGetOptions = {};
  if (options.expirationTime !== undefined) out.expirationTime = options.expirationTime;
  if (options.ignoreExpiration !== undefined) out.ignoreExpiration = ignoreExpiration!;
  return out;
}
