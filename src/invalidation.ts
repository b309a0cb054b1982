/**
 * Region invalidation: dogpile.cache's `RegionInvalidationStrategy` and its
 * default, in-process implementation.
 *
 * @module
 */
import type { InvalidationNotice, RegionInvalidationStrategy } from './api.js';
import { monotonicNow } from './clock.js';

export type { InvalidationNotice, RegionInvalidationStrategy } from './api.js';

/**
 * Remembers the time and kind of the last invalidation, in memory. Values
 * created before that time are hard-invalidated (look absent) or
 * soft-invalidated (look expired).
 */
export class DefaultInvalidationStrategy implements RegionInvalidationStrategy {
  #hard: boolean | undefined;
  #invalidatedAt: number | undefined;
  #listeners = new Set<(notice: InvalidationNotice) => void>();
  readonly #now: () => number;

  /** @param now The clock, epoch ms; the region passes its own. */
  constructor(now: () => number = monotonicNow) {
    this.#now = now;
  }

  invalidate(hard = true): void {
    this.apply({ hard: Boolean(hard), at: this.#now(), remote: false });
  }

  /**
   * Records an invalidation that happened at a given time (e.g. in another
   * tab) and tells subscribers. An older one than the current is ignored.
   */
  protected apply(notice: InvalidationNotice): void {
    if (this.#invalidatedAt !== undefined && notice.at < this.#invalidatedAt) return;
    this.#hard = notice.hard;
    this.#invalidatedAt = notice.at;
    this.#listeners.forEach((listener) => listener(notice));
  }

  isInvalidated(ts: number): boolean {
    return this.#invalidatedAt !== undefined && ts < this.#invalidatedAt;
  }

  wasHardInvalidated(): boolean {
    return this.#hard === true;
  }

  isHardInvalidated(ts: number): boolean {
    return this.#hard === true && this.isInvalidated(ts);
  }

  wasSoftInvalidated(): boolean {
    return this.#hard === false;
  }

  isSoftInvalidated(ts: number): boolean {
    return this.#hard === false && this.isInvalidated(ts);
  }

  invalidatedAt(): number | undefined {
    return this.#invalidatedAt;
  }

  subscribe(listener: (notice: InvalidationNotice) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
