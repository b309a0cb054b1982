/**
 * dogpile-cache/preact: Preact bindings. `useCachedValue` shows a region
 * entry as component state; `CachedFragment` caches rendered HTML when
 * rendering to a string.
 *
 * @module
 */
export { useCachedValue, type UseCachedValueOptions, type CachedValueResult } from './use-cached-value.js';
export { useRegionStats } from './use-region-stats.js';
export {
  CachedEntry,
  initialSnapshot,
  type CachedEntryOptions,
  type CachedEntrySnapshot,
  type CachedValueStatus,
} from './cached-entry.js';
export { peekEntry, type PeekedEntry, type EntryState } from './peek-entry.js';
export { CachedFragment, fragmentKey, cachedFragmentKey, invalidateFragment, type CachedFragmentProps } from './cached-fragment.js';
