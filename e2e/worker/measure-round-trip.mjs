#!/usr/bin/env node
// Measures the round-trip cost of a cache hit through a worker-hosted region
// against in-page memory and IndexedDB hits, in real Chromium:
//   node e2e/worker/measure-round-trip.mjs
// Not a test (nothing is asserted); prints microseconds per hit.
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';

process.env.E2E_PORT ||= '5184';
const port = Number(process.env.E2E_PORT);
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const server = await createServer({ configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)) });
await server.listen();
const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-timer-throttling'] });
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/worker/bench.html`);
  await page.waitForFunction(() => 'runRoundTrip' in window);
  const results = await page.evaluate(() => window.runRoundTrip());
  const rows = Object.entries(results).map(([name, r]) => `| ${name} | ${r.sequentialUs.toFixed(1)} | ${r.parallelUs.toFixed(1)} |`);
  console.log(['| case | µs per hit, sequential | µs per hit, 100 in flight |', '|---|---:|---:|', ...rows].join('\n'));
} finally {
  await browser.close();
  await server.close();
}
