/**
 * Drives the benchmark pages in headless Debian Chromium: one fresh browser
 * context (clean storage) per suite, cases measured interleaved, one
 * repetition per `page.evaluate`.
 *
 * @module
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../e2e/chromium.js';
import { runInterleaved, type Sample } from '../cases/harness.js';
import type { RunSettings, SuiteResult } from '../cases/suite-runner.js';
import type { SuiteInfo } from '../pages/page-api.js';

/** Starts Chromium as the tests do (e2e/chromium.ts). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}

/** Opens `url` in `page` and waits until the page has installed `window.bench`. */
export async function openBenchPage(page: Page, url: string): Promise<void> {
  page.on('pageerror', (error) => console.error(`  [page error] ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`  [page console] ${message.text()}`);
  });
  await page.goto(url);
  await page.waitForFunction(() => 'bench' in window, undefined, { timeout: 30_000 });
}

/** Runs suite `id` of page `pageUrl` in a fresh context and returns its samples. */
export async function runPageSuite(browser: Browser, pageUrl: string, id: string, settings: RunSettings, env = 'chromium'): Promise<SuiteResult> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await openBenchPage(page, pageUrl);
    const info: SuiteInfo = await page.evaluate((suiteId) => window.bench.prepare(suiteId), id);
    const samples = await runInterleaved(
      info.cases.map((benchCase) => benchCase.name),
      settings.reps,
      (name, ms) => page.evaluate(([caseName, caseMs]) => window.bench.measure(caseName, caseMs), [name, ms] as const) as Promise<Sample>,
      settings.minMs,
      settings.warmupMs,
    );
    const notes = await page.evaluate(() => window.bench.notes());
    return {
      id: info.id,
      title: info.title,
      env,
      baseline: info.baseline,
      metric: info.metric,
      cases: info.cases.map((benchCase) => ({ ...benchCase, samples: samples.get(benchCase.name) ?? [] })),
      ...(Object.keys(notes).length ? { notes } : {}),
    };
  } finally {
    await context.close();
  }
}
