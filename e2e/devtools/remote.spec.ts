// Other tabs' writes in the real extension: a write and a delete made in tab B
// reach the panel attached to tab A without a reload, naming tab B as writer.
import { expect, openPanel, openTab, test } from './extension.js';

test("the panel of tab A follows tab B's writes and deletes, naming tab B", async ({ extension, errors }) => {
  const a = await openTab(extension, '/devtools/index.html');
  await a.page.evaluate(() => window.devtoolsDemo.ready);
  const b = await openTab(extension, '/devtools/index.html');
  await b.page.evaluate(() => window.devtoolsDemo.ready);
  const writer = await b.page.evaluate(() => window.devtoolsDemo.tabId);
  expect(writer).not.toBe(await a.page.evaluate(() => window.devtoolsDemo.tabId));

  const panel = await openPanel(extension, a.tabId, errors);
  await expect(panel.getByTestId('connection')).toHaveText('live');
  await panel.locator('tr[data-region="posts"] .name').click();
  const entries = panel.getByTestId('entries');
  await expect(entries.locator('[data-key="post:1"]')).toBeVisible();
  await expect(entries.locator('[data-key="post:remote"]')).toHaveCount(0);

  await b.page.evaluate(() => window.devtoolsDemo.posts.set('post:remote', { id: 'remote' }));
  await expect(entries.locator('[data-key="post:remote"]')).toBeVisible();
  const log = panel.getByTestId('log');
  await expect(log.locator('.event[data-type="set"]').first()).toContainText(`from tab ${writer}`);

  await b.page.evaluate(() => window.devtoolsDemo.posts.delete('post:remote'));
  await expect(entries.locator('[data-key="post:remote"]')).toHaveCount(0);
  await expect(log.locator('.event[data-type="delete"]').first()).toContainText(`from tab ${writer}`);

  // Event type filter: only the chosen type is listed.
  await panel.getByTestId('event-type').selectOption('delete');
  await expect(log.locator('.event')).toHaveCount(1);
  await panel.getByTestId('event-type').selectOption('');
  // Pause: later events are held back (and counted) until resumed.
  await panel.getByTestId('pause').click();
  await b.page.evaluate(() => window.devtoolsDemo.posts.set('post:later', 1));
  await expect(panel.getByTestId('pause')).toHaveText('Resume (1 new)');
  await expect(log.locator('.event[data-type="set"]', { hasText: 'post:later' })).toHaveCount(0);
  await panel.getByTestId('pause').click();
  await expect(log.locator('.event[data-type="set"]', { hasText: 'post:later' })).toHaveCount(1);
});
