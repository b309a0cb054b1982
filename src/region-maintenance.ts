/**
 * `region.prune()` and `region.clear()`, in a module of their own: they load
 * with their first call, so that regions that never use them do not ship them.
 *
 * @module
 */
import { NO_VALUE } from './api.js';
import { DogpileCacheException } from './errors.js';
import { invalidationTime } from './freshness.js';
import type { RegionInternals } from './region.js';

/**
 * Removes the region's unusable entries from the backend: values of another
 * format or region version, unreadable ones, and hard-invalidated ones.
 * Expired values are kept: they are served stale while one caller
 * regenerates. Resolves to how many entries it removed; needs a backend
 * that lists its keys (`keys()`), else resolves to 0.
 */
export async function prune(r: RegionInternals): Promise<number> {
  const backend = r.backend();
  await r.ready();
  const stored = await r.region.storedKeys();
  if (!stored || stored.length === 0) return 0;
  const raw = await backend.getMulti(stored);
  const dead: string[] = [];
  raw.forEach((value, i) => {
    if (value === NO_VALUE) return;
    const decoded = r.decode(value, stored[i]!, 'prune');
    if (decoded === NO_VALUE || r.invalidator().isHardInvalidated(invalidationTime(decoded.metadata))) dead.push(stored[i]!);
  });
  if (dead.length > 0) await backend.deleteMulti(dead);
  r.stats().deletes += dead.length;
  if (r.listened()) for (const key of dead) r.emitKey('delete', key);
  return dead.length;
}

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

