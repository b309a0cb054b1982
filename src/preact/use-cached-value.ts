/**
 * `useCachedValue`: a region entry as Preact state.
 *
 * @module
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { CacheRegion, MaybePromise } from '../index.js';
import {
  CachedEntry,
  checkCreator,
  checkKey,
  checkRegion,
  initialSnapshot,
  latestForKey,
  type CachedEntryOptions,
  type CachedEntrySnapshot,
  type CachedValueResult,
  type KeyedCachedValueResult,
  type KeyedProps,
} from '../hooks/index.js';

export type { CachedValueActions, CachedValueResult, KeyedCachedValueResult } from '../hooks/index.js';

/** Options of {@link useCachedValue}. */
export type UseCachedValueOptions<V> = CachedEntryOptions<V>;

interface Given<V> {
  creator: () => MaybePromise<V>;
  shouldCacheFn: ((value: V) => MaybePromise<boolean>) | undefined;
}

/**
 * The value a region holds for `key`, created with `creator` under dogpile's
 * lock when it is missing or stale (one creator across every component,
 * and across tabs for shared backends).
 *
 * The component re-renders whenever the entry changes: set or deleted
 * elsewhere on the page or in another tab, regenerated, expired, or the
 * region invalidated here or in another tab. `status` goes `loading` ->
 * `fresh`, and `stale` (old value shown while regenerating) -> `fresh`, or
 * `error`. A `null`/`undefined` key gives `idle` and looks nothing up.
 *
 * `creator` may change on every render; the latest one given *for that key*
 * is used, so a creation still pending for an old key never runs the new
 * key's creator. Unmounting while a creator runs is safe: its value is still
 * stored, nothing is updated after unmount.
 *
 * @example
 * ```tsx
 * const user = useCachedValue(region, `user:${id}`, () => fetchUser(id));
 * if (user.status === 'fresh' || user.status === 'stale') return <p>{user.value.name}</p>;
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
  checkRegion('useCachedValue', region);
  checkKey('useCachedValue', key, true);
  checkCreator('useCachedValue', creator);
  const given = useRef<KeyedProps<Given<V>>>({ region, key, props: { creator, shouldCacheFn: options.shouldCacheFn } });
  given.current = { region, key, props: { creator, shouldCacheFn: options.shouldCacheFn } };
  const [snapshot, setSnapshot] = useState<CachedEntrySnapshot<V>>(() => initialSnapshot(key));
  const entryRef = useRef<CachedEntry<V> | undefined>(undefined);
  const { expirationTime, revalidateOnExpire } = options;
  const hasShouldCache = options.shouldCacheFn !== undefined;

  useEffect(() => {
    if (key == null) {
      setSnapshot(initialSnapshot(key));
      return undefined;
    }
    // This render's props are the entry's own; later renders' only while they keep the region and key.
    const own = latestForKey<Given<V>>(region, key, { creator, shouldCacheFn: options.shouldCacheFn }, () => given.current);
    const entry = new CachedEntry<V>(
      region,
      key,
      () => own().creator,
      {
        expirationTime,
        revalidateOnExpire,
        shouldCacheFn: hasShouldCache ? (value) => own().shouldCacheFn?.(value) ?? true : undefined,
      },
      setSnapshot,
    );
    entryRef.current = entry;
    entry.start();
    return () => {
      entry.dispose();
      if (entryRef.current === entry) entryRef.current = undefined;
    };
  }, [region, key, expirationTime, revalidateOnExpire, hasShouldCache]);

  const refresh = useCallback(() => entryRef.current?.refresh() ?? Promise.resolve(), []);
  const reload = useCallback(() => entryRef.current?.reload() ?? Promise.resolve(), []);
  // Until the effect for a new key has run, show that key as loading, not the old key's value.
  const shown = snapshot.key === (key ?? undefined) ? snapshot : initialSnapshot<V>(key);
  return { ...shown, refresh, reload };
}
