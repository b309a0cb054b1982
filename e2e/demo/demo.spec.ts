// The demo app, served as `npm start` serves it, driven in real Chromium:
// real localStorage, IndexedDB, Web Locks and BroadcastChannel, several tabs
// of one browser context, and the API server's own request counts.
import { mkdirSync } from 'node:fs';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { demoServerOrigin } from './server.js';

const ARTIFACTS = 'e2e/artifacts';
const REGIONS = ['memory', 'localstorage', 'indexeddb'] as const;
type RegionId = (typeof REGIONS)[number];

interface RequestCounts {
  total: number;
  bySource: Record<string, number>;
  byQuery: Record<string, number>;
}

test.use({ baseURL: demoServerOrigin, viewport: { width: 1280, height: 800 } });

/** Opens the demo on `query`, failing the test on any console error or page error. */
async function openDemo(page: Page, query: string): Promise<void> {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  (page as Page & { problems?: string[] }).problems = problems;
  await page.goto(`/?q=${encodeURIComponent(query)}`);
}

function problemsOf(page: Page): string[] {
  return (page as Page & { problems?: string[] }).problems ?? [];
}

function panel(page: Page, region: RegionId) {
  return page.locator(`[data-region="${region}"]`);
}

async function expectAllFresh(page: Page): Promise<void> {
  for (const region of REGIONS) await expect(panel(page, region)).toHaveAttribute('data-status', 'fresh');
}

async function counts(page: Page): Promise<RequestCounts> {
  const response = await page.request.get(`${demoServerOrigin}/api/requests`);
  expect(response.ok()).toBe(true);
  return (await response.json()) as RequestCounts;
}

/** Requests the server received from `source` (a region, or `server`: the server processes) for `query` since `before`. */
function served(after: RequestCounts, before: RequestCounts, source: RegionId | 'server', query: string): number {
  const key = `${source}|${query}`;
  return (after.byQuery[key] ?? 0) - (before.byQuery[key] ?? 0);
}

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}/${name}.png`;
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('the demo renders at 1280x800 with no console errors, and the server counts one request per region', async ({ page }, testInfo) => {
  const before = await counts(page);
  await openDemo(page, 'cache');
  await expect(page.getByRole('heading', { name: 'dogpile-cache' })).toBeVisible();
  await expectAllFresh(page);
  for (const region of REGIONS) {
    await expect(panel(page, region).getByTestId('lookup')).toHaveText('miss · fetched here');
    await expect(panel(page, region).locator('.results li').first()).toContainText('lru-cache');
    await expect(panel(page, region)).toHaveAttribute('data-status-history', 'loading fresh');
  }
  const after = await counts(page);
  for (const region of REGIONS) expect(served(after, before, region, 'cache')).toBe(1);
  // The page shows the server's figures.
  for (const region of REGIONS) await expect(panel(page, region).getByTestId('served-query')).toHaveText(/^[1-9]\d*$/);
  await expect(page.getByTestId('server-total').locator('strong')).toHaveText(/^[1-9]\d*$/);
  // The devtools inspector found the three regions.
  const registered = await page.evaluate(() => {
    const hook = (globalThis as unknown as Record<symbol, { regions: Array<{ name: string }> }>)[Symbol.for('dogpile-cache.devtools')];
    return hook.regions.map((region) => region.name);
  });
  expect(registered).toEqual(['demo.memory', 'demo.localstorage', 'demo.indexeddb']);
  // Nothing overflows the 1280 px viewport.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  await screenshot(page, testInfo, 'demo-1280x800');
  expect(problemsOf(page)).toEqual([]);
});

test('two tabs loading the same view: one API request with the shared backends, one per tab with memory', async ({ context, page }, testInfo) => {
  const before = await counts(page);
  const second = await context.newPage();
  await Promise.all([openDemo(page, 'state'), openDemo(second, 'state')]);
  await Promise.all([expectAllFresh(page), expectAllFresh(second)]);
  const after = await counts(page);
  expect(served(after, before, 'localstorage', 'state')).toBe(1);
  expect(served(after, before, 'indexeddb', 'state')).toBe(1);
  expect(served(after, before, 'memory', 'state')).toBe(2);
  // Both tabs show the same stored entry for the shared regions; each its own for memory.
  for (const region of ['localstorage', 'indexeddb'] as const) {
    const labels = [await panel(page, region).getByTestId('lookup').textContent(), await panel(second, region).getByTestId('lookup').textContent()];
    expect(labels.filter((label) => label === 'miss · fetched here')).toHaveLength(1);
  }
  await expect(panel(page, 'memory').getByTestId('lookup')).toHaveText('miss · fetched here');
  await expect(panel(second, 'memory').getByTestId('lookup')).toHaveText('miss · fetched here');
  await screenshot(second, testInfo, 'demo-second-tab');
  expect(problemsOf(page)).toEqual([]);
  expect(problemsOf(second)).toEqual([]);
});

test('invalidation and deletion in one tab show in the other, for one request with the shared backends', async ({ context, page }, testInfo) => {
  const second = await context.newPage();
  await openDemo(page, 'date');
  await expectAllFresh(page);
  await openDemo(second, 'date');
  await expectAllFresh(second);
  let before = await counts(page);

  // Soft: both tabs show the old value as stale while one of them regenerates.
  await panel(page, 'localstorage').getByRole('button', { name: 'Soft invalidate' }).click();
  for (const tab of [page, second]) {
    await expect(panel(tab, 'localstorage')).toHaveAttribute('data-status-history', 'loading fresh stale fresh');
  }
  await expect(panel(second, 'localstorage').locator('.events')).toContainText('soft invalidation (from another tab)');
  let after = await counts(page);
  expect(served(after, before, 'localstorage', 'date')).toBe(1);

  // Hard: the value is gone in both tabs until the one new request returns.
  before = after;
  await panel(page, 'indexeddb').getByRole('button', { name: 'Hard invalidate' }).click();
  for (const tab of [page, second]) {
    await expect(panel(tab, 'indexeddb')).toHaveAttribute('data-status-history', 'loading fresh loading fresh');
  }
  await expect(panel(second, 'indexeddb').locator('.events')).toContainText('hard invalidation (from another tab)');
  after = await counts(page);
  expect(served(after, before, 'indexeddb', 'date')).toBe(1);

  // Delete one entry from the second tab: the first tab reloads it, still one request.
  before = after;
  const createdBefore = Number(await panel(page, 'localstorage').getAttribute('data-created-at'));
  await panel(second, 'localstorage').getByRole('button', { name: 'Delete entry' }).click();
  await expect(panel(second, 'localstorage')).toHaveAttribute('data-status-history', 'loading fresh stale fresh loading fresh');
  // Both tabs end on the same new entry.
  await expect
    .poll(async () => {
      const created = await Promise.all([page, second].map((tab) => panel(tab, 'localstorage').getAttribute('data-created-at')));
      return created[0] === created[1] && Number(created[0]) > createdBefore;
    })
    .toBe(true);
  await expect(panel(page, 'localstorage')).toHaveAttribute('data-status', 'fresh');
  after = await counts(page);
  expect(served(after, before, 'localstorage', 'date')).toBe(1);

  // Memory lives in each tab: the demo mirrors the button to the other tab, which pays its own request.
  before = after;
  await panel(page, 'memory').getByRole('button', { name: 'Soft invalidate' }).click();
  for (const tab of [page, second]) {
    await expect(panel(tab, 'memory')).toHaveAttribute('data-status-history', 'loading fresh stale fresh');
  }
  after = await counts(page);
  expect(served(after, before, 'memory', 'date')).toBe(2);

  await screenshot(second, testInfo, 'demo-after-invalidation');
  expect(problemsOf(page)).toEqual([]);
  expect(problemsOf(second)).toEqual([]);
});

test('the hook states appear in order: loading, fresh, stale (old results shown), fresh', async ({ context, page }, testInfo) => {
  await openDemo(page, 'http');
  await expectAllFresh(page);
  const results = panel(page, 'indexeddb').locator('.results li').first();
  await expect(results).toContainText('axios');
  // The regeneration's request waits until the stale state has been looked at: it lasts as long as the test needs, not the API's delay.
  let answer!: () => void;
  const looked = new Promise<void>((resolve) => (answer = resolve));
  const regeneration = /\/api\/search\?.*source=indexeddb/;
  const continued: Promise<void>[] = [];
  await context.route(regeneration, (route) => {
    const going = looked.then(() => route.continue());
    continued.push(going);
    return going;
  });
  await panel(page, 'indexeddb').getByRole('button', { name: 'Soft invalidate' }).click();
  // While regenerating, the old results stay on screen, dimmed.
  await expect(panel(page, 'indexeddb')).toHaveAttribute('data-status', 'stale');
  await expect(panel(page, 'indexeddb').locator('.results.dim li').first()).toContainText('axios');
  await expect(panel(page, 'indexeddb').locator('.pill')).toHaveText('stale · regenerating');
  await screenshot(page, testInfo, 'demo-stale-while-regenerating');
  answer();
  await Promise.all(continued);
  await context.unroute(regeneration);
  await expect(panel(page, 'indexeddb')).toHaveAttribute('data-status', 'fresh');
  await expect(panel(page, 'indexeddb')).toHaveAttribute('data-status-history', 'loading fresh stale fresh');
  expect(problemsOf(page)).toEqual([]);
});

test('the server side: three Node processes on one Redis region make one API request between them', async ({ page }, testInfo) => {
  await openDemo(page, 'date');
  const serverPanel = page.getByTestId('server-panel');
  // `npm test` installs redis-server before this suite, so the server side must be running here.
  await expect(serverPanel).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  await serverPanel.getByTestId('server-invalidate').click();
  await expect(serverPanel.getByTestId('server-invalidate')).toBeEnabled();
  const before = await counts(page);
  await serverPanel.getByTestId('server-ask').click();
  const answers = serverPanel.locator('[data-testid="server-answers"] li');
  await expect(answers).toHaveCount(12);
  await expect(serverPanel.locator('li.error')).toHaveCount(0);
  const after = await counts(page);
  expect(served(after, before, 'server', 'date')).toBe(1);
  await expect(serverPanel.locator('li[data-outcome="created"]')).toHaveCount(1);
  // Every process answered, and all but the creator were served from Redis.
  for (const process of ['server-1', 'server-2', 'server-3']) await expect(serverPanel.locator(`li[data-process="${process}"]`)).toHaveCount(4);
  await expect(serverPanel.getByTestId('server-created')).toHaveText('1');

  // Asked again, nobody calls the API: the value is in Redis for every process.
  await serverPanel.getByTestId('server-ask').click();
  await expect(serverPanel.getByTestId('server-created')).toHaveText('0');
  expect(served(await counts(page), before, 'server', 'date')).toBe(1);

  // Invalidated in one process, the next press regenerates once, for all of them.
  await serverPanel.getByTestId('server-invalidate').click();
  await expect(serverPanel.getByTestId('server-answers').locator('li')).toHaveCount(0);
  await serverPanel.getByTestId('server-ask').click();
  await expect(serverPanel.getByTestId('server-created')).toHaveText('1');
  expect(served(await counts(page), before, 'server', 'date')).toBe(2);
  await serverPanel.scrollIntoViewIfNeeded();
  await screenshot(page, testInfo, 'demo-server-side');
  expect(problemsOf(page)).toEqual([]);
});
