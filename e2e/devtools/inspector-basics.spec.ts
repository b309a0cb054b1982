// The inspector basics in the real extension: sortable columns, status
// filter, the collapsible value tree with copy, errors kept from before the
// panel opened, and the charts.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator } from '@playwright/test';
import { expect, openPanel, openTab, test } from './extension.js';

const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));

async function keys(rows: Locator): Promise<string[]> {
  return rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-key') ?? ''));
}

test('sort, status filter, value tree with copy, kept errors and charts', async ({ extension, errors }, testInfo) => {
  const { page, tabId } = await openTab(extension, '/devtools/index.html');
  await page.evaluate(() => window.devtoolsDemo.ready);
  // A fault before any panel is open: the region keeps it.
  await page.evaluate(() => window.devtoolsDemo.users.getOrCreate('user:broken', () => Promise.reject(new RangeError('creator broke'))).catch(() => undefined));
  const panel = await openPanel(extension, tabId, errors);
  await panel.setViewportSize({ width: 1280, height: 1000 });
  await expect(panel.getByTestId('connection')).toHaveText('live');

  // Errors view: the fault from before the panel opened, with its stack.
  await panel.locator('nav.views [data-view="errors"]').click();
  const kept = panel.getByTestId('errors').locator('details.error-row[data-region="users"]');
  await expect(kept).toContainText('RangeError: creator broke');
  await expect(kept).toContainText('user:broken');
  await kept.locator('summary').click();
  await expect(kept.locator('pre')).toContainText('creator broke');

  // Sorting: natural key order, then descending, then by size.
  await panel.locator('tr[data-region="users"] .name').click();
  const entries = panel.getByTestId('entries');
  const rows = entries.locator('.viewport .row[data-key]');
  await expect(rows).toHaveCount(3);
  expect(await keys(rows)).toEqual(['user:ada', 'user:grace', 'user:linus']);
  await entries.locator('[data-sort="key"]').click();
  await expect(entries.locator('[data-sort="key"]')).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(() => keys(rows)).toEqual(['user:linus', 'user:grace', 'user:ada']);
  await page.evaluate(() => window.devtoolsDemo.users.set('user:tiny', 1));
  await entries.locator('[data-sort="size"]').click();
  await expect(entries.locator('[data-sort="size"]')).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(async () => (await keys(rows))[0]).toBe('user:tiny');

  // Status filter: after a hard invalidation, only the entry written since is fresh.
  await page.evaluate(async () => {
    await window.devtoolsDemo.users.invalidate(true);
    await window.devtoolsDemo.users.set('user:after', { after: true });
  });
  await entries.getByTestId('status-filter').selectOption('fresh');
  await expect.poll(() => keys(rows)).toEqual(['user:after']);
  await entries.getByTestId('status-filter').selectOption('hard-invalidated');
  await expect.poll(async () => (await keys(rows)).sort()).toEqual(['user:ada', 'user:grace', 'user:linus', 'user:tiny']);
  await entries.getByTestId('status-filter').selectOption('');
  await entries.locator('[data-sort="key"]').click();
  await expect.poll(() => keys(rows)).toEqual(['user:ada', 'user:after', 'user:grace', 'user:linus', 'user:tiny']);

  // Expire one entry: it shows expired, and the next read regenerates it.
  await entries.locator('.row[data-key="user:after"]').getByRole('button', { name: 'Expire' }).click();
  await expect(panel.getByTestId('notice')).toHaveText('Expired "user:after": the next read regenerates it.');
  await expect(entries.locator('.row[data-key="user:after"] [data-cell="status"]')).toHaveText('expired');
  const regenerated = await page.evaluate(() => window.devtoolsDemo.users.getOrCreate('user:after', () => ({ after: 'regenerated' })));
  expect(regenerated).toEqual({ after: 'regenerated' });
  await expect(entries.locator('.row[data-key="user:after"] [data-cell="status"]')).toHaveText('fresh');

  // Regenerate: the page's own creator runs again, now, and the entry shows the new value.
  const before = await page.evaluate(() => window.devtoolsDemo.users.getValueMetadata('user:after').then((v) => v?.metadata.ct));
  await entries.locator('.row[data-key="user:after"]').getByRole('button', { name: 'Regenerate' }).click();
  await expect(panel.getByTestId('notice')).toHaveText('Regenerated "user:after".');
  await expect.poll(() => page.evaluate(() => window.devtoolsDemo.users.getValueMetadata('user:after').then((v) => v?.metadata.ct))).toBeGreaterThan(before!);
  expect(await page.evaluate(() => window.devtoolsDemo.users.get('user:after'))).toEqual({ after: 'regenerated' });
  // An entry this page stored with set() has no creator to run: the panel says so.
  await entries.locator('.row[data-key="user:tiny"]').getByRole('button', { name: 'Regenerate' }).click();
  await expect(panel.getByTestId('notice')).toContainText('no creator');

  // Value tree: first level open, deeper levels collapsed until clicked; copy copies the text.
  await entries.locator('.row[data-key="user:ada"]').getByRole('button', { name: 'View' }).click();
  const value = panel.getByTestId('value');
  await expect(value).toContainText('name: "Ada"');
  const roles = value.locator('details.tree-node[data-depth="1"]', { hasText: 'roles' });
  await expect(roles).not.toHaveAttribute('open', '');
  await expect(roles.locator('.tree-children')).toBeHidden();
  await roles.locator('summary').click();
  await expect(roles.locator('.tree-children')).toContainText('"admin"');
  // Record what reaches the clipboard (headless Chromium grants extension pages no clipboard read).
  await panel.evaluate(() => {
    const scope = window as unknown as { clipped: string[] };
    scope.clipped = [];
    navigator.clipboard.writeText = async (text: string) => void scope.clipped.push(text);
  });
  await value.locator('[data-action="copy"]').click();
  await expect(value.getByTestId('copied')).toHaveText(/^Copied \d+ characters\.$/);
  const copied = await panel.evaluate(() => (window as unknown as { clipped: string[] }).clipped.join(''));
  expect(copied).toContain('name: "Ada"');
  expect(copied).toContain('"admin"');
  mkdirSync(artifacts, { recursive: true });
  const shot = testInfo.outputPath('devtools-entries.png');
  await panel.locator('main').screenshot({ path: shot });
  copyFileSync(shot, `${artifacts}devtools-entries.png`);

  // Charts: hit rate and creation time plotted from sampled counters and the log.
  await page.evaluate(async () => {
    const { users } = window.devtoolsDemo;
    await users.getOrCreate('user:chart', async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return 1;
    });
    for (let i = 0; i < 5; i++) await users.get('user:chart');
  });
  await panel.locator('nav.views [data-view="charts"]').click();
  const chart = panel.getByTestId('charts').locator('.chart-row[data-region="users"]');
  await expect(chart.getByTestId('creation-time')).not.toHaveAttribute('data-points', '0');
  await expect(chart.getByTestId('hit-rate')).not.toHaveAttribute('data-points', '0');
  expect(errors).toEqual([]);
  await panel.close();
  await page.close();
});
