/**
 * `useCachedValue` for React: a region entry as external store state
 * (`useSyncExternalStore`), with the statuses and result of the Preact hook.
 *
 * @module
 */
import { useCallback, useSyncExternalStore } from 'react';
import type { CacheRegion, MaybePromise } from '../index.js';
import type { CachedEntryOptions, CachedValueResult, KeyedCachedValueResult } from '../hooks/index.js';
import { useEntryStore } from './use-entry-store.js';

/** Options of {@link useCachedValue}. */
export type UseCachedValueOptions<V> = CachedEntryOptions<V>;

/**
 * The value a region holds for `key`, created with `creator` under dogpile's
 * lock when it is missing or stale (one creator across every component, and
 * across tabs for shared backends).
 *
 * The component re-renders whenever the entry changes: set or deleted here
 * or in another tab, regenerated, expired, or the region invalidated.
 * `status` goes `loading` -> `fresh`, `stale` (old value shown while one
 * caller regenerates) -> `fresh`, or `error`; `idle` for a `null` key.
 * Narrow on `status`: `value` is `V` when `fresh` or `stale`.
 *
 * `creator` may change on every render; the newest one given *for that key*
 * is used. Unmounting while a creator runs is safe: its value is still
 * stored. On the server it renders `loading` and reads nothing.
 *
 * @example
 * ```tsx
 * const user = useCachedValue(users, `user:${id}`, () => fetchUser(id));
 * if (user.status === 'loading') return <p>Loading…</p>;
 * if (user.status === 'error' && !user.value) return <p>Failed: {String(user.error)}</p>;
 * return <p className={user.status === 'stale' ? 'dim' : ''}>{user.value.name}</p>;
 * ```
 */
export function useCachedValue<V>(region: CacheRegion, key: string, creator: () => MaybePromise<V>, options?: UseCachedValueOptions<V>): KeyedCachedValueResult<V>;
export function useCachedValue<V>(
  region: CacheRegion,
  key: string | null | undefined,
  creator: () => MaybePromise<V>,
  options?: UseCachedValueOptions<V>,
): CachedValueResult<V>;
export function useCachedValue<V>(
  region: CacheRegion,
  key: string | null | undefined,
  creator: () => MaybePromise<V>,
  options: UseCachedValueOptions<V> = {},
): CachedValueResult<V> {
  const { store } = useEntryStore('useCachedValue', region, key, creator, options);
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot);
  const refresh = useCallback(() => store.refresh(), [store]);
  const reload = useCallback(() => store.reload(), [store]);
  return { ...snapshot, refresh, reload };
}
