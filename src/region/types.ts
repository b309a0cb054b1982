/**
 * The option types of a region's methods.
 *
 * @module
 */
import type { BackendArguments, RegionInvalidationStrategy } from '../api.js';
import type { ProxyBackend } from '../proxy.js';

/** A value, or a promise of one: creators and predicates may be sync or async. */
export type MaybePromise<T> = T | Promise<T>;

/** Options of `region.configure()`. */
export interface ConfigureOptions<A = BackendArguments> {
  /** Age in ms after which values are regenerated; -1 or `Infinity`: never. Default: never. */
  expirationTime?: number;
  /** Passed to the backend factory when the backend is given by name. */
  arguments?: A;
  /** Proxies to wrap the backend in; the first one is the outermost. */
  wrap?: Array<ProxyBackend | (new () => ProxyBackend)>;
  /** Allows configuring a region that already has a backend. */
  replaceExistingBackend?: boolean;
  /** Replaces the default (or the backend's shared) invalidation strategy. */
  regionInvalidator?: RegionInvalidationStrategy;
}

/** Options of `region.get()`, `getMulti()` and `getValueMetadata()`. */
export interface GetOptions {
  /** Overrides the region's expiration time for this read; -1 or `Infinity`: never. */
  expirationTime?: number;
  /** Return the value however old or invalidated it is. */
  ignoreExpiration?: boolean;
}

/** Options of `region.getOrCreate()`. */
export interface GetOrCreateOptions<V> {
  /** Overrides the region's expiration time for this call; -1 or `Infinity`: never. */
  expirationTime?: number;
  /** Decides whether a created value is stored; it is returned either way. */
  shouldCacheFn?: (value: V) => MaybePromise<boolean>;
  /** Overrides the region's `staleIfError` (ms) for this call. */
  staleIfError?: number;
  /** Overrides the region's `errorBackoff` (ms) for this call. */
  errorBackoff?: number;
}

/** Options of `region.getOrCreateMulti()`. */
export type GetOrCreateMultiOptions<V> = GetOrCreateOptions<V>;

/** A creator and its predicate, as a region's methods pass them on. */
export type Creator<V> = () => MaybePromise<V>;
/** Decides whether a created value is stored. */
export type ShouldCache<V> = ((value: V) => MaybePromise<boolean>) | undefined;
