/**
 * `useSuspenseCachedValue`: `useCachedValue` that suspends (React Suspense)
 * until the key has a value, so the component always has one.
 *
 * @module
 */
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import type { CacheRegion, MaybePromise } from '../index.js';
import { firstLoad, forgetFirstLoad, type CachedEntrySnapshot, type SuspenseCachedValueResult } from '../hooks/index.js';
import type { UseCachedValueOptions } from './use-cached-value.js';
import { useEntryStore } from './use-entry-store.js';

/**
 * Thrown on the server: a suspending cache read belongs to the browser. Inside
 * a `<Suspense>` boundary React then sends the fallback and renders the
 * boundary in the browser.
 */
export class ClientOnlyRenderError extends Error {
  override name = 'ClientOnlyRenderError';
}

/**
 * Like {@link useCachedValue}, but while the key has no value yet the
 * component suspends (the nearest `<Suspense>` shows its fallback) and a
 * creator that fails before there is a value throws to the nearest error
 * boundary. The result is `fresh`, `stale`, or `error` with the last value.
 *
 * Components that suspend for the same key share one `getOrCreate`. On the
 * server it reads nothing: it throws {@link ClientOnlyRenderError}, which
 * makes React render the boundary's fallback there and the content in the
 * browser.
 *
 * @example
 * ```tsx
 * <Suspense fallback={<p>Loading…</p>}>
 *   <UserName id="1" />
 * </Suspense>
 * function UserName({ id }: { id: string }) {
 *   return <>{useSuspenseCachedValue(users, `user:${id}`, () => fetchUser(id)).value.name}</>;
 * }
 * ```
 */
export function useSuspenseCachedValue<V>(
  region: CacheRegion,
  key: string,
  creator: () => MaybePromise<V>,
  options: UseCachedValueOptions<V> = {},
): SuspenseCachedValueResult<V> {
  const { store, given } = useEntryStore('useSuspenseCachedValue', region, key, creator, options);
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot);
  const refresh = useCallback(() => store.refresh(), [store]);
  const reload = useCallback(() => store.reload(), [store]);
  const shown = hasValue(snapshot);
  // Once the store shows a value itself, the shared first load is done with.
  useEffect(() => {
    if (shown) forgetFirstLoad(region, key);
  }, [region, key, shown]);
  if (hasValue(snapshot)) return { ...snapshot, refresh, reload };
  const load = readFirstLoad(region, key, () => given().creator, options);
  // The first load's value, until the store has read it from the cache.
  const value = (load.outcome as { value: V }).value;
  return { key, status: 'fresh', value, error: undefined, createdAt: undefined, expiresAt: undefined, source: 'cache', refresh, reload };
}

type WithValue<V> = Extract<CachedEntrySnapshot<V>, { status: 'fresh' | 'stale' }> | (Extract<CachedEntrySnapshot<V>, { status: 'error' }> & { value: V });

function hasValue<V>(snapshot: CachedEntrySnapshot<V>): snapshot is WithValue<V> {
  return snapshot.status === 'fresh' || snapshot.status === 'stale' || (snapshot.status === 'error' && snapshot.value !== undefined);
}

/** The settled first load of `key`; suspends (throws its promise) while it is pending, throws its error if it failed. */
function readFirstLoad<V>(region: CacheRegion, key: string, getCreator: () => () => MaybePromise<V>, options: UseCachedValueOptions<V>) {
  if (typeof window === 'undefined') {
    throw new ClientOnlyRenderError(`dogpile-cache: useSuspenseCachedValue("${key}") reads the cache in the browser only; wrap it in <Suspense> to render its fallback on the server`);
  }
  const load = firstLoad<V>(region, key, () => getCreator()(), options);
  if (!load.outcome) throw load.promise;
  if ('error' in load.outcome) throw load.outcome.error;
  return load;
}
