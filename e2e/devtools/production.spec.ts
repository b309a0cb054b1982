// The panel against a minified production build of an app: the devtools e2e
// page bundled by Vite with minification (class and function names mangled),
// served to two real tabs. Locks still name their keys and tabs, storage
// still names its database, backends keep their labels.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { Page } from '@playwright/test';
import { expect, openPanel, openTab, test, type ExtensionBrowser } from './extension.js';

const pages = fileURLToPath(new URL('../pages/devtools/', import.meta.url));
const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

let outDir = '';

test.beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'dogpile-prod-'));
  await build({
    configFile: false,
    root: pages,
    base: './',
    logLevel: 'warn',
    resolve: {
      alias: [
        { find: /^dogpile-cache$/, replacement: src('index.ts') },
        { find: /^dogpile-cache\/(browser|devtools)$/, replacement: src('$1/index.ts') },
      ],
    },
    build: { outDir, emptyOutDir: true, minify: true, sourcemap: false, rollupOptions: { input: join(pages, 'index.html') } },
  });
});

test.afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** A tab showing the production build under /devtools-prod/ of the test server. */
async function prodTab(extension: ExtensionBrowser): Promise<{ page: Page; tabId: number; origin: string }> {
  const { page, tabId } = await openTab(extension);
  await page.route('**/devtools-prod/**', (route) => {
    const path = new URL(route.request().url()).pathname.replace(/^\/devtools-prod\//, '') || 'index.html';
    try {
      route.fulfill({ body: readFileSync(join(outDir, path)), contentType: TYPES[extname(path)] ?? 'application/octet-stream' });
    } catch {
      route.fulfill({ status: 404, body: 'not found' });
    }
  });
  await page.goto('/devtools-prod/index.html?db=devtools-e2e-production');
  await page.evaluate(() => window.devtoolsDemo.ready);
  return { page, tabId, origin: await page.evaluate(() => window.devtoolsDemo.tabId) };
}

test('a minified production build: backend labels, lock lanes naming key and tab, storage details', async ({ extension, errors }) => {
  const a = await prodTab(extension);
  const b = await prodTab(extension);
  // Minified for real: the page's own proxy class lost its name.
  expect(await a.page.evaluate(() => window.devtoolsDemo.users.backendLabels[0])).not.toBe('AuditProxy');
  const panel = await openPanel(extension, a.tabId, errors);
  await expect(panel.getByTestId('connection')).toHaveText('live');
  await expect(panel.locator('tr[data-region="posts"] .backend')).toHaveText('IndexedDBBackend');
  await expect(panel.locator('tr[data-region="users"] .backend')).toContainText('MemoryBackend');

  const key = `post:prod-${Date.now()}`;
  await b.page.evaluate((key) => {
    const scope = window as unknown as { finish: () => void };
    void window.devtoolsDemo.posts.getOrCreate(key, () => new Promise((resolve) => (scope.finish = () => resolve(1))));
  }, key);
  const lane = panel.locator(`[data-testid="lane"][data-origin="${b.origin}"]`);
  await expect(lane.locator(`.span[data-key="${key}"]`)).toHaveAttribute('data-state', 'held');
  await expect(panel.getByTestId('current-locks').locator(`tr[data-key="${key}"] [data-cell="holder"]`)).toHaveText(`tab ${b.origin}`);
  await b.page.waitForFunction(() => typeof (window as unknown as { finish?: unknown }).finish === 'function');
  await b.page.evaluate(() => (window as unknown as { finish: () => void }).finish());
  await expect(lane.locator(`.span[data-key="${key}"]`)).toHaveAttribute('data-state', 'released');

  await panel.locator('nav.views [data-view="storage"]').click();
  const posts = panel.getByTestId('storage').locator('tr[data-region="posts"]');
  await expect(posts).toContainText('database: devtools-e2e-production');
  await expect(posts.locator('[data-cell="bytes"]')).toHaveAttribute('data-bytes', /^[1-9]\d*$/);
  expect(errors).toEqual([]);
  for (const page of [panel, a.page, b.page]) await page.close();
});
