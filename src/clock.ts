/**
 * The default clock, and the rules for timestamps that come from other
 * clocks (other tabs, other processes, this clock before a step).
 *
 * @module
 */

/**
 * How far (ms) a timestamp may lie ahead of this clock and still be
 * believed. Clocks of one machine agree; this margin absorbs small skews
 * (NTP slews, other hosts). A timestamp further ahead was made by a clock
 * that has since been set back: it is distrusted (see {@link isFromTheFuture}).
 */
export const FUTURE_TOLERANCE_MS = 1_000;

/** A reading of monotonic elapsed time, ms (`performance.now()` where there is one). */
export type ElapsedClock = () => number;

function defaultElapsed(): ElapsedClock {
  const perf = (globalThis as { performance?: { now?: () => number } }).performance;
  return typeof perf?.now === 'function' ? () => perf.now!() : () => Date.now();
}


/** The rate at which the clock runs while it waits for a wall clock that stepped back a little to catch up. */
const CATCH_UP_RATE = 0.99;

/**
 * Makes a clock (epoch ms) that is strictly increasing while the wall clock
 * behaves, and never freezes when it does not:
 *
 * - two readings in one millisecond differ (by a microsecond), so a value
 *   written in the same millisecond as an invalidation is still ordered
 *   before or after it;
 * - a small step back of the wall clock (under {@link FUTURE_TOLERANCE_MS})
 *   is absorbed: the clock goes on from its last reading at (nearly) the
 *   rate of elapsed time, so expiry keeps counting, until the wall clock
 *   has caught up;
 * - a larger step back is followed: the wall clock is the shared reference
 *   of every tab and process, and timestamps made before the step are then
 *   "from the future", which {@link isFromTheFuture} tells readers to distrust.
 *
 * @param wall The wall clock; default `Date.now()`, read at each call.
 * @param elapsed A monotonic clock; default `performance.now()`.
 */
export function makeClock(wall: () => number = () => Date.now(), elapsed: ElapsedClock = defaultElapsed()): () => number {
  /** The last reading returned. */
  let last = -Infinity;
  /** The wall clock when `lastElapsed` was read. */
  let lastWall = -Infinity;
  let lastElapsed = 0;
  /** Whether the clock runs ahead of a wall clock that stepped back a little. */
  let behind = false;
  return () => {
    const now = wall();
    if (!behind) {
      // The usual case costs one wall reading, and one elapsed reading per wall millisecond.
      if (now > lastWall) {
        lastWall = now;
        lastElapsed = elapsed();
        return (last = now > last ? now : last + 0.001);
      }
      if (now === lastWall) return (last += 0.001);
      // The wall clock stepped back.
    }
    const mono = elapsed();
    const since = Math.max(0, mono - lastElapsed);
    const expected = last + since;
    let next: number;
    if (now >= expected - 0.001) {
      behind = false;
      next = Math.max(now, last + 0.001);
    } else if (expected - now < FUTURE_TOLERANCE_MS) {
      behind = true;
      next = Math.max(now, last + Math.max(0.001, since * CATCH_UP_RATE));
    } else {
      behind = false;
      next = now;
    }
    lastWall = now;
    lastElapsed = mono;
    return (last = next);
  };
}

/** The library's default clock (see {@link makeClock}), shared by every region of this process. */
export const monotonicNow: () => number = makeClock();

// What fake timers replace (vitest, jest, sinon): captured at load, so that a
// replaced one turns the reused reading below off and every read is exact.
const nativeSetTimeout = setTimeout;
const NativeDate = Date;
const nativeDateNow = Date.now;

/** Whether `Date` is the one this module loaded with (no fake `Date` or spied `Date.now` since). */
function nativeDate(): boolean {
  return globalThis.Date === NativeDate && NativeDate.now === nativeDateNow;
}

/**
 * Whether a reading may be reused under a timer: `Date` and `setTimeout` are
 * the ones this module loaded with, and were not fakes already then (fake
 * timers mark their functions with `clock`).
 */
function mayReuse(): boolean {
  return nativeDate() && globalThis.setTimeout === nativeSetTimeout && !('clock' in nativeSetTimeout) && !('clock' in NativeDate) && !('clock' in nativeDateNow);
}

/** The reading {@link hitNow} reuses, until its timer clears it. */
let reused: number | undefined;
/** The last reading {@link hitNow} took from {@link monotonicNow}. */
let lastRead = -Infinity;
const forget = (): void => {
  reused = undefined;
};

/**
 * {@link monotonicNow} for judging whether a stored value is still fresh, at
 * a lower cost when reads are dense: once two reads fall within 1 ms, the
 * reading is reused until a 1 ms timer (unref'd in Node) clears it, as
 * lru-cache's `ttlResolution` does. A hit then costs no clock read (the read
 * is ~60% of a memory hit). Sparse reads never arm the timer. While fake
 * timers or a fake `Date` are installed, every read is exact and no timer is
 * set, so tests that move time see it move. Never used for timestamps that
 * are stored (those come from the exact clock).
 */
export function hitNow(): number {
  if (reused !== undefined && nativeDate()) return reused;
  const now = monotonicNow();
  if (now - lastRead < 1 && mayReuse()) {
    reused = now;
    (nativeSetTimeout(forget, 1) as { unref?: () => void }).unref?.();
  }
  lastRead = now;
  return now;
}

/** Whether `timestamp` lies further ahead of `now` than any clock skew explains. */
export function isFromTheFuture(timestamp: number, now: number): boolean {
  return timestamp - now > FUTURE_TOLERANCE_MS;
}
