/**
 * What every benchmark page exposes to the runner as `window.bench`: prepare
 * one suite, then measure its cases by name, one repetition per call, so the
 * runner interleaves them.
 *
 * @module
 */
import type { Sample, Suite } from '../cases/harness.js';
import { PreparedSuite } from '../cases/suite-runner.js';

/** The page side of the runner protocol. */
export interface PageBench {
  /** Suite ids this page can run. */
  suites: string[];
  /** Sets up suite `id`; resolves with what the report needs to know of it. */
  prepare(id: string): Promise<SuiteInfo>;
  /** Measures case `name` of the prepared suite once, for at least `ms`. */
  measure(name: string, ms: number): Promise<Sample>;
  /** Facts counted outside the timed loop, if the suite has any. */
  notes(): Promise<Record<string, number | string>>;
}

declare global {
  interface Window {
    bench: PageBench;
  }
}

/** A suite without its code: what crosses from the page to the runner. */
export interface SuiteInfo {
  id: string;
  title: string;
  baseline: string;
  metric: string;
  cases: Array<{ name: string; library: string }>;
}

/** A suite as a page offers it: how to build it, and what to count besides timing. */
export interface PageSuite {
  build(): Suite;
  notes?(): Promise<Record<string, number | string>>;
}

/** Installs `window.bench` for the given suites. */
export function exposeSuites(suites: Record<string, PageSuite>): void {
  let current: { prepared: PreparedSuite; entry: PageSuite } | undefined;
  window.bench = {
    suites: Object.keys(suites),
    async prepare(id) {
      const entry = suites[id];
      if (!entry) throw new Error(`this page has no suite "${id}"`);
      const suite = entry.build();
      current = { prepared: await PreparedSuite.prepare(suite), entry };
      return {
        id: suite.id,
        title: suite.title,
        baseline: suite.baseline,
        metric: suite.metric,
        cases: suite.cases.map(({ name, library }) => ({ name, library })),
      };
    },
    measure(name, ms) {
      if (!current) throw new Error('no suite prepared');
      return current.prepared.measure(name, ms);
    },
    async notes() {
      return (await current?.entry.notes?.()) ?? {};
    },
  };
}
