/**
 * dogpile-cache/preact: Preact bindings. `useCachedValue` shows a region
 * entry as component state; `CachedFragment` caches rendered HTML when
 * rendering to a string.
 *
 * @module
 */
export { useCachedValue, type UseCachedValueOptions, type CachedValueResult, type CachedValueActions, type KeyedCachedValueResult } from './use-cached-value.js';
export { useRegionStats } from './use-region-stats.js';
export {
  CachedEntry,
  initialSnapshot,
  peekEntry,
  type CachedEntryOptions,
  type CachedEntrySnapshot,
  type CachedValueStatus,
  type IdleSnapshot,
  type LoadingSnapshot,
  type FreshSnapshot,
  type StaleSnapshot,
  type ErrorSnapshot,
  type PeekedEntry,
  type EntryState,
} from '../hooks/index.js';
export { CachedFragment, fragmentKey, cachedFragmentKey, invalidateFragment, type CachedFragmentProps } from './cached-fragment.js';
