// A region hosted in a SharedWorker, seen from the real extension: the Tabs
// view lists both tabs using it and names the SharedWorker as its host.
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, openPanel, openTab, test, type ExtensionBrowser } from './extension.js';

const devtoolsModule = `/@fs${fileURLToPath(new URL('../../src/devtools/index.ts', import.meta.url))}`;

/** A worker test page, connected to the SharedWorker region and inspected through the window (as the extension needs). */
async function workerTab(extension: ExtensionBrowser): Promise<{ page: Page; tabId: number }> {
  const tab = await openTab(extension, '/worker/index.html');
  await tab.page.waitForFunction(() => 'workerTest' in window);
  const { mode } = await tab.page.evaluate(() => (window as unknown as { workerTest: { connect(): Promise<{ mode: string }> } }).workerTest.connect());
  expect(mode).toBe('shared-worker');
  await tab.page.evaluate(async (url) => {
    const { workerTest } = window as unknown as { workerTest: { client: unknown; worker: { registerClientWithDevtools(client: unknown): void } } };
    const devtools = (await import(/* @vite-ignore */ url)) as { inspect(): unknown };
    workerTest.worker.registerClientWithDevtools(workerTest.client);
    devtools.inspect();
  }, devtoolsModule);
  return tab;
}

test('a SharedWorker-hosted region: both tabs listed with it, the SharedWorker named as host', async ({ extension, errors }) => {
  const a = await workerTab(extension);
  const b = await workerTab(extension);
  const panel = await openPanel(extension, a.tabId, errors);
  await expect(panel.getByTestId('connection')).toHaveText('live');
  await expect(panel.locator('tr[data-region="e2e-worker"] .backend')).toHaveText('SharedWorker → MemoryBackend');
  await panel.locator('nav.views [data-view="tabs"]').click();
  const tabs = panel.getByTestId('tabs');
  // Both tabs, each with the region (tabs of other tests on this origin may be listed too).
  await expect(tabs.locator('tr[data-origin]', { hasText: 'e2e-worker' })).toHaveCount(2);
  await expect(tabs.getByTestId('worker-host')).toContainText('Hosted in a SharedWorker: e2e-worker');
  expect(errors).toEqual([]);
  for (const page of [panel, a.page, b.page]) await page.close();
});
