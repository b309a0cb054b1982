import { expect, test, type Page } from '@playwright/test';
import { BACKENDS, heardWrites, invalidationStored, openTab, openTabs, uniqueName } from './tabs.js';

for (const backend of BACKENDS) {
  for (const hard of [true, false]) {
    const kind = hard ? 'hard' : 'soft';
    test(`${backend}: ${kind} invalidate() in one tab applies in every open tab at once and in a tab opened later`, async ({ context }) => {
      const name = uniqueName(`inv-${kind}`);
      const args = backend === 'localstorage' ? { prefix: `${name}:` } : { dbName: name };
      // Soft invalidation serves the old value while one caller regenerates in the background.
      const setup = (page: Page) =>
        page.evaluate(([backend, name, args]) => window.dc.setup('r', { backend, name, args, expirationTime: 600_000, asyncRunner: true }), [backend, name, args] as const);
      const [a, b] = (await openTabs(context, 2)) as [Page, Page];
      await Promise.all([setup(a), setup(b)]);

      await a.evaluate(async () => {
        const { region, countingCreator } = window.dc;
        await region('r').getOrCreate('k1', countingCreator('r', 'v1', 0));
        await region('r').getOrCreate('k2', countingCreator('r', 'v1', 0));
      });
      // localStorage reaches another tab's copy asynchronously: B reads once the change feed has told it of both writes.
      await heardWrites(b, ['k1', 'k2']);
      expect(await b.evaluate(() => window.dc.region('r').get('k1'))).toBe('v1');

      await a.evaluate((hard) => window.dc.region('r').invalidate(hard), hard);
      // Pushed to tab B: it hears of it without reading anything.
      await b.waitForFunction((hard) => window.dc.events('r').some((e) => e.type === 'invalidated' && e.remote && e.hard === hard), hard);

      const getK1 = (page: Page, value: string) => page.evaluate((value) => window.dc.region('r').getOrCreate('k1', window.dc.countingCreator('r', value, 0)), value);
      if (hard) {
        expect(await getK1(b, 'v2')).toBe('v2');
      } else {
        expect(await getK1(b, 'v2')).toBe('v1'); // stale, once
        await b.waitForFunction(() => window.dc.calls('r') === 1);
        expect(await getK1(b, 'v3')).toBe('v2');
      }
      expect(await b.evaluate(() => window.dc.calls('r'))).toBe(1);

      // A tab opened afterwards loads the invalidation before its first read
      // (once it is in storage: B's copy holding A's record shows that it is).
      if (backend === 'localstorage') await invalidationStored(b, name, hard);
      const later = await openTab(context);
      await setup(later);
      const getK2 = (value: string) => later.evaluate((value) => window.dc.region('r').getOrCreate('k2', window.dc.countingCreator('r', value, 0)), value);
      if (hard) {
        expect(await getK2('v2')).toBe('v2');
      } else {
        expect(await getK2('v2')).toBe('v1');
        await later.waitForFunction(() => window.dc.calls('r') === 1);
        expect(await getK2('v3')).toBe('v2');
      }
      expect(await later.evaluate(() => window.dc.calls('r'))).toBe(1);
      const state = await later.evaluate(() => {
        const inv = window.dc.region('r').regionInvalidator;
        return { hard: inv.wasHardInvalidated(), soft: inv.wasSoftInvalidated(), at: inv.invalidatedAt?.() };
      });
      const atInA = await a.evaluate(() => window.dc.region('r').regionInvalidator.invalidatedAt?.());
      expect(state).toEqual({ hard, soft: !hard, at: atInA });
    });
  }
}
