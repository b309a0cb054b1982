/**
 * The Node suite: memory hits, the in-process stampede and the localStorage
 * entry encoding, measured in a Node process of its own (started by the
 * runner), printed as JSON.
 *
 * Usage: `node main.mjs '{"reps":5,"minMs":1000,"warmupMs":300}'`.
 *
 * @module
 */
import { encodingSuite } from '../cases/encoding.js';
import { memoryHitSuite } from '../cases/memory-hit.js';
import { stampedeSuite } from '../cases/stampede.js';
import { runSuiteHere, type RunSettings, type SuiteResult } from '../cases/suite-runner.js';

/** The line before the JSON result on stdout. */
export const RESULT_MARKER = '--- bench result ---';

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2] ?? '{}') as RunSettings;
  const only = process.argv[3]?.split(',').filter(Boolean);
  const results: SuiteResult[] = [];
  for (const suite of [memoryHitSuite(), stampedeSuite(), encodingSuite()]) {
    if (only && !only.includes(suite.id)) continue;
    process.stderr.write(`  node: ${suite.id}\n`);
    results.push(await runSuiteHere(suite, 'node', settings));
  }
  process.stdout.write(`${RESULT_MARKER}\n${JSON.stringify(results)}\n`);
}

main().then(
  // Query caches keep garbage-collection timers; the suite is done, so leave now.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
