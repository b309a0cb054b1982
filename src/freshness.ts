/**
 * Whether a stored value may be served: the one judgement that the region,
 * the inspector, the hooks and the worker host share.
 *
 * @module
 */
import type { CachedValueMetadata, RegionInvalidationStrategy } from './api.js';
import { FUTURE_TOLERANCE_MS, isFromTheFuture } from './clock.js';

/**
 * What a stored value is worth now:
 *
 * - `fresh`: served as it is;
 * - `expired`: older than the expiration time, or stamped further in the
 *   future than clock skew explains (made before the clock was set back);
 *   served stale while one caller regenerates it;
 * - `soft-invalidated`: created before a soft invalidation; like `expired`;
 * - `hard-invalidated`: created before a hard invalidation; like absent.
 */
export type Freshness = 'fresh' | 'expired' | 'soft-invalidated' | 'hard-invalidated';

/**
 * The time invalidation compares against: when the value's creator started
 * (`st`), else when it was stored. A value whose creator was running when the
 * region was invalidated is invalidated too.
 */
export function invalidationTime(metadata: CachedValueMetadata): number {
  return metadata.st ?? metadata.ct;
}

/**
 * Judges a stored value.
 *
 * @param expiration Expiration time in ms; `undefined`: never.
 * @param now The region's clock reading.
 */
export function freshnessOf(
  metadata: CachedValueMetadata,
  expiration: number | undefined,
  invalidator: RegionInvalidationStrategy,
  now: number,
): Freshness {
  const since = invalidationTime(metadata);
  if (invalidator.isHardInvalidated(since)) return 'hard-invalidated';
  if (invalidator.isSoftInvalidated(since)) return 'soft-invalidated';
  const ct = metadata.ct;
  if (expiration !== undefined && now - ct > expiration) return 'expired';
  if (isFromTheFuture(ct, now)) return 'expired';
  return 'fresh';
}

/**
 * `freshnessOf(...) === 'fresh'`, for the hit path: the same rules, checked
 * in the order that costs least for a fresh value.
 */
export function isFresh(
  metadata: CachedValueMetadata,
  expiration: number | undefined,
  invalidator: RegionInvalidationStrategy,
  now: number,
): boolean {
  const ct = metadata.ct;
  if (expiration !== undefined && now - ct > expiration) return false;
  if (ct - now > FUTURE_TOLERANCE_MS) return false;
  return !invalidator.isInvalidated(metadata.st ?? ct);
}
