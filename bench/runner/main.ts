/**
 * `npm run bench`: builds the benchmark pages and the Node suite, measures
 * in Node and in headless Chromium, measures bundle sizes, prints the tables
 * and writes bench/results/latest.{json,md}.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from '@playwright/test';
import { preview, type PreviewServer } from 'vite';
import type { RunSettings, SuiteResult } from '../cases/suite-runner.js';
import { launchChromium, runPageSuite } from './browser.js';
import { buildNodeSuite, buildPages, hasEntry } from './build.js';
import { runCrossTab } from './cross-tab.js';
import { runNodeSuite } from './node-suite.js';
import { parseOptions, USAGE, wants, type BenchOptions } from './options.js';
import { resultsDir } from './paths.js';
import { reportMarkdown, reportText, type BenchReport } from './report.js';
import { measureSizes, type SizeResult } from './size.js';
import { summarise } from './summary.js';
import { checkTargets } from './targets.js';
import { environment, packageVersions } from './versions.js';

/** Suites measured in Node. */
const NODE_SUITES = ['memory-hit', 'stampede', 'encoding'];

/** Suites measured in a page: which page, and which source entry they need. */
const PAGE_SUITES: Array<{ id: string; page: string; needs?: string }> = [
  { id: 'memory-hit', page: 'index' },
  { id: 'stampede', page: 'index' },
  { id: 'storage-read', page: 'storage', needs: 'browser' },
  { id: 'storage-write', page: 'storage', needs: 'browser' },
  { id: 'storage-bulk', page: 'storage', needs: 'browser' },
  { id: 'storage-multi', page: 'storage', needs: 'browser' },
  { id: 'cross-tab', page: 'tab', needs: 'browser' },
  { id: 'worker', page: 'worker', needs: 'worker' },
];

const log = (line: string) => console.log(line);

/** Runs the benchmark; resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (options.help) {
    log(USAGE);
    return 0;
  }
  const started = performance.now();
  const settings: RunSettings = { reps: options.reps, minMs: options.minMs, warmupMs: options.warmupMs };
  const results: SuiteResult[] = [];
  const missing: string[] = [];
  let chromiumVersion: string | undefined;

  const nodeSuites = options.node ? NODE_SUITES.filter((id) => wants(options, id)) : [];
  const pageSuites = options.browser ? PAGE_SUITES.filter((suite) => wants(options, suite.id)) : [];
  for (const suite of pageSuites.filter((suite) => suite.needs && !hasEntry(suite.needs))) {
    missing.push(`${suite.id} (Chromium): src/${suite.needs}/index.ts does not exist in this tree yet`);
  }
  const runnablePages = pageSuites.filter((suite) => !suite.needs || hasEntry(suite.needs));

  log('== build');
  const nodeScript = nodeSuites.length ? await buildNodeSuite() : undefined;
  const pagesDir = runnablePages.length ? await buildPages([...new Set(runnablePages.map((suite) => suite.page))]) : undefined;

  if (nodeScript) {
    log(`== Node ${process.version}: ${nodeSuites.join(', ')}`);
    results.push(...(await runNodeSuite(nodeScript, settings, nodeSuites)));
  }

  if (pagesDir) {
    let server: PreviewServer | undefined;
    let browser: Browser | undefined;
    try {
      server = await preview({
        configFile: false,
        root: resolve(pagesDir, '..'),
        logLevel: 'warn',
        build: { outDir: pagesDir },
        // Cross-origin isolation gives the pages 5 µs timers instead of 100 µs.
        preview: {
          host: '127.0.0.1',
          port: options.port,
          strictPort: true,
          open: false,
          headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
        },
      });
      const origin = `http://127.0.0.1:${options.port}`;
      browser = await launchChromium();
      chromiumVersion = browser.version();
      log(`== Chromium ${chromiumVersion}: ${runnablePages.map((suite) => suite.id).join(', ')}`);
      for (const suite of runnablePages) {
        log(`  chromium: ${suite.id}`);
        const url = `${origin}/${suite.page}.html`;
        results.push(suite.id === 'cross-tab' ? await runCrossTab(browser, url, settings) : await runPageSuite(browser, url, suite.id, settings));
      }
    } finally {
      await browser?.close();
      await server?.close();
    }
  }

  let sizes: SizeResult[] = [];
  if (options.size && wants(options, 'size')) {
    log('== bundle sizes');
    sizes = await measureSizes();
  }

  const suites = results.map(summarise);
  const envs = [...new Set(suites.map((suite) => suite.env))];
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    durationS: (performance.now() - started) / 1000,
    settings,
    environment: environment(chromiumVersion),
    versions: packageVersions(),
    suites,
    sizes,
    targets: checkTargets(suites, sizes, envs.length ? envs : ['node', 'chromium']),
    missing,
  };
  log('');
  log(reportText(report));
  if (options.write) {
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(resolve(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(resolve(resultsDir, 'latest.md'), reportMarkdown(report));
    log(`\nWrote bench/results/latest.json and bench/results/latest.md`);
  }
  return 0;
}
