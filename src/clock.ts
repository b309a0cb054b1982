/**
 * The default clock.
 *
 * @module
 */

let last = 0;

/**
 * `Date.now()`, made strictly increasing within this process (by a microsecond
 * when two calls fall in the same millisecond). A value written in the same
 * millisecond as an invalidation must still be ordered before or after it.
 */
export function monotonicNow(): number {
  const now = Date.now();
  last = now > last ? now : last + 0.001;
  return last;
}
