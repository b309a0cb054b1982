// maxEntries holds under writes from two tabs, and a backend's clear() in one
// tab leaves nothing of the region in storage; the other tab reads misses and
// hears of each removal as a remote delete.
import { expect, test, type Page } from '@playwright/test';
import { BACKENDS, openTabs, uniqueName } from './tabs.js';

const MAX = 20;

/** How many entries of the region are in storage, counted from the raw storage (not through the backend). */
function storedCount(tab: Page, backend: string, name: string): Promise<number> {
  return tab.evaluate(
    async ([be, n]) => {
      if (be === 'localstorage') return Object.keys(localStorage).filter((k) => k.startsWith(`${n}:${n}|`)).length;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(n!);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const count = await new Promise<number>((resolve, reject) => {
        const request = db.transaction('entries').objectStore('entries').index('ns-at').count(IDBKeyRange.bound([n, -Infinity], [n, Infinity]));
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      db.close();
      return count;
    },
    [backend, name] as const,
  );
}

for (const backend of BACKENDS) {
  test.describe(backend, () => {
    test(`maxEntries ${MAX} holds under many writes from two tabs, keeping the newest`, async ({ context }) => {
      const [a, b] = await openTabs(context, 2);
      const name = uniqueName('cap');
      const args = backend === 'localstorage' ? { prefix: `${name}:`, maxEntries: MAX } : { dbName: name, maxEntries: MAX };
      for (const tab of [a!, b!]) await tab.evaluate(([be, n, ar]) => window.dc.setup('r', { backend: be as 'localstorage', name: n, args: ar }), [backend, name, args] as const);
      // Both tabs write 100 keys each at the same time, one after another within a tab.
      await Promise.all(
        [a!, b!].map((tab, t) =>
          tab.evaluate(async (t) => {
            for (let i = 0; i < 100; i++) await window.dc.region('r').set(`t${t}-${i}`, { i });
          }, t),
        ),
      );
      // Then one more write in each tab, one after the other: the two newest writes of all.
      await a!.evaluate(() => window.dc.region('r').set('last-a', 'a'));
      await b!.evaluate(() => window.dc.region('r').set('last-b', 'b'));
      // Each write trims after itself: at most MAX stay (localStorage: once both tabs' copies agree).
      await expect.poll(() => storedCount(a!, backend, name)).toBeLessThanOrEqual(MAX);
      expect(await storedCount(a!, backend, name)).toBeGreaterThanOrEqual(MAX / 2);
      // The newest writes survived; the first ones did not.
      for (const tab of [a!, b!]) {
        await expect
          .poll(() => tab.evaluate(() => window.dc.region('r').getMulti(['last-a', 'last-b', 't0-0', 't1-0']).then((vs) => vs.map((v) => (v === window.dc.dogpile.NO_VALUE ? 'gone' : v)))))
          .toEqual(['a', 'b', 'gone', 'gone']);
      }
    });

    test('maxEntries 5 holds across two tabs that each write 20 keys at the same time, round after round, keeping the newest', async ({ context }) => {
      const [a, b] = await openTabs(context, 2);
      for (let round = 0; round < 4; round++) {
        const name = uniqueName(`cap5-${round}`);
        const args = backend === 'localstorage' ? { prefix: `${name}:`, maxEntries: 5 } : { dbName: name, maxEntries: 5 };
        for (const tab of [a!, b!]) await tab.evaluate(([be, n, ar]) => window.dc.setup(n!, { backend: be as 'localstorage', name: n, args: ar }), [backend, name, args] as const);
        const startAt = Date.now() + 300;
        // Each write's key with when it was done (epoch ms, one clock for the tabs of a browser).
        const written = (
          await Promise.all(
            [a!, b!].map((tab, t) =>
              tab.evaluate(
                async ([n, t, startAt]) => {
                  while (Date.now() < startAt) await window.dc.sleep(1);
                  const done: Array<[string, number]> = [];
                  for (let i = 0; i < 20; i++) {
                    // Stamped as the region stamps the entry (when set() is called), not when the write resolves:
                    // on a loaded machine a write can resolve after a later one of the other tab.
                    const at = window.dc.now();
                    await window.dc.region(n).set(`t${t}-${i}`, { t, i });
                    done.push([`t${t}-${i}`, at]);
                  }
                  return done;
                },
                [name, t, startAt] as const,
              ),
            ),
          )
        ).flat();
        await expect.poll(() => storedCount(a!, backend, name), { message: `round ${round}` }).toBeLessThanOrEqual(5);
        const newest = written.sort((x, y) => y[1] - x[1]).map(([key]) => key);
        const kept = await a!.evaluate(
          async ([n, keys]) => (await window.dc.region(n).getMulti(keys)).map((v, i) => (v === window.dc.dogpile.NO_VALUE ? undefined : keys[i])).filter(Boolean),
          [name, newest] as const,
        );
        expect(kept.length, `round ${round}`).toBeGreaterThanOrEqual(1);
        // Only the newest stay (give or take the order of two writes made in the same instant).
        for (const key of kept) expect(newest.indexOf(key!), `round ${round}: ${key}`).toBeLessThan(7);
        expect(kept, `round ${round}`).toContain(newest[0]);
      }
    });

    test('clear() of the backend in one tab leaves nothing in storage; the other tab reads misses and hears remote deletes', async ({ context }) => {
      const [a, b] = await openTabs(context, 2);
      const name = uniqueName('clear');
      const other = `${name}-other`;
      const args = (n: string) => (backend === 'localstorage' ? { prefix: `${name}:` } : { dbName: name, namespace: n });
      for (const tab of [a!, b!]) await tab.evaluate(([be, n, ar]) => window.dc.setup('r', { backend: be as 'localstorage', name: n, args: ar }), [backend, name, args(name)] as const);
      await a!.evaluate(([be, n, ar]) => window.dc.setup('other', { backend: be as 'localstorage', name: n, args: ar }), [backend, other, args(other)] as const);
      await a!.evaluate(async () => {
        await window.dc.region('r').setMulti({ 'secret-1': 'token', 'secret-2': { user: 'ann' }, 'secret-3': [1, 2] });
        await window.dc.region('other').set('kept', 'not this region');
      });
      await expect.poll(() => b!.evaluate(() => window.dc.region('r').get('secret-2'))).toEqual({ user: 'ann' });

      const removed = await a!.evaluate(() => (window.dc.region('r').actualBackend as { clear(): Promise<number> }).clear());
      expect(removed).toBe(3);
      expect(await storedCount(a!, backend, name)).toBe(0);
      // Nothing of the region is left in storage at all, under any key.
      const leftovers = await a!.evaluate(async (be) => (be === 'localstorage' ? Object.values(localStorage).filter((v) => v.includes('ann')).length : 0), backend);
      expect(leftovers).toBe(0);
      // Another region's entries stay.
      expect(await a!.evaluate(() => window.dc.region('other').get('kept'))).toBe('not this region');

      await expect.poll(() => b!.evaluate(() => window.dc.region('r').getMulti(['secret-1', 'secret-2', 'secret-3']).then((vs) => vs.map((v) => v === window.dc.dogpile.NO_VALUE)))).toEqual([true, true, true]);
      await expect
        .poll(async () => (await b!.evaluate(() => window.dc.events('r'))).filter((e) => e.type === 'delete' && e.remote).map((e) => e.key).sort())
        .toEqual(['secret-1', 'secret-2', 'secret-3']);
    });
  });
}

/** The bytes the region's backend says it stores (`storedBytes()`). */
function storedBytes(tab: Page): Promise<number> {
  return tab.evaluate(() => (window.dc.region('r').actualBackend as unknown as { storedBytes(): Promise<number> }).storedBytes());
}

const MAX_BYTES = 8_000;

for (const backend of BACKENDS) {
  test.describe(`${backend} maxBytes and version`, () => {
    test(`maxBytes ${MAX_BYTES} holds under many writes from two tabs; an entry larger than the cap fails typed before evicting`, async ({ context }) => {
      const [a, b] = await openTabs(context, 2);
      const name = uniqueName('bytes');
      const args = backend === 'localstorage' ? { prefix: `${name}:`, maxBytes: MAX_BYTES } : { dbName: name, maxBytes: MAX_BYTES };
      for (const tab of [a!, b!]) await tab.evaluate(([be, n, ar]) => window.dc.setup('r', { backend: be as 'localstorage', name: n, args: ar }), [backend, name, args] as const);
      // About 400 bytes an entry: 2 × 60 writes would be about 48 KB without the cap.
      await Promise.all(
        [a!, b!].map((tab, t) =>
          tab.evaluate(async (t) => {
            for (let i = 0; i < 60; i++) await window.dc.region('r').set(`t${t}-${i}`, 'x'.repeat(180));
          }, t),
        ),
      );
      await a!.evaluate(() => window.dc.region('r').set('last-a', 'a'));
      await b!.evaluate(() => window.dc.region('r').set('last-b', 'b'));
      await expect.poll(() => storedBytes(a!)).toBeLessThanOrEqual(MAX_BYTES);
      expect(await storedBytes(a!)).toBeGreaterThan(MAX_BYTES / 2);
      for (const tab of [a!, b!]) {
        await expect
          .poll(() => tab.evaluate(() => window.dc.region('r').getMulti(['last-a', 'last-b', 't0-0', 't1-0']).then((vs) => vs.map((v) => (v === window.dc.dogpile.NO_VALUE ? 'gone' : v)))))
          .toEqual(['a', 'b', 'gone', 'gone']);
      }
      const before = await a!.evaluate(() => (window.dc.region("r").actualBackend.keys!() as Promise<string[]>)).then((keys) => keys.length);
      const tooBig = await a!.evaluate(async () => {
        try {
          await window.dc.region('r').set('huge', 'y'.repeat(10_000));
          return 'stored';
        } catch (error) {
          return error instanceof window.dc.dogpile.QuotaExceededError ? 'QuotaExceededError' : String(error);
        }
      });
      expect(tooBig).toBe('QuotaExceededError');
      // Nothing was evicted for it, and it was not stored.
      const after = await a!.evaluate(() => (window.dc.region("r").actualBackend.keys!() as Promise<string[]>));
      expect(after.length).toBe(before);
      expect(after).not.toContain('huge');
      // getOrCreate still gives the caller its value.
      expect(await a!.evaluate(() => window.dc.region('r').getOrCreate('huge2', () => 'z'.repeat(10_000)).then((v) => v.length))).toBe(10_000);
    });

    test('a deploy (reload with a new version) gives misses, and prune() removes the old entries', async ({ context }) => {
      const [tab] = await openTabs(context, 1);
      const name = uniqueName('deploy');
      const args = backend === 'localstorage' ? { prefix: `${name}:` } : { dbName: name };
      const setup = (version: string) => tab!.evaluate(([be, n, ar, v]) => window.dc.setup('r', { backend: be as 'localstorage', name: n, args: ar, version: v }), [backend, name, args, version] as const);
      await setup('build-1');
      await tab!.evaluate(() => window.dc.region('r').setMulti({ a: 1, b: 2, c: 3 }));
      expect(await tab!.evaluate(() => window.dc.region('r').get('a'))).toBe(1);
      // The new build is deployed: the page reloads with another version.
      await tab!.reload();
      await tab!.waitForFunction(() => 'dc' in window);
      await setup('build-2');
      expect(await storedCount(tab!, backend, name)).toBe(3);
      expect(await tab!.evaluate(() => window.dc.region('r').getMulti(['a', 'b', 'c']).then((vs) => vs.map((v) => v === window.dc.dogpile.NO_VALUE)))).toEqual([true, true, true]);
      await tab!.evaluate(() => window.dc.region('r').set('d', 4));
      expect(await tab!.evaluate(() => window.dc.region('r').prune())).toBe(3);
      expect(await storedCount(tab!, backend, name)).toBe(1);
      expect(await tab!.evaluate(() => window.dc.region('r').get('d'))).toBe(4);
    });

    test('after a deploy, the old entries are pruned by themselves when the tab is idle (requestIdleCallback), with no prune() call', async ({ context }) => {
      test.setTimeout(90_000);
      const [tab] = await openTabs(context, 1);
      const name = uniqueName('idle');
      const base = backend === 'localstorage' ? { prefix: `${name}:` } : { dbName: name };
      const setup = (version: string, autoPrune: unknown) =>
        tab!.evaluate(([be, n, ar, v]) => window.dc.setup('r', { backend: be as 'localstorage', name: n, args: ar, version: v }), [backend, name, { ...base, autoPrune }, version] as const);
      await setup('build-1', false);
      await tab!.evaluate(() => window.dc.region('r').setMulti(Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`old-${i}`, i]))));
      await tab!.reload();
      await tab!.waitForFunction(() => 'dc' in window);
      await setup('build-2', { delay: 200, interval: 60_000, batchSize: 10 });
      await tab!.evaluate(() => window.dc.region('r').set('new', 1));
      expect(await storedCount(tab!, backend, name)).toBe(26);
      // When the tab is idle is the browser's call; each idle wait ends after 10 s at the latest
      // (one before the pass, then one per batch of 10): wait for that bound, not for idleness.
      await expect.poll(() => storedCount(tab!, backend, name), { timeout: 4 * 10_000 + 5_000 }).toBe(1);
      expect(await tab!.evaluate(() => window.dc.region('r').get('new'))).toBe(1);
    });
  });
}
