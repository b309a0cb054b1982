/**
 * The project's performance targets, checked against one run's figures.
 * A target whose figures were not measured says so; none is assumed met.
 *
 * @module
 */
import { formatMs, formatNs } from './format.js';
import type { SizeResult } from './size.js';
import { findCase, type SuiteSummary } from './summary.js';

/** One target and what the run measured for it. */
export interface TargetCheck {
  target: string;
  measured: string;
  /** `met`, `missed: ...` or `not measured: ...`. */
  verdict: string;
  met: boolean | undefined;
}

/** Suites by `id/env`. */
type SuiteIndex = (id: string, env: string) => SuiteSummary | undefined;

const NOT_MEASURED = (why: string): Pick<TargetCheck, 'verdict' | 'met'> => ({ verdict: `not measured: ${why}`, met: undefined });

function median(suite: SuiteSummary | undefined, name: string, metric = suite?.metric ?? ''): number | undefined {
  return findCase(suite, name)?.metrics[metric]?.median;
}

function maxOf(suite: SuiteSummary | undefined, name: string, metric: string): number | undefined {
  return findCase(suite, name)?.metrics[metric]?.max;
}

/** Memory hit: getOrCreate vs lru-cache fetch (>= as fast), cache-manager wrap and query-core ensureQueryData (>= 10x). */
function memoryTargets(suiteOf: SuiteIndex, env: string): TargetCheck[] {
  const suite = suiteOf('memory-hit', env);
  const ours = median(suite, 'dogpile getOrCreate');
  const checks: TargetCheck[] = [];
  const lru = median(suite, 'lru-cache fetch');
  const target1 = `[${env}] memory hit: getOrCreate at least as fast as lru-cache fetch`;
  if (ours === undefined || lru === undefined) checks.push({ target: target1, measured: '', ...NOT_MEASURED('suite memory-hit not run') });
  else {
    const ratio = lru / ours;
    checks.push({
      target: target1,
      measured: `${formatNs(ours)} vs ${formatNs(lru)} (${ratio.toFixed(2)}x lru-cache's speed)`,
      verdict: ratio >= 1 ? 'met' : `missed: ${((1 / ratio - 1) * 100).toFixed(0)}% slower`,
      met: ratio >= 1,
    });
  }
  for (const peer of ['cache-manager wrap', 'query-core ensureQueryData']) {
    const theirs = median(suite, peer);
    const target = `[${env}] memory hit: getOrCreate at least 10x ${peer}`;
    if (ours === undefined || theirs === undefined) {
      checks.push({ target, measured: '', ...NOT_MEASURED('suite memory-hit not run') });
      continue;
    }
    const ratio = theirs / ours;
    checks.push({
      target,
      measured: `${ratio.toFixed(1)}x faster (${formatNs(ours)} vs ${formatNs(theirs)})`,
      verdict: ratio >= 10 ? 'met' : `missed: ${ratio.toFixed(1)}x, needs 10x`,
      met: ratio >= 10,
    });
  }
  return checks;
}

/** Stampede: one creator call, overhead no more than lru-cache's. */
function stampedeTargets(suiteOf: SuiteIndex, env: string): TargetCheck[] {
  const suite = suiteOf('stampede', env);
  const calls = maxOf(suite, 'dogpile getOrCreate', 'creatorCalls');
  const ours = median(suite, 'dogpile getOrCreate', 'overheadMs');
  const lru = median(suite, 'lru-cache fetch', 'overheadMs');
  const target1 = `[${env}] stampede: 1 creator call per round`;
  const target2 = `[${env}] stampede: overhead no more than lru-cache fetch's`;
  if (calls === undefined || ours === undefined || lru === undefined) {
    return [target1, target2].map((target) => ({ target, measured: '', ...NOT_MEASURED('suite stampede not run') }));
  }
  return [
    { target: target1, measured: `${calls} (highest mean of any repetition)`, verdict: calls === 1 ? 'met' : `missed: ${calls}`, met: calls === 1 },
    {
      target: target2,
      measured: `${formatMs(ours)} vs ${formatMs(lru)}`,
      verdict: ours <= lru ? 'met' : `missed by ${formatMs(ours - lru)} (${(ours / lru).toFixed(2)}x)`,
      met: ours <= lru,
    },
  ];
}

/** IndexedDB: a hit costs at most one transaction; getMulti(100) >= 5x the per-key throughput of 100 single gets. */
function indexedDbTargets(suiteOf: SuiteIndex): TargetCheck[] {
  const suite = suiteOf('storage-read', 'chromium');
  const bulk = suiteOf('storage-bulk', 'chromium');
  const target1 = '[chromium] IndexedDB: a hit costs at most one transaction';
  const target2 = '[chromium] IndexedDB: getMulti of 100 keys at least 5x the per-key throughput of 100 single gets';
  const checks: TargetCheck[] = [];
  const notes = suite?.notes ?? {};
  const perGet = notes['idb transactions per get hit'];
  const perGetOrCreate = notes['idb transactions per getOrCreate hit'];
  if (typeof perGet !== 'number' || typeof perGetOrCreate !== 'number') checks.push({ target: target1, measured: '', ...NOT_MEASURED('suite storage-read not run') });
  else {
    const worst = Math.max(perGet, perGetOrCreate);
    checks.push({ target: target1, measured: `get: ${perGet}, getOrCreate: ${perGetOrCreate}`, verdict: worst <= 1 ? 'met' : `missed: ${worst}`, met: worst <= 1 });
  }
  const multi = median(bulk, 'dogpile idb getMulti(100), per key');
  for (const how of ['concurrent', 'one after another']) {
    const singles = median(bulk, `dogpile idb 100 x get (${how}), per key`);
    const target = `${target2} (${how})`;
    if (multi === undefined || singles === undefined) {
      checks.push({ target, measured: '', ...NOT_MEASURED('suite storage-bulk not run') });
      continue;
    }
    const ratio = singles / multi;
    checks.push({
      target,
      measured: `${ratio.toFixed(1)}x (${formatNs(multi)} vs ${formatNs(singles)} per key)`,
      verdict: ratio >= 5 ? 'met' : `missed: ${ratio.toFixed(1)}x, needs 5x`,
      met: ratio >= 5,
    });
  }
  return checks;
}

/** getOrCreateMulti of 10,000 keys (5,000 missing) within 3x of getMulti + setMulti of the same keys. */
function multiKeyTargets(suiteOf: SuiteIndex): TargetCheck[] {
  const suite = suiteOf('storage-multi', 'chromium');
  const target = '[chromium] IndexedDB: getOrCreateMulti of 10,000 keys (5,000 missing) within 3x of getMulti + setMulti';
  const ours = median(suite, 'dogpile idb getOrCreateMulti');
  const plain = median(suite, 'dogpile idb getMulti + setMulti of the missing');
  if (ours === undefined || plain === undefined) return [{ target, measured: '', ...NOT_MEASURED('suite storage-multi not run') }];
  const ratio = ours / plain;
  return [{ target, measured: `${ratio.toFixed(2)}x (${ours.toFixed(0)} ms vs ${plain.toFixed(0)} ms)`, verdict: ratio <= 3 ? 'met' : `missed: ${ratio.toFixed(2)}x`, met: ratio <= 3 }];
}

/**
 * Cross-tab, for each dogpile backend: one creator call in every round, and
 * the last waiting tab has the value within 2 ms of the creator finishing,
 * shown beside the Web Locks hand-off floor of the same run (as a ratio).
 */
function crossTabTargets(suiteOf: SuiteIndex): TargetCheck[] {
  const suite = suiteOf('cross-tab', 'chromium');
  const target1 = (backend: string) => `[chromium] cross-tab ${backend}: 1 creator call in every round (4 tabs x 50 callers)`;
  const target2 = (backend: string) => `[chromium] cross-tab ${backend}: last waiter of the 4 tabs has the value within 2 ms of the creator finishing (vs the Web Locks floor, same run)`;
  const ours = suite?.cases.filter((benchCase) => benchCase.library === 'dogpile-cache') ?? [];
  if (!suite || ours.length === 0) {
    return ['localstorage', 'indexeddb'].flatMap((backend) => [target1(backend), target2(backend)]).map((target) => ({ target, measured: '', ...NOT_MEASURED('suite cross-tab not run (needs dogpile-cache/browser)') }));
  }
  const floorName = suite.cases.find((benchCase) => benchCase.library === '(platform)')?.name;
  const floor = floorName === undefined ? undefined : median(suite, floorName, 'valueLatencyMs');
  return ours.flatMap(({ name }) => {
    const backend = /indexeddb/.test(name) ? 'indexeddb' : /localstorage/.test(name) ? 'localstorage' : name;
    const calls = maxOf(suite, name, 'maxCreatorCalls') ?? maxOf(suite, name, 'creatorCalls');
    // The waiters: every caller but the creator's own, which returns once its write is stored.
    const latency = median(suite, name, 'lastWaiterMs') ?? median(suite, name, 'valueLatencyMs');
    const worst = maxOf(suite, name, 'lastWaiterMs') ?? maxOf(suite, name, 'valueLatencyMs');
    const firstOther = median(suite, name, 'firstOtherTabMs');
    const lastCaller = median(suite, name, 'valueLatencyMs');
    const againstFloor = floor === undefined || latency === undefined ? '' : `; floor ${formatMs(floor)}, ${(latency / floor).toFixed(1)}x it, ${formatMs(latency - floor)} above it`;
    return [
      calls === undefined
        ? { target: target1(backend), measured: '', ...NOT_MEASURED('creator calls not counted') }
        : { target: target1(backend), measured: `at most ${calls} in any round`, verdict: calls === 1 ? 'met' : `missed: ${calls}`, met: calls === 1 },
      latency === undefined
        ? { target: target2(backend), measured: '', ...NOT_MEASURED('latency not measured') }
        : {
            target: target2(backend),
            measured: `${formatMs(latency)} (median; slowest repetition ${formatMs(worst ?? latency)}${firstOther === undefined ? '' : `; first other tab ${formatMs(firstOther)}`}${lastCaller === undefined ? '' : `; last caller incl. the creator's ${formatMs(lastCaller)}`}${againstFloor})`,
            verdict: latency <= 2 ? 'met' : `missed by ${formatMs(latency - 2)}`,
            met: latency <= 2,
          },
    ];
  });
}

/** Core entry (region + lock + memory backend): at most 4 KB min+gzip. */
function sizeTargets(sizes: readonly SizeResult[]): TargetCheck[] {
  const target = 'core (region + lock + memory backend) at most 4 KB min+gzip';
  const core = sizes.find((size) => size.id === 'core');
  if (!core || core.skipped) return [{ target, measured: '', ...NOT_MEASURED(core?.skipped ?? 'size not run') }];
  const limit = 4096;
  return [
    {
      target,
      measured: `${(core.gzip / 1024).toFixed(2)} KB (${core.gzip} bytes)`,
      verdict: core.gzip <= limit ? 'met' : `missed by ${core.gzip - limit} bytes (${((core.gzip / limit - 1) * 100).toFixed(0)}%)`,
      met: core.gzip <= limit,
    },
  ];
}

/** Checks every target against the run's suites and sizes. */
export function checkTargets(suites: readonly SuiteSummary[], sizes: readonly SizeResult[], envs: readonly string[]): TargetCheck[] {
  const suiteOf: SuiteIndex = (id, env) => suites.find((suite) => suite.id === id && suite.env === env);
  return [
    ...envs.flatMap((env) => memoryTargets(suiteOf, env)),
    ...envs.flatMap((env) => stampedeTargets(suiteOf, env)),
    ...indexedDbTargets(suiteOf),
    ...multiKeyTargets(suiteOf),
    ...crossTabTargets(suiteOf),
    ...sizeTargets(sizes),
  ];
}
