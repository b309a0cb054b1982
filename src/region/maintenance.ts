/**
 * `region.prune()` and `region.clear()`: removing a region's unusable
 * entries, or all of them.
 *
 * @module
 */
import type { PruneOptions } from '../api.js';
import { DogpileCacheException } from '../errors.js';
import { invalidationTime } from '../freshness.js';
import { pruneEntries } from '../prune.js';
import type { RegionParts } from './parts.js';

/**
 * Removes the region's unusable entries (see `region.prune`); resolves to
 * how many it removed.
 *
 * @param storedKeys The region's stored keys, `undefined` when the backend cannot list them.
 */
export function prune(parts: RegionParts, storedKeys: () => Promise<string[] | undefined>, options: PruneOptions): Promise<number> {
  const { config, read, recorder } = parts;
  const { backend, invalidator } = config;
  return pruneEntries(
    {
      storedKeys,
      getMulti: (keys) => backend.getMulti(keys),
      deleteMulti: (keys) => backend.deleteMulti(keys),
      decode: (raw, key) => read.decode(raw, key, 'prune', false),
      isHardInvalidated: (value) => invalidator.isHardInvalidated(invalidationTime(value.metadata)),
      expiration: config.expiration,
      now: read.now,
      removed: (keys) => recorder.deleted(keys.length, keys),
    },
    options,
  );
}

/**
 * Removes every entry of the region from the backend (see `region.clear`);
 * resolves to how many it removed. Uses the backend's `clear()` when it has
 * one, else its `keys()`; a backend with neither rejects with a
 * `DogpileCacheException`.
 */
export async function clear(parts: RegionParts, storedKeys: () => Promise<string[] | undefined>, regionName: string | undefined): Promise<number> {
  const { backend, actual } = parts.config;
  // Listed first, so that this region's listeners hear of every removed key.
  const stored = await storedKeys();
  let removed: number;
  if (typeof actual.clear === 'function') {
    // The backend knows its region's entries, and tells other tabs itself.
    removed = await actual.clear();
  } else if (stored) {
    if (stored.length > 0) await backend.deleteMulti(stored);
    removed = stored.length;
  } else {
    throw new DogpileCacheException(`Region${regionName ? ` "${regionName}"` : ''}: backend ${actual.label} can neither clear nor list its keys, so clear() cannot find them.`);
  }
  parts.recorder.deleted(removed, stored);
  return removed;
}
