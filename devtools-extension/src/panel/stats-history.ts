/**
 * Region counters sampled over time, for the panel's small charts: one
 * sample per region every few seconds, for the last minutes.
 *
 * @module
 */
import type { RegionInfo, StatsInfo } from '../../../src/devtools/protocol.js';

/** Counters of one region at one time. */
export interface StatsSample {
  time: number;
  stats: StatsInfo;
}

/** Hit rate between consecutive samples: `null` where nothing was read. */
export function hitRates(samples: readonly StatsSample[]): Array<{ time: number; rate: number | null }> {
  const out: Array<{ time: number; rate: number | null }> = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!.stats;
    const b = samples[i]!.stats;
    const hits = b.hits - a.hits;
    const misses = b.misses - a.misses;
    // A counter reset shows as a negative step: no rate for it.
    out.push({ time: samples[i]!.time, rate: hits < 0 || misses < 0 || hits + misses === 0 ? null : hits / (hits + misses) });
  }
  return out;
}

/** Keeps samples per region id. */
export class StatsHistory {
  readonly #every: number;
  readonly #keepMs: number;
  #samples = new Map<string, StatsSample[]>();

  constructor(every = 2000, keepMs = 5 * 60_000) {
    this.#every = every;
    this.#keepMs = keepMs;
  }

  /** Records the regions' counters at `time` (at most one sample per interval). */
  sample(time: number, regions: readonly RegionInfo[]): void {
    for (const region of regions) {
      let list = this.#samples.get(region.id);
      if (!list) this.#samples.set(region.id, (list = []));
      const last = list.at(-1);
      if (last && time - last.time < this.#every) continue;
      list.push({ time, stats: { ...region.stats } });
      while (list.length > 0 && time - list[0]!.time > this.#keepMs) list.shift();
    }
  }

  /** A copy of the samples. */
  snapshot(): Map<string, StatsSample[]> {
    return new Map([...this.#samples].map(([id, list]) => [id, [...list]]));
  }

  /** Forgets all samples (a reloaded page has new region ids). */
  clear(): void {
    this.#samples = new Map();
  }
}
