/**
 * `useCachedValue`: a region entry as Preact state.
 *
 * @module
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { CacheRegion, MaybePromise } from '../index.js';
import { CachedEntry, initialSnapshot, type CachedEntryOptions, type CachedEntrySnapshot } from './cached-entry.js';

/** Options of {@link useCachedValue}. */
export type UseCachedValueOptions<V> = CachedEntryOptions<V>;

/** What {@link useCachedValue} returns. */
export interface CachedValueResult<V> extends CachedEntrySnapshot<V> {
  /** Runs the creator now and stores its value, whatever is cached; the current value stays visible as `stale`. */
  refresh(): Promise<void>;
  /** Looks at the entry again (e.g. after a change this tab cannot hear about), regenerating it if missing or stale. */
  reload(): Promise<void>;
}

/**
 * The value a region holds for `key`, created with `creator` under dogpile's
 * lock when it is missing or stale (one creator across every component,
 * and across tabs for shared backends).
 *
 * The component re-renders whenever the entry changes: set or deleted
 * elsewhere on the page, regenerated, expired, or the region invalidated
 * here or in another tab. `status` goes `loading` -> `fresh`, and
 * `stale` (old value shown while regenerating) -> `fresh`, or `error`.
 * A `null`/`undefined` key gives `idle` and looks nothing up.
 *
 * `creator` may change on every render; the latest one is used. Unmounting
 * while a creator runs is safe: its value is still stored, nothing is
 * updated after unmount.
 *
 * @example
 * ```tsx
 * const { value, status, refresh } = useCachedValue(region, `user:${id}`, () => fetchUser(id));
 * ```
 */
export function useCachedValue<V>(
  region: CacheRegion,
  key: string | null | undefined,
  creator: () => MaybePromise<V>,
  options: UseCachedValueOptions<V> = {},
): CachedValueResult<V> {
  const creatorRef = useRef(creator);
  creatorRef.current = creator;
  const shouldCacheRef = useRef(options.shouldCacheFn);
  shouldCacheRef.current = options.shouldCacheFn;
  const [snapshot, setSnapshot] = useState<CachedEntrySnapshot<V>>(() => initialSnapshot(key));
  const entryRef = useRef<CachedEntry<V> | undefined>(undefined);
  const { expirationTime, revalidateOnExpire } = options;
  const hasShouldCache = options.shouldCacheFn !== undefined;

  useEffect(() => {
    if (key == null) {
      setSnapshot(initialSnapshot(key));
      return undefined;
    }
    const entry = new CachedEntry<V>(
      region,
      key,
      () => creatorRef.current,
      {
        expirationTime,
        revalidateOnExpire,
        shouldCacheFn: hasShouldCache ? (value) => shouldCacheRef.current?.(value) ?? true : undefined,
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
