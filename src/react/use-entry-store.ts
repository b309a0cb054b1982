/**
 * The part both React hooks share: one {@link EntryStore} per region, key and
 * options, fed the newest creator given for its region and key.
 *
 * @module
 */
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { CacheRegion, MaybePromise } from '../index.js';
import { checkCreator, checkKey, checkRegion, EntryStore, latestForKey, type CachedEntryOptions, type KeyedProps } from '../hooks/index.js';

/** What a render gives the store besides the key. */
export interface Given<V> {
  creator: () => MaybePromise<V>;
  shouldCacheFn: ((value: V) => MaybePromise<boolean>) | undefined;
}

// Layout effects do nothing on the server (and older React warns there).
const useIsomorphicLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

/**
 * The store for `key`, and a getter of the newest props given with that region and key.
 * `hook` names the caller in the errors for bad arguments, thrown as it renders.
 */
export function useEntryStore<V>(
  hook: string,
  region: CacheRegion,
  key: string | null | undefined,
  creator: () => MaybePromise<V>,
  options: CachedEntryOptions<V>,
): { store: EntryStore<V>; given: () => Given<V> } {
  checkRegion(hook, region);
  checkKey(hook, key, hook === 'useCachedValue');
  checkCreator(hook, creator);
  const props: Given<V> = { creator, shouldCacheFn: options.shouldCacheFn };
  const latest = useRef<KeyedProps<Given<V>>>({ region, key, props });
  // After commit: a render React throws away must not hand its creator to the entry.
  useIsomorphicLayoutEffect(() => {
    latest.current = { region, key, props };
  });
  const { expirationTime, revalidateOnExpire } = options;
  const hasShouldCache = options.shouldCacheFn !== undefined;
  return useMemo(() => {
    // This render's props are the store's own; later renders' only while they keep the region and key.
    const given = key == null ? () => props : latestForKey(region, key, props, () => latest.current);
    const store = new EntryStore<V>(region, key, () => given().creator, {
      expirationTime,
      revalidateOnExpire,
      shouldCacheFn: hasShouldCache ? (value) => given().shouldCacheFn?.(value) ?? true : undefined,
    });
    return { store, given };
    // The creator is read through `given`, not a dependency: a new closure every render is fine.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [region, key, expirationTime, revalidateOnExpire, hasShouldCache]);
}
