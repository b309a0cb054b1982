// The real extension in Chromium: a page with two inspected regions
// (memory and IndexedDB), the panel page opened for its tab.
import { mkdirSync, copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { demoServerOrigin } from '../demo/server.js';
import { expect, openPanel, openTab, stopServiceWorker, test } from './extension.js';

const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));

function region(panel: Page, name: string) {
  return panel.locator(`tr[data-region="${name}"]`);
}

/** Counts `connect` commands the page receives from now on (the panel attaching again). */
async function countConnects(page: Page): Promise<void> {
  await page.evaluate(() => {
    const scope = window as unknown as { connects: number };
    scope.connects = 0;
    addEventListener('message', (event) => {
      if (event.source === window && event.data?.direction === 'to-page' && event.data?.type === 'connect') scope.connects++;
    });
  });
}

test('inspects regions, entries, values and live events, acts on the page, and recovers from reloads and a stopped service worker', async ({ extension, errors }, testInfo) => {
  const { page, tabId } = await openTab(extension, '/devtools/index.html');
  await page.evaluate(() => window.devtoolsDemo.ready);
  const panel = await openPanel(extension, tabId, errors);
  await panel.setViewportSize({ width: 1280, height: 1000 });

  // Regions: backend chain, expiration, entry count, invalidation state, counters.
  await expect(panel.getByTestId('connection')).toHaveText('live');
  await expect(panel.getByTestId('origin')).toHaveText(new URL(page.url()).origin);
  const users = region(panel, 'users');
  const posts = region(panel, 'posts');
  await expect(users.locator('.backend')).toHaveText('AuditProxy → MemoryBackend');
  await expect(posts.locator('.backend')).toHaveText('IndexedDBBackend');
  await expect(users).toContainText('1 min 0 s');
  await expect(users.locator('[data-cell="entries"]')).toHaveText('3');
  await expect(posts.locator('[data-cell="entries"]')).toHaveText('2');
  await expect(users.locator('[data-cell="creations"]')).toHaveText('3');
  await expect(users.locator('[data-cell="invalidation"]')).toHaveText('none');

  // Live events and counters, throttled into batches.
  await page.evaluate(async () => {
    const { users } = window.devtoolsDemo;
    for (let i = 0; i < 5; i++) await users.getOrCreate('user:ada', () => 'never called');
    await users.getOrCreate('user:new', () => ({ id: 'new' }));
  });
  await expect(users.locator('[data-cell="hits"]')).toHaveText('5');
  await expect(users.locator('[data-cell="entries"]')).toHaveText('4');
  const log = panel.getByTestId('log');
  await expect(log.locator('.event[data-type="created"]')).toContainText('user:new');
  await expect(log.locator('.event[data-type="hit"]')).toHaveCount(5);

  // Entries of a region, then a value on demand, truncated.
  await users.locator('.name').click();
  const entries = panel.getByTestId('entries');
  await expect(entries).toContainText('Entries of users (4)');
  const ada = entries.locator('.row[data-key="user:ada"]');
  await expect(ada.locator('[data-cell="status"]')).toHaveText('fresh');
  await expect(ada.locator('[data-cell="lock"]')).toHaveText('');
  await ada.getByRole('button', { name: 'View' }).click();
  const value = panel.getByTestId('value');
  await expect(value).toContainText('name: "Ada"');
  await expect(value).toContainText('… (3000 chars)');

  // A lock held right now shows on its entry.
  await page.evaluate(() => {
    const { users } = window.devtoolsDemo;
    void users.set('user:slow', 'old').then(() =>
      users.getOrCreate('user:slow', () => new Promise((resolve) => ((window as unknown as { finishSlow: () => void }).finishSlow = () => resolve('new'))), {
        expirationTime: 0,
      }),
    );
  });
  await expect(entries.locator('.row[data-key="user:slow"] [data-cell="lock"]')).toHaveText('held');
  await page.evaluate(() => (window as unknown as { finishSlow: () => void }).finishSlow());
  await expect(entries.locator('.row[data-key="user:slow"] [data-cell="lock"]')).toHaveText('');

  mkdirSync(artifacts, { recursive: true });
  const shot = testInfo.outputPath('devtools-panel.png');
  await panel.screenshot({ path: shot, fullPage: true });
  copyFileSync(shot, `${artifacts}devtools-panel.png`);
  await testInfo.attach('devtools-panel', { path: shot, contentType: 'image/png' });

  // Delete an entry from the panel: gone in the page and from the list.
  await entries.locator('.row[data-key="user:grace"]').getByRole('button', { name: 'Delete' }).click();
  await expect(panel.getByTestId('notice')).toHaveText('Deleted "user:grace".');
  await expect(entries.locator('.row[data-key="user:grace"]')).toHaveCount(0);
  expect(await page.evaluate(async () => (await window.devtoolsDemo.users.get('user:grace')) === window.devtoolsDemo.NO_VALUE)).toBe(true);

  // Invalidate from the panel: hard on posts (IndexedDB), soft on users.
  await posts.getByRole('button', { name: 'Hard' }).click();
  await expect(panel.getByTestId('notice')).toHaveText('posts: hard-invalidated.');
  await expect(posts.locator('[data-cell="invalidation"]')).toContainText('hard');
  const afterHard = await page.evaluate(async () => {
    const { posts, creations } = window.devtoolsDemo;
    const before = creations.posts;
    await posts.getOrCreate('post:1', () => {
      creations.posts++;
      return { id: 1, title: 'Post 1, again' };
    });
    return { hard: posts.regionInvalidator.wasHardInvalidated(), created: creations.posts - before };
  });
  expect(afterHard).toEqual({ hard: true, created: 1 });
  await users.getByRole('button', { name: 'Soft' }).click();
  await expect(panel.getByTestId('notice')).toHaveText('users: soft-invalidated.');
  await expect(users.locator('[data-cell="invalidation"]')).toContainText('soft');
  await expect(ada.locator('[data-cell="status"]')).toHaveText('soft-invalidated');
  expect(await page.evaluate(() => window.devtoolsDemo.users.regionInvalidator.wasSoftInvalidated())).toBe(true);

  // Thousands of entries: the list renders only what is on screen.
  await page.evaluate(async () => {
    const mapping: Record<string, number> = {};
    for (let i = 0; i < 3000; i++) mapping[`bulk:${String(i).padStart(4, '0')}`] = i;
    await window.devtoolsDemo.users.setMulti(mapping);
  });
  await expect(entries).toContainText('Entries of users (3004)');
  const rendered = await entries.locator('.viewport .row').count();
  expect(rendered).toBeLessThan(60);
  await entries.locator('.viewport').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(entries.locator('.row[data-key="user:slow"]')).toBeVisible();
  await entries.getByLabel('Filter keys').fill('bulk:29');
  await expect(entries).toContainText('Entries of users (100 matching)');

  // Reload the page: the panel follows the new page and keeps the selected region.
  await page.reload();
  await page.evaluate(() => window.devtoolsDemo.ready);
  await expect(panel.getByTestId('connection')).toHaveText('live');
  await expect(users.locator('[data-cell="entries"]')).toHaveText('3');
  await expect(users.locator('[data-cell="invalidation"]')).toHaveText('none');
  // The filter is kept across the reload.
  await expect(entries).toContainText('Entries of users (0 matching)');
  await entries.getByLabel('Filter keys').fill('');
  await expect(entries).toContainText('Entries of users (3)');
  // IndexedDB kept its entries and its (shared, persisted) hard invalidation.
  await expect(posts.locator('[data-cell="entries"]')).toHaveText('2');
  await expect(posts.locator('[data-cell="invalidation"]')).toContainText('hard');

  // Chrome stops the idle service worker: the panel reconnects and events flow again.
  await countConnects(page);
  const bootBefore = await (await extension.worker()).evaluate(() => performance.timeOrigin);
  await stopServiceWorker(extension);
  await page.waitForFunction(() => (window as unknown as { connects: number }).connects > 0);
  const bootAfter = await (await extension.worker()).evaluate(() => performance.timeOrigin);
  expect(bootAfter).not.toBe(bootBefore);
  await page.evaluate(() => window.devtoolsDemo.users.set('after-restart', 1));
  await expect(log.locator('.event[data-type="set"]').first()).toContainText('after-restart');
  await expect(users.locator('[data-cell="entries"]')).toHaveText('4');

  expect(errors).toEqual([]);
  await panel.close();
  await page.close();
});

test('the panel opened before the page, on pages without dogpile-cache, says so plainly and picks the cache up when it appears', async ({ extension, errors }) => {
  const { page, tabId } = await openTab(extension);
  const panel = await openPanel(extension, tabId, errors);
  // about:blank: no content script can run there.
  await expect(panel.getByTestId('not-found')).toContainText('No dogpile-cache found on this page');
  await expect(panel.getByTestId('not-found')).toContainText('The extension cannot reach this page.');

  await page.goto('/devtools/plain.html');
  await panel.getByRole('button', { name: 'Look again' }).click();
  await expect(panel.getByTestId('not-found')).toContainText('The page runs no dogpile-cache inspector.');
  await expect(panel.getByTestId('not-found')).toContainText('dogpile-cache/devtools');

  // Navigating to a page that uses the library: the panel connects by itself.
  await page.goto('/devtools/index.html');
  await expect(panel.getByTestId('connection')).toHaveText('live');
  await expect(region(panel, 'users')).toBeVisible();
  await expect(region(panel, 'posts')).toBeVisible();
  expect(errors).toEqual([]);
  await panel.close();
  await page.close();
});

test('inspects the demo app: its memory, localStorage and IndexedDB regions', async ({ extension, errors }) => {
  const { page, tabId } = await openTab(extension, `${demoServerOrigin}/`);
  const panel = await openPanel(extension, tabId, errors);
  await expect(panel.getByTestId('connection')).toHaveText('live');
  const backends = { 'demo.memory': 'MemoryBackend', 'demo.localstorage': 'LocalStorageBackend', 'demo.indexeddb': 'IndexedDBBackend' };
  for (const [name, backend] of Object.entries(backends)) {
    await expect(region(panel, name).locator('.backend')).toHaveText(backend);
    // The demo loads its first query into every region.
    await expect(region(panel, name).locator('[data-cell="entries"]')).toHaveText(/^[1-9]\d*$/);
  }
  await region(panel, 'demo.indexeddb').locator('.name').click();
  await expect(panel.getByTestId('entries').locator('.viewport .row [data-cell="status"]').first()).toHaveText('fresh');
  expect(errors).toEqual([]);
  await panel.close();
  await page.close();
});
