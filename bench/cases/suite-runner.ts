/**
 * Runs whole suites where the cases live (Node, or a page): prepares every
 * case, then measures them interleaved.
 *
 * @module
 */
import { measureCase, runInterleaved, type BenchCase, type Op, type RoundOp, type Sample, type Suite } from './harness.js';

/** Measured repetitions of one case. */
export interface CaseResult {
  name: string;
  library: string;
  samples: Sample[];
}

/** One suite measured in one environment. */
export interface SuiteResult {
  id: string;
  title: string;
  /** `node` or `chromium`. */
  env: string;
  baseline: string;
  metric: string;
  cases: CaseResult[];
  /** Facts counted outside the timed loop (transactions per hit, say). */
  notes?: Record<string, number | string>;
}

/** How long and how often to measure. */
export interface RunSettings {
  reps: number;
  minMs: number;
  warmupMs: number;
}

/** Cases set up and ready to be measured by name. */
export class PreparedSuite {
  readonly suite: Suite;
  readonly #ops = new Map<string, { benchCase: BenchCase; op: Op | RoundOp }>();

  private constructor(suite: Suite) {
    this.suite = suite;
  }

  /** Sets up every case of `suite` (warming each cache). */
  static async prepare(suite: Suite): Promise<PreparedSuite> {
    const prepared = new PreparedSuite(suite);
    for (const benchCase of suite.cases) {
      if (prepared.#ops.has(benchCase.name)) throw new Error(`suite ${suite.id}: two cases named "${benchCase.name}"`);
      prepared.#ops.set(benchCase.name, { benchCase, op: await benchCase.setup() });
    }
    return prepared;
  }

  /** Names of the cases, in suite order. */
  get names(): string[] {
    return this.suite.cases.map((benchCase) => benchCase.name);
  }

  /** Measures case `name` once, for at least `ms`. */
  async measure(name: string, ms: number): Promise<Sample> {
    const entry = this.#ops.get(name);
    if (!entry) throw new Error(`suite ${this.suite.id}: no case "${name}"`);
    const sample = await measureCase(entry.benchCase, entry.op, ms);
    if (entry.benchCase.kind === 'throughput') await entry.benchCase.settle?.();
    return sample;
  }
}

/** Prepares and measures `suite` here, in this realm. */
export async function runSuiteHere(suite: Suite, env: string, settings: RunSettings): Promise<SuiteResult> {
  const prepared = await PreparedSuite.prepare(suite);
  const samples = await runInterleaved(prepared.names, settings.reps, (name, ms) => prepared.measure(name, ms), settings.minMs, settings.warmupMs);
  return resultOf(suite, env, samples);
}

/** Packs measured samples into a {@link SuiteResult}. */
export function resultOf(suite: Suite, env: string, samples: Map<string, Sample[]>): SuiteResult {
  return {
    id: suite.id,
    title: suite.title,
    env,
    baseline: suite.baseline,
    metric: suite.metric,
    cases: suite.cases.map((benchCase) => ({ name: benchCase.name, library: benchCase.library, samples: samples.get(benchCase.name) ?? [] })),
  };
}
