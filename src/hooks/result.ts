/**
 * What the `useCachedValue` hooks (Preact and React) return: a snapshot,
 * a union on `status`, plus the actions on the entry.
 *
 * @module
 */
import type { CachedEntrySnapshot, ErrorSnapshot, FreshSnapshot, IdleSnapshot, StaleSnapshot } from './snapshot.js';

/** The actions every hook result carries. */
export interface CachedValueActions {
  /** Runs the creator now and stores its value, whatever is cached; the current value stays visible as `stale`. */
  refresh(): Promise<void>;
  /** Looks at the entry again (e.g. after a change this tab cannot hear about), regenerating it if missing or stale. */
  reload(): Promise<void>;
}

/** A hook result for a key that may be `null`/`undefined`: narrow on `status` (`value` is `V` when `fresh` or `stale`). */
export type CachedValueResult<V> = CachedEntrySnapshot<V> & CachedValueActions;

/** A hook result for a string key: never `idle`. */
export type KeyedCachedValueResult<V> = Exclude<CachedEntrySnapshot<V>, IdleSnapshot> & CachedValueActions;

/** What a suspending hook returns: always a value (an error without one goes to the error boundary). */
export type SuspenseCachedValueResult<V> = (FreshSnapshot<V> | StaleSnapshot<V> | (ErrorSnapshot<V> & { value: V })) & CachedValueActions;
