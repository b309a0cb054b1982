/**
 * Suite 4, cross-tab: four tabs (pages of one browser context) x 50
 * concurrent callers of a missing key with a 50 ms creator, per round. It
 * counts creator calls per round and measures the time from the creator
 * finishing to the last caller of any tab having the value. The floor is a
 * raw Web Locks hand-off between two pages: release in one, grant in the other.
 *
 * @module
 */
import type { Browser, Page } from '@playwright/test';
import { median, runInterleaved, type Sample } from '../cases/harness.js';
import type { RunSettings, SuiteResult } from '../cases/suite-runner.js';
import type { TabRound } from '../pages/tab.js';

/** Tabs per round. */
export const TABS = 4;

interface CrossTabCase {
  name: string;
  library: string;
  /** Mode passed to `window.tab.setup`, or `web-locks` for the floor. */
  mode: string;
}

const CASES: CrossTabCase[] = [
  { name: 'Web Locks hand-off between 2 pages (floor)', library: '(platform)', mode: 'web-locks' },
  { name: 'dogpile indexeddb getOrCreate', library: 'dogpile-cache', mode: 'dogpile-indexeddb' },
  { name: 'dogpile localstorage getOrCreate', library: 'dogpile-cache', mode: 'dogpile-localstorage' },
  { name: 'lru-cache fetch, one cache per tab', library: 'lru-cache', mode: 'lru-cache' },
];

/** One round of a dogpile or lru-cache case over every tab. */
async function stampedeRound(tabs: Page[], round: number): Promise<Record<string, number>> {
  await Promise.all(tabs.map((tab) => tab.evaluate((r) => window.tab.arm(r), round)));
  await tabs[0]!.evaluate((r) => window.tab.go(r), round);
  const results: TabRound[] = await Promise.all(tabs.map((tab) => tab.evaluate((r) => window.tab.result(r), round)));
  if (!results.every((result) => result.consistent)) throw new Error(`cross-tab round ${round}: a caller got a wrong value`);
  const creatorCalls = results.reduce((sum, result) => sum + result.creatorCalls, 0);
  const doneAt = Math.min(...results.map((result) => result.creatorDoneAt ?? Infinity));
  const lastValueAt = Math.max(...results.map((result) => result.lastValueAt));
  if (!Number.isFinite(doneAt)) throw new Error(`cross-tab round ${round}: no tab ran the creator`);
  // How the value reached the tabs that did not create it: the first of them
  // and the last, to tell a parallel hand-off from a serial one.
  const others = results.filter((result) => result.creatorCalls === 0);
  // The last caller that waited (any tab, the creator's own caller excepted: it returns once its write is stored).
  const lastWaiterAt = Math.max(...results.map((result) => result.lastWaiterAt));
  const metrics: Record<string, number> = { creatorCalls, valueLatencyMs: lastValueAt - doneAt, lastWaiterMs: lastWaiterAt - doneAt };
  if (others.length) metrics.firstOtherTabMs = Math.min(...others.map((result) => result.firstValueAt)) - doneAt;
  return metrics;
}

/** One Web Locks hand-off from tab 0 to tab 1. */
async function handOffRound(tabs: Page[], round: number): Promise<Record<string, number>> {
  const [holder, waiter] = tabs as [Page, Page];
  const name = `bench-hand-off:${round}`;
  await holder.evaluate((n) => window.tab.hold(n), name);
  await waiter.evaluate((n) => window.tab.request(n), name);
  const releasedAt = await holder.evaluate((n) => window.tab.handOff(n), name);
  const grantedAt = await waiter.evaluate(() => window.tab.granted());
  return { valueLatencyMs: grantedAt - releasedAt, lastWaiterMs: grantedAt - releasedAt };
}

/** Rounds for at least `minMs`: per-round medians, the worst round, and the most creator calls in any round. */
async function measure(run: (round: number) => Promise<Record<string, number>>, next: () => number, minMs: number): Promise<Sample> {
  const rounds: Array<Record<string, number>> = [];
  const started = performance.now();
  do rounds.push(await run(next()));
  while (performance.now() - started < minMs);
  const values = (name: string) => rounds.map((round) => round[name]).filter((value): value is number => value !== undefined);
  const metrics: Record<string, number> = { valueLatencyMs: median(values('valueLatencyMs')), worstLatencyMs: Math.max(...values('valueLatencyMs')) };
  const firstOther = values('firstOtherTabMs');
  if (firstOther.length) metrics.firstOtherTabMs = median(firstOther);
  const lastWaiter = values('lastWaiterMs');
  if (lastWaiter.length) metrics.lastWaiterMs = median(lastWaiter);
  const calls = values('creatorCalls');
  if (calls.length) {
    metrics.creatorCalls = calls.reduce((a, b) => a + b, 0) / calls.length;
    metrics.maxCreatorCalls = Math.max(...calls);
  }
  return { ops: rounds.length, ms: performance.now() - started, metrics };
}

/**
 * Runs the cross-tab suite: one context with {@link TABS} pages per case
 * (fresh storage), cases interleaved by repetition.
 */
export async function runCrossTab(browser: Browser, pageUrl: string, settings: RunSettings): Promise<SuiteResult> {
  const contexts = await Promise.all(CASES.map(() => browser.newContext()));
  try {
    const tabsByCase = new Map<string, Page[]>();
    for (const [i, benchCase] of CASES.entries()) {
      const tabs = await Promise.all(Array.from({ length: TABS }, () => contexts[i]!.newPage()));
      for (const tab of tabs) {
        tab.on('pageerror', (error) => console.error(`  [tab error] ${error.message}`));
        await tab.goto(pageUrl);
        await tab.waitForFunction(() => 'tab' in window);
        if (benchCase.mode !== 'web-locks') await tab.evaluate((mode) => window.tab.setup(mode), benchCase.mode);
      }
      tabsByCase.set(benchCase.name, tabs);
    }
    let round = 0;
    const samples = await runInterleaved(
      CASES.map((benchCase) => benchCase.name),
      settings.reps,
      (name, ms) => {
        const benchCase = CASES.find((c) => c.name === name)!;
        const tabs = tabsByCase.get(name)!;
        const run = benchCase.mode === 'web-locks' ? (r: number) => handOffRound(tabs, r) : (r: number) => stampedeRound(tabs, r);
        return measure(run, () => ++round, ms);
      },
      settings.minMs,
      settings.warmupMs,
    );
    return {
      id: 'cross-tab',
      title: `Cross-tab stampede: ${TABS} tabs x 50 concurrent callers, 50 ms creator, per round`,
      env: 'chromium',
      baseline: CASES[0]!.name,
      metric: 'valueLatencyMs',
      cases: CASES.map(({ name, library }) => ({ name, library, samples: samples.get(name) ?? [] })),
    };
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
  }
}
