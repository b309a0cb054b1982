/**
 * The measuring loop, shared by the Node suite and the benchmark pages.
 *
 * A case is prepared once (its cache warmed), then measured in repetitions
 * of at least `minMs` each. Repetitions of the cases of one suite are
 * interleaved (case A, B, C, then A, B, C again, in a rotated order), so a
 * noisy second on the machine spreads over every case instead of hitting one.
 *
 * @module
 */

/** One operation under test; async cases return a promise that the loop awaits. */
export type Op = () => unknown;

/** One round of a round-based case (a stampede, say): its metrics. */
export type RoundOp = () => Promise<Record<string, number>>;

/** A throughput case: how long one call of `op` takes. */
export interface ThroughputCase {
  kind: 'throughput';
  /** Unique within the suite; shown in the table. */
  name: string;
  /** Package measured (`dogpile-cache`, `lru-cache`, `(platform)` for raw APIs). */
  library: string;
  /** `op` returns a promise to await. */
  async: boolean;
  /** Units of work per call of `op` (e.g. 100 keys read per call); results are per unit. */
  unitsPerOp?: number;
  /** Warms the cache and returns the operation. */
  setup(): Promise<Op>;
  /**
   * Runs after each repetition, untimed: lets work the case left behind
   * (e.g. the browser flushing localStorage to disk) finish before the next
   * case is timed, so it is not charged to that case.
   */
  settle?(): Promise<void>;
}

/** A round case: each call of `op` is one round, which reports its own metrics. */
export interface RoundCase {
  kind: 'rounds';
  name: string;
  library: string;
  setup(): Promise<RoundOp>;
}

export type BenchCase = ThroughputCase | RoundCase;

/** A suite: cases measured together and compared with a named baseline. */
export interface Suite {
  id: string;
  title: string;
  /** Name of the case the others are compared with. */
  baseline: string;
  /** The metric the table sorts on and compares; lower is better. */
  metric: string;
  cases: BenchCase[];
}

/** What one repetition of one case measured. */
export interface Sample {
  /** Calls of `op` (or rounds). */
  ops: number;
  /** Wall time of the repetition. */
  ms: number;
  /** `nsPerUnit` for throughput cases; the mean of each round metric for round cases. */
  metrics: Record<string, number>;
}

const now = (): number => performance.now();

/** Cases whose op fit no call between two clock reads are timed in batches of this share of the repetition. */
const BATCH_SHARE = 1 / 20;

/** Keeps results alive, so the engine cannot drop a call whose result is unused. */
export let sink: unknown;

/** Measures a throughput case for at least `minMs`. */
export async function measureThroughput(op: Op, isAsync: boolean, unitsPerOp: number, minMs: number): Promise<Sample> {
  let ops = 0;
  let batch = 1;
  let elapsed = 0;
  const start = now();
  for (;;) {
    if (isAsync) {
      for (let i = 0; i < batch; i++) sink = await op();
    } else {
      for (let i = 0; i < batch; i++) sink = op();
    }
    ops += batch;
    elapsed = now() - start;
    if (elapsed >= minMs) break;
    // Grow the batch until one batch takes about BATCH_SHARE of the repetition,
    // so reading the clock costs nothing measurable.
    const perOp = elapsed / ops;
    const target = perOp > 0 ? Math.floor((minMs * BATCH_SHARE) / perOp) : batch * 2;
    batch = Math.max(1, Math.min(batch * 2, target));
  }
  return { ops, ms: elapsed, metrics: { nsPerUnit: (elapsed * 1e6) / (ops * unitsPerOp) } };
}

/** Runs rounds for at least `minMs` and averages each metric over them. */
export async function measureRounds(op: RoundOp, minMs: number): Promise<Sample> {
  const sums: Record<string, number> = {};
  let rounds = 0;
  const start = now();
  let elapsed = 0;
  do {
    const metrics = await op();
    for (const [name, value] of Object.entries(metrics)) sums[name] = (sums[name] ?? 0) + value;
    rounds++;
    elapsed = now() - start;
  } while (elapsed < minMs);
  const metrics: Record<string, number> = {};
  for (const [name, sum] of Object.entries(sums)) metrics[name] = sum / rounds;
  return { ops: rounds, ms: elapsed, metrics };
}

/** Measures one prepared case once. */
export function measureCase(benchCase: BenchCase, prepared: Op | RoundOp, minMs: number): Promise<Sample> {
  return benchCase.kind === 'throughput'
    ? measureThroughput(prepared as Op, benchCase.async, benchCase.unitsPerOp ?? 1, minMs)
    : measureRounds(prepared as RoundOp, minMs);
}

/**
 * Runs `reps` repetitions of every case, interleaved and in a rotated order,
 * after one unrecorded warm-up pass of `warmupMs` per case.
 */
export async function runInterleaved(
  names: readonly string[],
  reps: number,
  run: (name: string, ms: number) => Promise<Sample>,
  minMs: number,
  warmupMs: number,
): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>(names.map((name) => [name, []]));
  if (warmupMs > 0) for (const name of names) await run(name, warmupMs);
  for (let rep = 0; rep < reps; rep++) {
    const order = names.map((_, i) => names[(i + rep) % names.length]!);
    for (const name of order) samples.get(name)!.push(await run(name, minMs));
  }
  return samples;
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A promise that resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
