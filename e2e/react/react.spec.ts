import { expect, test, type Page } from '@playwright/test';

// dogpile-cache/react in real Chromium: a React 19 page (StrictMode) that
// shows one entry of a localStorage or IndexedDB region.

async function open(page: Page, title: string, backend: 'localstorage' | 'indexeddb', key: string) {
  await page.goto('/react/index.html');
  await page.evaluate((t) => (document.title = t), title);
  await page.waitForFunction(() => 'reactTest' in window);
  await page.evaluate(([b, k]) => window.reactTest.mount(b as 'localstorage' | 'indexeddb', k!), [backend, key]);
}

const shown = (page: Page) => page.locator('output');

test('statuses in order: loading, fresh; soft invalidation shows the old value stale, then the new one (IndexedDB)', async ({ page }) => {
  await open(page, 'tab A', 'indexeddb', `user:${Date.now()}`);
  await expect(shown(page)).toHaveAttribute('data-status', 'loading');
  await page.evaluate(() => window.reactTest.open());
  await expect(shown(page)).toHaveText('made in tab A (#1)');
  await expect(shown(page)).toHaveAttribute('data-status', 'fresh');
  await page.evaluate(() => window.reactTest.hold());
  await page.evaluate(() => window.reactTest.region!.invalidate(false));
  await expect(shown(page)).toHaveAttribute('data-status', 'stale');
  await expect(shown(page)).toHaveText('made in tab A (#1)');
  await page.evaluate(() => window.reactTest.open());
  await expect(shown(page)).toHaveText('made in tab A (#2)');
  await expect(shown(page)).toHaveAttribute('data-status', 'fresh');
  expect(await page.evaluate(() => window.reactTest.statuses())).toEqual(['loading', 'fresh', 'stale', 'fresh']);
  // StrictMode mounts twice: still one creator per regeneration.
  expect(await page.evaluate(() => window.reactTest.calls)).toBe(2);
});

test('two tabs over localStorage: one creator for both, and a hard invalidation in one tab re-renders the other', async ({ context }) => {
  const [a, b] = [await context.newPage(), await context.newPage()];
  const key = `user:${Date.now()}`;
  await open(a, 'tab A', 'localstorage', key);
  await open(b, 'tab B', 'localstorage', key);
  await expect.poll(async () => (await a.evaluate(() => window.reactTest.calls)) + (await b.evaluate(() => window.reactTest.calls))).toBe(1);
  await a.evaluate(() => window.reactTest.open());
  await b.evaluate(() => window.reactTest.open());
  await expect(shown(a)).toHaveAttribute('data-status', 'fresh');
  await expect(shown(b)).toHaveAttribute('data-status', 'fresh');
  const first = await shown(a).textContent();
  expect(await shown(b).textContent()).toBe(first);
  await b.evaluate(() => window.reactTest.region!.invalidate(true));
  await expect(shown(a)).not.toHaveText(first!);
  await expect(shown(a)).toHaveAttribute('data-status', 'fresh');
  await expect.poll(() => shown(b).textContent()).toBe(await shown(a).textContent());
  // One creator for the first value and one for the regeneration, across both tabs.
  const calls = (await a.evaluate(() => window.reactTest.calls)) + (await b.evaluate(() => window.reactTest.calls));
  expect(calls).toBe(2);
});

// The browser backends' change feed makes the region emit remote `set`/`delete` events; the hook re-reads on them.
test('two tabs over localStorage: a set and a delete in one tab re-render the other', async ({ context }) => {
  const [a, b] = [await context.newPage(), await context.newPage()];
  const key = `user:${Date.now()}`;
  await open(a, 'tab A', 'localstorage', key);
  await open(b, 'tab B', 'localstorage', key);
  await a.evaluate(() => window.reactTest.open());
  await b.evaluate(() => window.reactTest.open());
  await expect(shown(a)).toHaveAttribute('data-status', 'fresh');
  await b.evaluate((k) => window.reactTest.region!.set(k, 'set in tab B'), key);
  await expect(shown(a)).toHaveText('set in tab B');
  await b.evaluate(() => window.reactTest.hold());
  await a.evaluate(() => window.reactTest.hold());
  await b.evaluate((k) => window.reactTest.region!.delete(k), key);
  await expect(shown(a)).toHaveAttribute('data-status', 'loading');
});

test('Suspense, two tabs over localStorage: both show the fallback until one creator has made the value; a set in one tab re-renders the other', async ({ context }) => {
  const [a, b] = [await context.newPage(), await context.newPage()];
  const key = `user:${Date.now()}`;
  for (const [page, title] of [[a, 'tab A'], [b, 'tab B']] as const) {
    await page.goto('/react/index.html');
    await page.evaluate((t) => (document.title = t), title);
    await page.waitForFunction(() => 'reactTest' in window);
    await page.evaluate((k) => window.reactTest.mount('localstorage', k, 60_000, true), key);
  }
  await expect(shown(a)).toHaveAttribute('data-status', 'suspended');
  await expect(shown(b)).toHaveAttribute('data-status', 'suspended');
  await expect.poll(async () => (await a.evaluate(() => window.reactTest.calls)) + (await b.evaluate(() => window.reactTest.calls))).toBe(1);
  await a.evaluate(() => window.reactTest.open());
  await b.evaluate(() => window.reactTest.open());
  await expect(shown(a)).toHaveAttribute('data-status', 'fresh');
  await expect(shown(b)).toHaveAttribute('data-status', 'fresh');
  expect(await shown(b).textContent()).toBe(await shown(a).textContent());
  expect(await a.evaluate(() => window.reactTest.renders.every((r) => typeof r.value === 'string'))).toBe(true);
  await b.evaluate((k) => window.reactTest.region!.set(k, 'set in tab B'), key);
  await expect(shown(a)).toHaveText('set in tab B');
  const calls = (await a.evaluate(() => window.reactTest.calls)) + (await b.evaluate(() => window.reactTest.calls));
  expect(calls).toBe(1);
});

test('unmount during a pending creation: no further render, no console error, and the value is still stored (IndexedDB)', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  const key = `user:${Date.now()}`;
  await open(page, 'tab A', 'indexeddb', key);
  await expect.poll(() => page.evaluate(() => window.reactTest.calls)).toBe(1);
  await page.evaluate(() => window.reactTest.unmount());
  await expect(shown(page)).toHaveCount(0);
  const rendered = await page.evaluate(() => window.reactTest.renders.length);
  await page.evaluate(() => window.reactTest.open());
  await expect.poll(() => page.evaluate((k) => window.reactTest.region!.get(k), key)).toBe('made in tab A (#1)');
  expect(await page.evaluate(() => window.reactTest.renders.length)).toBe(rendered);
  expect(await page.evaluate(() => window.reactTest.region!.stats.errors)).toBe(0);
  expect(problems).toEqual([]);
});
