/**
 * Region invalidation: dogpile.cache's `RegionInvalidationStrategy` and its
 * default, in-process implementation.
 *
 * @module
 */
import type { InvalidationNotice, RegionInvalidationStrategy } from './api.js';
import { FUTURE_TOLERANCE_MS, isFromTheFuture, monotonicNow } from './clock.js';
import { Subscribable } from './events.js';
import { ORIGIN_ID } from './origin.js';

export type { InvalidationNotice, RegionInvalidationStrategy } from './api.js';

/**
 * The total order of invalidations: by time, then hard over soft, then by
 * origin id. Every tab and process that sees the same invalidations, in
 * whatever order they arrive, keeps the same last one.
 */
export function isNewerInvalidation(a: Pick<InvalidationNotice, 'at' | 'hard' | 'origin'>, b: Pick<InvalidationNotice, 'at' | 'hard' | 'origin'>): boolean {
  if (a.at !== b.at) return a.at > b.at;
  if (a.hard !== b.hard) return a.hard;
  return (a.origin ?? '') > (b.origin ?? '');
}

/**
 * Remembers the last invalidation, in memory. Values created before it are
 * hard-invalidated (look absent) or soft-invalidated (look expired).
 *
 * An invalidation stamped further in the future than clock skew explains
 * (by a clock that was set back since) counts from when it was received, so
 * it invalidates what exists then without disabling caching (or hiding later
 * invalidations) until its time.
 */
export class DefaultInvalidationStrategy implements RegionInvalidationStrategy {
  /** The last invalidation, its time taken as when it arrived if it was stamped in the future. */
  #last: InvalidationNotice | undefined;
  readonly #listeners = new Subscribable<(notice: InvalidationNotice) => void>();
  readonly #now: () => number;
  /** The id this strategy stamps its own invalidations with. */
  readonly origin: string;

  /**
   * @param now The clock, epoch ms; the region passes its own.
   * @param origin Id of this tab or process, for the order of simultaneous invalidations.
   */
  constructor(now: () => number = monotonicNow, origin: string = ORIGIN_ID) {
    this.#now = now;
    this.origin = origin;
  }

  invalidate(hard = true): void {
    this.apply({ hard: Boolean(hard), at: this.#now(), remote: false, origin: this.origin });
  }

  /**
   * Records an invalidation (made here or received from elsewhere) and tells
   * subscribers. Returns false, and tells nobody, when it is not newer than
   * the current one (see {@link isNewerInvalidation}).
   */
  protected apply(notice: InvalidationNotice): boolean {
    const now = this.#now();
    const taken = isFromTheFuture(notice.at, now) ? { ...notice, at: now } : notice;
    if (this.#last !== undefined && !isNewerInvalidation(taken, this.#last)) return false;
    this.#last = taken;
    this.#listeners.emit(taken);
    return true;
  }

  /** The last invalidation, as recorded. */
  protected get last(): InvalidationNotice | undefined {
    return this.#last;
  }

  isInvalidated(ts: number): boolean {
    let last = this.#last;
    if (last === undefined) return false;
    if (last.at - ts > FUTURE_TOLERANCE_MS) {
      // Stamped before the clock was set back: count it from now instead,
      // or nothing made until the clock reaches its stamp could be cached.
      const now = this.#now();
      if (isFromTheFuture(last.at, now)) this.#last = last = { ...last, at: now };
    }
    return ts < last.at;
  }

  wasHardInvalidated(): boolean {
    return this.#last?.hard === true;
  }

  isHardInvalidated(ts: number): boolean {
    return this.#last?.hard === true && this.isInvalidated(ts);
  }

  wasSoftInvalidated(): boolean {
    return this.#last?.hard === false;
  }

  isSoftInvalidated(ts: number): boolean {
    return this.#last?.hard === false && this.isInvalidated(ts);
  }

  invalidatedAt(): number | undefined {
    return this.#last?.at;
  }

  subscribe(listener: (notice: InvalidationNotice) => void): () => void {
    return this.#listeners.subscribe(listener);
  }
}
