/**
 * The framework-free half of the UI bindings, shared by `dogpile-cache/preact`
 * and `dogpile-cache/react`: the entry state machine, its snapshots, and the
 * way a UI peeks at an entry. Imports neither Preact nor React.
 *
 * @module
 */
export { CachedEntry, type CachedEntryOptions } from './cached-entry.js';
export {
  initialSnapshot,
  sameSnapshot,
  type CachedEntrySnapshot,
  type CachedValueStatus,
  type IdleSnapshot,
  type LoadingSnapshot,
  type FreshSnapshot,
  type StaleSnapshot,
  type ErrorSnapshot,
} from './snapshot.js';
export type { CachedValueActions, CachedValueResult, KeyedCachedValueResult, SuspenseCachedValueResult } from './result.js';
export { EntryStore } from './entry-store.js';
export { firstLoad, forgetFirstLoad, type FirstLoad } from './first-load.js';
export { latestForKey, type KeyedProps } from './latest-for-key.js';
export { checkCreator, checkKey, checkRegion, describeGiven } from './check-input.js';
export { peekEntry, sharedMutex, storedKey, effectiveExpiration, type PeekedEntry, type EntryState } from './peek-entry.js';
