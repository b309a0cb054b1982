/**
 * `useRegionStats`: a region's counters as Preact state.
 *
 * @module
 */
import { useEffect, useState } from 'preact/hooks';
import type { CacheRegion, RegionStats } from '../index.js';
import { checkRegion } from '../hooks/check-input.js';

/**
 * The region's {@link RegionStats} (hits, misses, creations, ...), updated
 * whenever the region reports an event. Preact batches the re-renders, so a
 * burst of events costs one render.
 */
export function useRegionStats(region: CacheRegion): RegionStats {
  checkRegion('useRegionStats', region, ['subscribe']);
  const [stats, setStats] = useState<RegionStats>(() => region.stats);
  useEffect(() => {
    setStats(region.stats);
    return region.subscribe(() => setStats(region.stats));
  }, [region]);
  return stats;
}
