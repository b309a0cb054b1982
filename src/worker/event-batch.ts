/**
 * A page watching the region's events gets them in batches: one message per
 * task, however many events the task produced, with the counters and
 * invalidation state after them.
 *
 * @module
 */
import type { RegionEvent, RegionStats } from '../events.js';
import type { CacheRegion } from '../region/region.js';
import { event, invalidation, type WireEvent, type WireInvalidation } from './wire.js';

/** Where batches go: the page's callbacks, seen through comlink. */
export interface EventsTarget {
  events(batch: WireEvent[], stats: RegionStats, invalidation: WireInvalidation): Promise<unknown>;
}

/** The events of one region, batched for one page while it watches. */
export class EventBatch {
  readonly #region: CacheRegion;
  /** Where batches go; `undefined` while they cannot be sent (they are dropped). */
  readonly #target: () => EventsTarget | undefined;
  #unsubscribe: (() => void) | undefined;
  #batch: WireEvent[] = [];
  #scheduled = false;

  constructor(region: CacheRegion, target: () => EventsTarget | undefined) {
    this.#region = region;
    this.#target = target;
  }

  /** Whether events are forwarded now. */
  get watching(): boolean {
    return this.#unsubscribe !== undefined;
  }

  /** Starts (`true`) or stops forwarding. */
  watch(on: boolean): void {
    if (on) this.#unsubscribe ??= this.#region.subscribe((value) => this.#queue(value));
    else this.stop();
  }

  /** Stops forwarding and drops what was not sent. */
  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#batch = [];
  }

  #queue(value: RegionEvent): void {
    this.#batch.push(event.to(value));
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => {
      this.#scheduled = false;
      const batch = this.#batch;
      this.#batch = [];
      const target = this.#target();
      if (!batch.length || !target) return;
      const region = this.#region;
      target.events(batch, region.stats, invalidation.to(region)).catch(() => {});
    }, 0);
  }
}
