/**
 * dogpile-cache/react: React bindings. `useCachedValue` shows a region entry
 * as component state (on `useSyncExternalStore`), with the statuses and
 * result of the Preact hook; `useSuspenseCachedValue` suspends until there
 * is a value.
 *
 * @module
 */
export { useCachedValue, type UseCachedValueOptions } from './use-cached-value.js';
export { useSuspenseCachedValue, ClientOnlyRenderError } from './use-suspense-cached-value.js';
export type {
  CachedValueActions,
  CachedValueResult,
  KeyedCachedValueResult,
  SuspenseCachedValueResult,
  CachedEntrySnapshot,
  CachedValueStatus,
  IdleSnapshot,
  LoadingSnapshot,
  FreshSnapshot,
  StaleSnapshot,
  ErrorSnapshot,
} from '../hooks/index.js';
