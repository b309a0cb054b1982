// Cross-tab debugging in the real extension, with two or three real tabs:
// the lock timeline (a stampede, a holder that closes), provenance of
// entries, the invalidation ledger, the tabs and storage views.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page, TestInfo } from '@playwright/test';
import { expect, openPanel, openTab, test, type ExtensionBrowser } from './extension.js';

const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));
/** This spec's own database: its writes and invalidations stay out of the other specs. */
const DB = 'devtools-e2e-cross-tab';

interface Tab {
  page: Page;
  tabId: number;
  origin: string;
}

async function demoTab(extension: ExtensionBrowser): Promise<Tab> {
  const { page, tabId } = await openTab(extension, `/devtools/index.html?db=${DB}`);
  await page.evaluate(() => window.devtoolsDemo.ready);
  return { page, tabId, origin: await page.evaluate(() => window.devtoolsDemo.tabId) };
}

/** Starts `posts.getOrCreate(key)` in a tab with a creator that runs until `finish(key)` is called there. */
async function startSlowCreate(tab: Tab, key: string): Promise<void> {
  await tab.page.evaluate((key) => {
    const scope = window as unknown as { finish: Record<string, () => void>; results: Record<string, unknown>; ran: Record<string, boolean> };
    scope.finish ??= {};
    scope.results ??= {};
    scope.ran ??= {};
    void window.devtoolsDemo.posts
      .getOrCreate(key, () => {
        scope.ran[key] = true;
        return new Promise((resolve) => (scope.finish[key] = () => resolve({ key, by: window.devtoolsDemo.tabId })));
      })
      .then((value) => (scope.results[key] = value));
  }, key);
}

async function finish(tab: Tab, key: string): Promise<void> {
  await tab.page.waitForFunction((key) => typeof (window as unknown as { finish?: Record<string, unknown> }).finish?.[key] === 'function', key);
  await tab.page.evaluate((key) => (window as unknown as { finish: Record<string, () => void> }).finish[key]!(), key);
}

async function result(tab: Tab, key: string): Promise<unknown> {
  await tab.page.waitForFunction((key) => (window as unknown as { results?: Record<string, unknown> }).results?.[key] !== undefined, key);
  return tab.page.evaluate((key) => (window as unknown as { results: Record<string, unknown> }).results[key], key);
}

async function shoot(panel: Page, testInfo: TestInfo, name: string, target = panel.getByTestId('cross')): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  const shot = testInfo.outputPath(name);
  await target.screenshot({ path: shot });
  copyFileSync(shot, `${artifacts}${name}`);
}

function lane(panel: Page, origin: string) {
  return panel.locator(`[data-testid="lane"][data-origin="${origin}"]`);
}

test('a stampede over three tabs: one holder lane, two waiting lanes, each tab named; then provenance of the value', async ({ extension, errors }, testInfo) => {
  const a = await demoTab(extension);
  const b = await demoTab(extension);
  const c = await demoTab(extension);
  const panel = await openPanel(extension, a.tabId, errors);
  await panel.setViewportSize({ width: 1280, height: 900 });
  await expect(panel.getByTestId('connection')).toHaveText('live');
  const key = `post:stampede-${Date.now()}`;

  await startSlowCreate(b, key);
  await expect(lane(panel, b.origin).locator(`.span[data-key="${key}"]`)).toHaveAttribute('data-state', 'held');
  await startSlowCreate(a, key);
  await startSlowCreate(c, key);
  await expect(lane(panel, a.origin).locator(`.span[data-key="${key}"][data-state="waiting"]`)).toHaveCount(1);
  await expect(lane(panel, c.origin).locator(`.span[data-key="${key}"][data-state="waiting"]`)).toHaveCount(1);
  await expect(lane(panel, a.origin)).toContainText(`this tab (${a.origin})`);
  await expect(lane(panel, c.origin)).toContainText(`tab ${c.origin}`);
  // The key has no entry yet: the locks table shows it anyway, with holder and waiters named.
  const row = panel.getByTestId('current-locks').locator(`tr[data-key="${key}"]`);
  await expect(row.locator('[data-cell="holder"]')).toHaveText(`tab ${b.origin}`);
  await expect(row.locator('[data-cell="waiting"]')).toContainText(a.origin);
  await expect(row.locator('[data-cell="waiting"]')).toContainText(c.origin);
  await shoot(panel, testInfo, 'devtools-lock-timeline.png');

  await finish(b, key);
  // Everyone gets tab B's value; nobody else ran the creator.
  for (const tab of [a, b, c]) expect(await result(tab, key)).toEqual({ key, by: b.origin });
  expect(await a.page.evaluate((key) => (window as unknown as { ran: Record<string, boolean> }).ran[key] ?? false, key)).toBe(false);
  expect(await c.page.evaluate((key) => (window as unknown as { ran: Record<string, boolean> }).ran[key] ?? false, key)).toBe(false);
  await expect(lane(panel, b.origin).locator(`.span[data-key="${key}"]`)).toHaveAttribute('data-state', 'released');
  await expect(panel.getByTestId('current-locks').locator(`tr[data-key="${key}"]`)).toHaveCount(0);

  // Provenance: the entry says tab B created it, and how long it took.
  await panel.locator('tr[data-region="posts"] .name').click();
  const by = panel.getByTestId('entries').locator(`.row[data-key="${key}"] [data-cell="by"]`);
  await expect(by).toHaveAttribute('data-origin', b.origin);
  await expect(by).toHaveText(new RegExp(`^tab ${b.origin} in \\d`));
  // Creations saved: this tab waited for tab B's creator instead of running its own.
  await expect(panel.locator('tr[data-region="posts"] [data-cell="saved"]')).not.toHaveText('0');
  // Who did the work, per tab: tab C's own counters, as tab C has them, in tab A's panel.
  await panel.locator('nav.views [data-view="tabs"]').click();
  const stats = await c.page.evaluate(() => window.devtoolsDemo.posts.stats);
  expect(stats.waits).toBeGreaterThan(0);
  const work = panel.getByTestId('tabs').locator(`tr[data-origin="${c.origin}"] [data-cell="work"] [data-region="posts"]`);
  await expect(work).toHaveAttribute('data-waits', String(stats.waits));
  await expect(work).toHaveAttribute('data-creations', String(stats.creations));
  expect(errors).toEqual([]);
  for (const page of [panel, a.page, b.page, c.page]) await page.close();
});

test('a tab closed while holding a lock: the lane shows it released and another tab taking it', async ({ extension, errors }) => {
  const a = await demoTab(extension);
  const b = await demoTab(extension);
  const panel = await openPanel(extension, a.tabId, errors);
  await expect(panel.getByTestId('connection')).toHaveText('live');
  const key = `post:orphan-${Date.now()}`;

  await startSlowCreate(b, key);
  await expect(lane(panel, b.origin).locator(`.span[data-key="${key}"]`)).toHaveAttribute('data-state', 'held');
  await startSlowCreate(a, key);
  await expect(lane(panel, a.origin).locator(`.span[data-key="${key}"]`)).toHaveAttribute('data-state', 'waiting');
  // Held past the threshold: the holder is flagged.
  await expect(lane(panel, b.origin).locator(`.span[data-key="${key}"]`)).toHaveAttribute('data-long', 'true');
  await expect(panel.getByTestId('current-locks').locator(`tr[data-key="${key}"] [data-cell="held-for"]`)).toContainText('(long)');

  await b.page.close();
  // The browser released the dead tab's lock; tab A now holds it and runs its own creator.
  await expect(lane(panel, b.origin).locator(`.span[data-key="${key}"]`)).toHaveAttribute('data-state', 'released');
  await expect(lane(panel, a.origin).locator(`.span[data-key="${key}"][data-state="held"]`)).toHaveCount(1);
  await expect(panel.getByTestId('current-locks').locator(`tr[data-key="${key}"] [data-cell="holder"]`)).toContainText(a.origin);
  await finish(a, key);
  expect(await result(a, key)).toEqual({ key, by: a.origin });
  expect(errors).toEqual([]);
  await panel.close();
  await a.page.close();
});

test('tabs, writes from tab B with provenance, and the ledger of an invalidation reaching each tab', async ({ extension, errors }, testInfo) => {
  const a = await demoTab(extension);
  const b = await demoTab(extension);
  const c = await demoTab(extension);
  const panel = await openPanel(extension, a.tabId, errors);
  await panel.setViewportSize({ width: 1280, height: 900 });
  await expect(panel.getByTestId('connection')).toHaveText('live');

  // Tabs: every tab of the origin, with its regions and visibility; the others listen while the panel watches.
  await panel.locator('nav.views [data-view="tabs"]').click();
  const tabs = panel.getByTestId('tabs');
  for (const tab of [b, c]) {
    await expect(tabs.locator(`tr[data-origin="${tab.origin}"] [data-cell="listening"]`)).toHaveText('listening');
    for (const name of ['users', 'posts']) await expect(tabs.locator(`tr[data-origin="${tab.origin}"] [data-cell="work"] [data-region="${name}"]`)).toBeVisible();
  }
  await expect(tabs.locator(`tr[data-origin="${a.origin}"] [data-cell="listening"]`)).toHaveText('inspected');
  await expect(tabs.locator(`tr[data-origin="${a.origin}"] [data-cell="state"]`)).toHaveText(/visible|hidden/);
  await shoot(panel, testInfo, 'devtools-tabs.png');

  // A write in tab B shows in tab A's panel, attached to tab B.
  await panel.locator('tr[data-region="posts"] .name').click();
  await b.page.evaluate(() => window.devtoolsDemo.posts.set('post:by-b', { from: 'b' }));
  const by = panel.getByTestId('entries').locator('.row[data-key="post:by-b"] [data-cell="by"]');
  await expect(by).toHaveAttribute('data-origin', b.origin);
  await expect(by).toHaveText(`tab ${b.origin} (set)`);

  // Tab B hard-invalidates posts: the ledger names B as issuer and A and C as receivers.
  await panel.locator('nav.views [data-view="ledger"]').click();
  await b.page.evaluate(() => window.devtoolsDemo.posts.invalidate(true));
  const entry = panel.getByTestId('ledger').locator('tr[data-region="posts"][data-kind="hard"]');
  await expect(entry.locator('[data-cell="issuer"]')).toHaveAttribute('data-origin', b.origin);
  await expect(entry.locator(`.receipt[data-origin="${a.origin}"]`)).toContainText('after');
  await expect(entry.locator(`.receipt[data-origin="${c.origin}"]`)).toContainText('after');
  await shoot(panel, testInfo, 'devtools-ledger.png');
  expect(errors).toEqual([]);
  for (const page of [panel, a.page, b.page, c.page]) await page.close();
});

test('storage figures per region and for the origin, changing after writes; clear and reset act', async ({ extension, errors }, testInfo) => {
  const a = await demoTab(extension);
  const panel = await openPanel(extension, a.tabId, errors);
  await panel.setViewportSize({ width: 1280, height: 900 });
  await expect(panel.getByTestId('connection')).toHaveText('live');
  await panel.locator('nav.views [data-view="storage"]').click();
  const storage = panel.getByTestId('storage');
  const bytes = (name: string) => storage.locator(`tr[data-region="${name}"] [data-cell="bytes"]`);
  await expect(bytes('users')).toHaveAttribute('data-bytes', /^[1-9]\d*$/);
  await expect(bytes('posts')).toHaveAttribute('data-bytes', /^[1-9]\d*$/);
  await expect(storage.locator('[data-cell="usage"]')).not.toHaveText('—');
  await expect(storage.locator('tr[data-region="posts"]')).toContainText(`database: ${DB}`);
  await expect(storage.locator('tr[data-region="posts"]')).toContainText('store: posts');
  await expect(storage.locator('tr[data-region="posts"]')).toContainText('locks: web-locks');
  const before = Number(await bytes('posts').getAttribute('data-bytes'));
  await a.page.evaluate(() => window.devtoolsDemo.posts.set('post:big', 'y'.repeat(20_000)));
  await expect.poll(async () => Number(await bytes('posts').getAttribute('data-bytes'))).toBeGreaterThan(before + 20_000);
  // An eviction the backend reports shows with the storage figures.
  await a.page.evaluate(async () => {
    const { makeRegion, inspect } = window.devtoolsDemo;
    const capped = makeRegion({ name: 'capped' }).configure('indexeddb', { arguments: { dbName: window.devtoolsDemo.dbName, storeName: 'capped', maxEntries: 2 } });
    // Registered while the panel is attached: the inspector listens to it at once.
    inspect(capped);
    for (let i = 0; i < 3; i++) await capped.set(`c${i}`, i);
  });
  await expect(storage.getByTestId('pressure').locator('li[data-kind="max-entries-evicted"]')).toHaveCount(1);
  await expect(storage.locator('tr[data-region="capped"]')).toContainText('store: capped');
  await shoot(panel, testInfo, 'devtools-storage.png');

  // Clear a region and reset its counters from the panel.
  const users = panel.locator('tr[data-region="users"]');
  await expect(users.locator('[data-cell="creations"]')).not.toHaveText('0');
  await users.locator('[data-action="reset-stats"]').click();
  await expect(users.locator('[data-cell="creations"]')).toHaveText('0');
  await users.locator('[data-action="clear"]').click();
  await expect(panel.getByTestId('notice')).toHaveText('users: cleared.');
  await expect(users.locator('[data-cell="entries"]')).toHaveText('0');
  expect(await a.page.evaluate(async () => (await window.devtoolsDemo.users.get('user:ada')) === window.devtoolsDemo.NO_VALUE)).toBe(true);
  expect(errors).toEqual([]);
  await panel.close();
  await a.page.close();
});

test("another tab's lock timeout is marked on its lane; a memory region's locks get an in-process lane", async ({ extension, errors }) => {
  const a = await demoTab(extension);
  const b = await demoTab(extension);
  const timed = (tab: Tab) =>
    tab.page.evaluate(() => {
      const { makeRegion, inspect } = window.devtoolsDemo;
      const region = makeRegion({ name: 'timed', lockTimeout: 300 }).configure('indexeddb', { arguments: { dbName: window.devtoolsDemo.dbName, storeName: 'timed' } });
      (window as unknown as { timed: typeof region }).timed = region;
      inspect(region);
    });
  await timed(a);
  await timed(b);
  const panel = await openPanel(extension, a.tabId, errors);
  await expect(panel.getByTestId('connection')).toHaveText('live');
  await expect(panel.locator('tr[data-region="timed"]')).toBeVisible();
  // Tab B must be reporting to this panel before its timeout happens.
  await panel.locator('nav.views [data-view="tabs"]').click();
  await expect(panel.getByTestId('tabs').locator(`tr[data-origin="${b.origin}"] [data-cell="listening"]`)).toHaveText('listening');
  await panel.locator('nav.views [data-view="locks"]').click();

  const key = `timed-${Date.now()}`;
  await a.page.evaluate((key) => {
    const scope = window as unknown as { timed: { getOrCreate: (k: string, c: () => unknown) => Promise<unknown> }; release: () => void };
    void scope.timed.getOrCreate(key, () => new Promise((resolve) => (scope.release = () => resolve('from a'))));
  }, key);
  await expect(lane(panel, a.origin).locator(`.span[data-key="${key}"]`).first()).toHaveAttribute('data-state', 'held');
  // Tab B waits 300 ms, gives up and creates the value itself.
  const got = await b.page.evaluate((key) => (window as unknown as { timed: { getOrCreate: (k: string, c: () => unknown) => Promise<unknown> } }).timed.getOrCreate(key, () => 'from b'), key);
  expect(got).toBe('from b');
  await expect(lane(panel, b.origin).locator(`.track[data-key="${key}"] [data-testid="timeout"]`)).toHaveCount(1);
  await expect(lane(panel, a.origin).locator('[data-testid="timeout"]')).toHaveCount(0);
  await a.page.evaluate(() => (window as unknown as { release: () => void }).release());

  // The memory region locks in-process: its lane comes from this tab's own lock events.
  await a.page.evaluate(() => {
    const scope = window as unknown as { releaseUser: () => void };
    void window.devtoolsDemo.users.getOrCreate('user:locked', () => new Promise((resolve) => (scope.releaseUser = () => resolve(1))));
  });
  const local = panel.locator('[data-testid="lane"][data-client="in-process"]');
  await expect(local).toContainText('in-process locks');
  await expect(local.locator('.span[data-key="user:locked"]')).toHaveAttribute('data-state', 'held');
  await a.page.waitForFunction(() => typeof (window as unknown as { releaseUser?: unknown }).releaseUser === 'function');
  await a.page.evaluate(() => (window as unknown as { releaseUser: () => void }).releaseUser());
  await expect(local.locator('.span[data-key="user:locked"]')).toHaveAttribute('data-state', 'released');
  expect(errors).toEqual([]);
  for (const page of [panel, a.page, b.page]) await page.close();
});
