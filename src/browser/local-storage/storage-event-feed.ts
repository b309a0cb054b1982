/**
 * localStorage's change feed between tabs: the `storage` event, which the
 * browser raises in every other tab of the origin for each `setItem` and
 * `removeItem`. The write itself is the message; nothing is posted.
 *
 * @module
 */
import type { StorageLike } from '../../web-types.js';

/** A change of one entry seen through a `storage` event. */
export interface StorageChange {
  /** The storage key, without the backend's entry prefix. */
  key: string;
  /** The new text, or `null` when the entry was removed. */
  newValue: string | null;
}

/**
 * Calls `onChange` for every change another tab makes to `storage` under
 * `prefix`; `storage.clear()` in another tab reports nothing (its keys are
 * not known). Returns the function that stops listening.
 */
export function listenToStorage(storage: StorageLike, prefix: () => string, onChange: (change: StorageChange) => void): () => void {
  const target = globalThis as { addEventListener?: typeof addEventListener; removeEventListener?: typeof removeEventListener };
  if (typeof target.addEventListener !== 'function') return () => {};
  const listener = (event: Event) => {
    const { key, newValue, storageArea } = event as StorageEvent;
    if (storageArea !== storage || key === null) return;
    const entryPrefix = prefix();
    if (key.startsWith(entryPrefix)) onChange({ key: key.slice(entryPrefix.length), newValue });
  };
  target.addEventListener('storage', listener);
  return () => target.removeEventListener?.('storage', listener);
}
