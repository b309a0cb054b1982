// Other tabs' writes and deletes reach a region as remote `set`/`delete`
// events (the shared backends' change feed), and a late message carrying an
// older value never reports it as newer.
import { expect, test, type Page } from '@playwright/test';
import { BACKENDS, openTabs, uniqueName } from './tabs.js';

type Seen = { type: string; key?: string; remote?: boolean; ct?: number; origin?: string; at?: number };

const events = (tab: Page) => tab.evaluate(() => window.dc.events('r')) as Promise<Seen[]>;
const remote = async (tab: Page, type: string, key: string) => (await events(tab)).filter((e) => e.type === type && e.key === key && e.remote === true);

for (const backend of BACKENDS) {
  test.describe(backend, () => {
    test('a set and a delete in tab A reach tab B as remote events, with A as origin', async ({ context }) => {
      const [a, b] = await openTabs(context, 2);
      const name = uniqueName('feed');
      const args = backend === 'localstorage' ? { prefix: `${name}:` } : { dbName: name };
      for (const tab of [a!, b!]) await tab.evaluate(([be, n, ar]) => window.dc.setup('r', { backend: be as 'localstorage', name: n, args: ar }), [backend, name, args] as const);
      const tabA = await a!.evaluate(() => window.dc.tabId());

      const setAt = await a!.evaluate(async () => {
        const at = window.dc.now();
        await window.dc.region('r').set('k', { n: 1 });
        return at;
      });
      await expect.poll(async () => (await remote(b!, 'set', 'k')).length).toBe(1);
      const [set] = await remote(b!, 'set', 'k');
      expect(set!.origin).toBe(tabA);
      expect(set!.ct).toBeGreaterThanOrEqual(setAt - 1);
      expect(await b!.evaluate(() => window.dc.region('r').get('k'))).toEqual({ n: 1 });

      const deleteAt = await a!.evaluate(async () => {
        const at = window.dc.now();
        await window.dc.region('r').delete('k');
        return at;
      });
      await expect.poll(async () => (await remote(b!, 'delete', 'k')).length).toBe(1);
      const [deleted] = await remote(b!, 'delete', 'k');
      // localStorage's storage event does not say who removed an entry.
      if (backend === 'indexeddb') expect(deleted!.origin).toBe(tabA);
      const latency = `${backend}: set reached B after ${(set!.at! - setAt).toFixed(1)} ms, delete after ${(deleted!.at! - deleteAt).toFixed(1)} ms (from the call in A)`;
      test.info().annotations.push({ type: 'latency', description: latency });
      console.log(latency);

      // A's own changes are local there, and not echoed back to it.
      const own = (await events(a!)).filter((e) => e.type === 'set' || e.type === 'delete');
      expect(own.map((e) => [e.type, e.remote])).toEqual([['set', false], ['delete', false]]);
    });

    test('a late message with an older creation time is not reported; a newer one is', async ({ context }) => {
      const [a, b] = await openTabs(context, 2);
      const name = uniqueName('late');
      const args = backend === 'localstorage' ? { prefix: `${name}:` } : { dbName: name };
      for (const tab of [a!, b!]) await tab.evaluate(([be, n, ar]) => window.dc.setup('r', { backend: be as 'localstorage', name: n, args: ar }), [backend, name, args] as const);
      await a!.evaluate(() => window.dc.region('r').set('m', 'new'));
      await expect.poll(async () => (await remote(b!, 'set', 'm')).length).toBe(1);
      const [heard] = await remote(b!, 'set', 'm');
      const where = { prefix: `${name}:`, dbName: name, namespace: name };

      await a!.evaluate(([be, w, ct]) => window.dc.playLateChange(be as 'localstorage', w, 'm', ct), [backend, where, heard!.ct! - 1_000] as const);
      // Then a newer one, which must arrive: the older one, sent first on the same path, had its chance.
      await a!.evaluate(([be, w, ct]) => window.dc.playLateChange(be as 'localstorage', w, 'm', ct), [backend, where, heard!.ct! + 1_000] as const);
      await expect.poll(async () => (await remote(b!, 'set', 'm')).map((e) => e.ct)).toEqual([heard!.ct, heard!.ct! + 1_000]);
    });
  });
}
