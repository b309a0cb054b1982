// Closed regions leave nothing listening: every BroadcastChannel a shared
// backend or its invalidation opened for them is closed.
import { expect, test, type Page } from '@playwright/test';
import { uniqueName } from './tabs.js';

/** Opens the harness page with its BroadcastChannels counted: the constructor and close() wrapped before any script runs. */
async function openCounting(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = BroadcastChannel;
    const open = new Set<BroadcastChannel>();
    class Counted extends Native {
      constructor(name: string) {
        super(name);
        open.add(this);
      }
      override close(): void {
        open.delete(this);
        super.close();
      }
    }
    (globalThis as { BroadcastChannel: typeof BroadcastChannel }).BroadcastChannel = Counted;
    (window as unknown as { openChannels: () => number }).openChannels = () => open.size;
  });
  await page.goto('/browser/index.html');
  await page.waitForFunction(() => 'dc' in window);
}

const openChannels = (page: Page) => page.evaluate(() => (window as unknown as { openChannels: () => number }).openChannels());

for (const shared of [false, true]) {
  test(`200 indexeddb and 200 localstorage regions${shared ? ' on one backend instance each' : ''}, each read once and closed, leave no BroadcastChannel open; a later region opens them again`, async ({ context }) => {
    const page = await context.newPage();
    await openCounting(page);
    const before = await openChannels(page);
    const name = uniqueName('closed');
    const whileOpen = await page.evaluate(
      async ([name, shared]) => {
        const { dogpile, browser } = window.dc;
        const args = { indexeddb: { dbName: name }, localstorage: { prefix: `${name}:` } };
        const instances = { indexeddb: new browser.IndexedDBBackend(args.indexeddb), localstorage: new browser.LocalStorageBackend(args.localstorage) };
        const made: Array<InstanceType<typeof dogpile.CacheRegion>> = [];
        for (let i = 0; i < 200; i++) {
          for (const backend of ['indexeddb', 'localstorage'] as const) {
            const region = dogpile.makeRegion({ name: `${backend}-${i}` });
            if (shared) region.configure(instances[backend], { expirationTime: 60_000 });
            else region.configure(backend, { expirationTime: 60_000, arguments: args[backend] });
            await region.get('k');
            made.push(region);
          }
        }
        const count = (window as unknown as { openChannels: () => number }).openChannels();
        for (const region of made) region.close();
        return count;
      },
      [name, shared] as const,
    );
    expect(whileOpen).toBeGreaterThanOrEqual(before + 400);
    expect(await openChannels(page)).toBe(before);
    // A region bound later opens its channels again (change feed and invalidation).
    const reopened = await page.evaluate(async (name) => {
      const region = window.dc.dogpile.makeRegion({ name: 'again' }).configure('indexeddb', { expirationTime: 60_000, arguments: { dbName: name } });
      await region.get('k');
      return (window as unknown as { openChannels: () => number }).openChannels();
    }, name);
    expect(reopened).toBe(before + 2);
  });
}
