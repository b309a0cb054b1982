// Hostile pages against the real extension: forged protocol messages from a
// framed page of another origin and from another tab must not reach the
// inspected tab's panel, drive its page, or break a panel.
import { expect, openPanel, openTab, test } from './extension.js';
import { testServerPort } from '../chromium.js';

const otherOrigin = `http://localhost:${testServerPort}`;

test('forged messages from another origin or tab show nothing in the inspected tab and do nothing', async ({ extension, errors }) => {
  // Tab A: the inspected page, framing a forger from another origin.
  const a = await openTab(extension, '/devtools/framed.html');
  await a.page.evaluate(() => Promise.all([window.devtoolsDemo.ready, window.forgerReady]));
  const statsBefore = await a.page.evaluate(() => ({ users: window.devtoolsDemo.users.stats, posts: window.devtoolsDemo.posts.stats }));

  // Tab B: a hostile page of another origin that forges the protocol itself.
  const b = await openTab(extension, `${otherOrigin}/devtools/forger.html`);
  const panelA = await openPanel(extension, a.tabId, errors);
  const panelB = await openPanel(extension, b.tabId, errors);
  await expect(panelA.getByTestId('connection')).toHaveText('live');
  await expect(panelB.getByTestId('not-found')).toContainText('The page runs no dogpile-cache inspector.');

  // Web pages cannot talk to the extension directly (no externally_connectable).
  const direct = await b.page.evaluate((id) => {
    const runtime = (globalThis as { chrome?: { runtime?: { connect?: (id: string) => unknown } } }).chrome?.runtime;
    if (!runtime?.connect) return 'no runtime';
    try {
      runtime.connect(id);
      return 'connected';
    } catch {
      return 'refused';
    }
  }, extension.extensionId);
  expect(direct).not.toBe('connected');

  // The frame in tab A forges towards tab A while tab A's panel is attached.
  await a.page.evaluate(() => window.forgeFromFrame('framed'));
  await b.page.evaluate(() => window.forge('top'));
  // Tab B's panel shows what tab B claims about itself, under tab B's real origin.
  await expect(panelB.locator('tr[data-region="forged-top"]')).toBeVisible();
  await expect(panelB.getByTestId('origin')).toHaveText(otherOrigin);
  await expect(panelB.locator('tr[data-region]')).toHaveCount(1);

  // Sync point for tab A's pipeline: a real event of tab A reaches its panel.
  await a.page.evaluate(() => window.devtoolsDemo.users.set('marker', 1));
  await expect(panelA.getByTestId('log').locator('.event[data-type="set"]').first()).toContainText('marker');

  // Tab A's panel: only tab A's own regions, under tab A's origin.
  await expect(panelA.getByTestId('origin')).toHaveText(new URL(a.page.url()).origin);
  await expect(panelA.locator('tr[data-region]')).toHaveCount(2);
  await expect(panelA.locator('tr[data-region="users"]')).toBeVisible();
  await expect(panelA.locator('tr[data-region="posts"]')).toBeVisible();
  await expect(panelA.locator('body')).not.toContainText('forged');
  // Nor in the origin views: the forged lock, tab and invalidation are nowhere.
  for (const view of ['tabs', 'ledger', 'locks']) {
    await panelA.locator(`nav.views [data-view="${view}"]`).click();
    await expect(panelA.getByTestId('cross')).not.toContainText('forged');
  }
  await expect(panelA.locator('body')).not.toContainText('666');

  // Tab A's page was not driven: no invalidation, no deletion.
  const after = await a.page.evaluate(async () => ({
    users: window.devtoolsDemo.users.stats,
    posts: window.devtoolsDemo.posts.stats,
    ada: (await window.devtoolsDemo.users.get('user:ada')) !== window.devtoolsDemo.NO_VALUE,
  }));
  expect(after.users.invalidations).toBe(statsBefore.users.invalidations);
  // Neither cleared nor reset (a reset would zero the counters).
  expect(after.users.creations).toBe(statsBefore.users.creations);
  expect(after.posts.creations).toBe(statsBefore.posts.creations);
  expect(after.users.deletes).toBe(statsBefore.users.deletes);
  expect(after.posts.invalidations).toBe(statsBefore.posts.invalidations);
  expect(after.ada).toBe(true);

  // Neither panel broke on the malformed messages.
  await panelB.getByRole('button', { name: 'Refresh' }).click();
  await expect(panelB.locator('header h1')).toHaveText('dogpile-cache');
  expect(errors).toEqual([]);
  for (const page of [panelA, panelB, a.page, b.page]) await page.close();
});
