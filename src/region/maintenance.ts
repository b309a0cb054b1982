/**
 * `region.clear()`, in a module of its own: it loads with its first call, so
 * that regions that never use it do not ship it.
 *
 * @module
 */
import { DogpileCacheException } from '../errors.js';
import type { RegionInternals } from './region.js';

/**
 * Removes every entry of the region from the backend (e.g. on logout): the
 * data leaves storage, so every tab or process sharing it then misses.
 * Resolves to how many entries it removed. Uses the backend's `clear()`
 * when it has one, else its `keys()`; a backend with neither rejects with
 * a `DogpileCacheException`.
 */
export async function clear(r: RegionInternals): Promise<number> {
  const backend = r.backend();
  await r.ready();
  const actual = r.actualBackend();
  // Listed first, so that this region's listeners hear of every removed key.
  const stored = await r.region.storedKeys();
  let removed: number;
  if (typeof actual.clear === 'function') {
    // The backend knows its region's entries, and tells other tabs itself.
    removed = await actual.clear();
  } else if (stored) {
    if (stored.length > 0) await backend.deleteMulti(stored);
    removed = stored.length;
  } else {
    throw new DogpileCacheException(`Region${r.region.name ? ` "${r.region.name}"` : ''}: backend ${actual.label} can neither clear nor list its keys, so clear() cannot find them.`);
  }
  r.stats().deletes += removed;
  if (r.listened() && stored) for (const key of stored) r.emitKey('delete', key);
  return removed;
}

