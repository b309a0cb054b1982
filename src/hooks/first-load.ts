/**
 * The first load of a key for UIs that suspend until there is a value
 * (React Suspense): one `getOrCreate` shared by every component that asks for
 * the key meanwhile, and its outcome kept just long enough for the render
 * that follows it to read synchronously.
 *
 * @module
 */
import type { CacheRegion, MaybePromise } from '../index.js';
import type { CachedEntryOptions } from './cached-entry.js';

/** A first load: pending, or settled with a value or an error. */
export interface FirstLoad<V> {
  readonly promise: Promise<void>;
  outcome: { value: V } | { error: unknown } | undefined;
  /** When it settled (epoch ms). */
  settledAt: number | undefined;
}

// A settled value is for the render right after it; later renders read the cache itself.
const KEEP_VALUE_MS = 2000;
// An error is for the renders React makes at once (it renders again before giving up to an error
// boundary); a retry after that (the boundary reset) starts a new load.
const KEEP_ERROR_MS = 250;
const loads = new WeakMap<CacheRegion, Map<string, FirstLoad<unknown>>>();

/** The first load of `key`, started now unless one is pending or only just settled. */
export function firstLoad<V>(region: CacheRegion, key: string, creator: () => MaybePromise<V>, options: CachedEntryOptions<V>): FirstLoad<V> {
  let byKey = loads.get(region);
  if (!byKey) loads.set(region, (byKey = new Map()));
  const known = byKey.get(key) as FirstLoad<V> | undefined;
  if (known && (known.settledAt === undefined || Date.now() - known.settledAt < (known.outcome && 'error' in known.outcome ? KEEP_ERROR_MS : KEEP_VALUE_MS))) {
    return known;
  }
  const { expirationTime, shouldCacheFn } = options;
  const load: FirstLoad<V> = {
    outcome: undefined,
    settledAt: undefined,
    promise: region.getOrCreate<V>(key, creator, { expirationTime, shouldCacheFn }).then(
      (value) => {
        load.outcome = { value };
        load.settledAt = Date.now();
      },
      (error: unknown) => {
        load.outcome = { error };
        load.settledAt = Date.now();
      },
    ),
  };
  byKey.set(key, load as FirstLoad<unknown>);
  return load;
}

/** Drops the settled load of `key` once its value was shown; a pending one stays. */
export function forgetFirstLoad(region: CacheRegion, key: string): void {
  const byKey = loads.get(region);
  if (byKey?.get(key)?.settledAt !== undefined) byKey!.delete(key);
}
