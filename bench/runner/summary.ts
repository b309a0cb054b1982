/**
 * Turns repetitions into medians, ranges and ratios to the suite's baseline.
 *
 * @module
 */
import { median } from '../cases/harness.js';
import type { SuiteResult } from '../cases/suite-runner.js';

/** One metric over the repetitions. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** One case, summarised. */
export interface CaseSummary {
  name: string;
  library: string;
  /** Repetitions measured. */
  reps: number;
  /** Calls (or rounds) in all repetitions. */
  ops: number;
  /** Every metric, over the repetitions. */
  metrics: Record<string, Spread>;
  /** Median of the suite metric divided by the baseline's (1 = baseline; lower is faster). */
  relative: number | undefined;
}

/** One suite, summarised. */
export interface SuiteSummary extends Omit<SuiteResult, 'cases'> {
  cases: CaseSummary[];
}

function spread(values: number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Summarises a suite's samples. */
export function summarise(result: SuiteResult): SuiteSummary {
  const cases = result.cases.map((benchCase): CaseSummary => {
    const names = new Set(benchCase.samples.flatMap((sample) => Object.keys(sample.metrics)));
    const metrics: Record<string, Spread> = {};
    for (const name of names) {
      const values = benchCase.samples.map((sample) => sample.metrics[name]).filter((value): value is number => typeof value === 'number');
      if (values.length) metrics[name] = spread(values);
    }
    return {
      name: benchCase.name,
      library: benchCase.library,
      reps: benchCase.samples.length,
      ops: benchCase.samples.reduce((sum, sample) => sum + sample.ops, 0),
      metrics,
      relative: undefined,
    };
  });
  const base = cases.find((benchCase) => benchCase.name === result.baseline)?.metrics[result.metric]?.median;
  for (const benchCase of cases) {
    const value = benchCase.metrics[result.metric]?.median;
    if (base !== undefined && value !== undefined && base > 0) benchCase.relative = value / base;
  }
  return { ...result, cases };
}

/** The summary of case `name` in `suite`, if measured. */
export function findCase(suite: SuiteSummary | undefined, name: string): CaseSummary | undefined {
  return suite?.cases.find((benchCase) => benchCase.name === name);
}
