// IndexedDB near the origin's quota, with Chromium enforcing a small quota
// (CDP Storage.overrideQuotaForOrigin) and a usage figure that does not fall
// after deletes, as Chromium's can lag behind them.
import { expect, test } from '@playwright/test';
import { testServerOrigin } from '../chromium.js';
import { openTab, uniqueName } from './tabs.js';

const QUOTA = 3_000_000;

test('indexeddb near its quota: a write evicts only as far as its own bytes, then is refused typed; the region never empties itself and its newest values stay readable; other databases and sibling regions stay', async ({ context }) => {
  const page = await openTab(context);
  const cdp = await context.newCDPSession(page);
  let quota = QUOTA;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: testServerOrigin, quotaSize: quota });
  // The lag: what region "a" deletes stays counted, played by lowering the
  // quota by twice what it frees before the deleting transaction commits.
  await page.exposeFunction('deletedBytes', async (bytes: number) => {
    quota -= bytes;
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: testServerOrigin, quotaSize: quota });
  });
  const dbName = uniqueName('pressure');
  const result = await page.evaluate(async ({ dbName }) => {
    const { setup, region, events, dogpile } = window.dc;
    // Incompressible text of one byte a character, as IndexedDB stores Latin-1 strings.
    const text = (n: number, seed: number) => {
      let s = '';
      let x = seed * 7919 + 1;
      while (s.length < n) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        s += x.toString(36);
      }
      return s.slice(0, n);
    };
    // Another app's database, 1 MB.
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open(`${dbName}-other-app`);
      open.onupgradeneeded = () => open.result.createObjectStore('s');
      open.onsuccess = () => {
        const tx = open.result.transaction('s', 'readwrite');
        for (let i = 0; i < 10; i++) tx.objectStore('s').put(text(100_000, 1_000 + i), i);
        tx.oncomplete = () => {
          open.result.close();
          resolve();
        };
        tx.onerror = () => reject(tx.error);
      };
    });
    for (const id of ['b', 'c', 'a']) setup(id, { backend: 'indexeddb', name: id, args: { dbName }, expirationTime: 3_600_000 });
    // Two sibling regions, 0.4 MB each.
    for (let i = 0; i < 4; i++) await region('b').set(`b${i}`, text(100_000, 2_000 + i));
    for (let i = 0; i < 4; i++) await region('c').set(`c${i}`, text(100_000, 3_000 + i));
    const usedBefore = (await navigator.storage.estimate()).usage ?? 0;

    const cursorDelete = IDBCursor.prototype.delete;
    IDBCursor.prototype.delete = function (this: IDBCursor) {
      const record = (this as IDBCursorWithValue).value as { ns?: string; p?: unknown } | undefined;
      if (record?.ns === 'a' && typeof record.p === 'string') {
        // Keeps the deleting transaction alive until the quota is lowered.
        const store = this.source instanceof IDBIndex ? this.source.objectStore : (this.source as IDBObjectStore);
        let lowered = false;
        void (window as unknown as { deletedBytes: (n: number) => Promise<void> }).deletedBytes(record.p.length * 2).then(() => (lowered = true));
        const keepAlive = () => {
          if (!lowered) store.count().onsuccess = keepAlive;
        };
        keepAlive();
      }
      return cursorDelete.call(this);
    };

    const outcomes: string[] = [];
    for (let i = 0; i < 30; i++) {
      try {
        await region('a').set(`k${i}`, text(100_000, i));
        outcomes.push('stored');
      } catch (error) {
        outcomes.push(error instanceof dogpile.QuotaExceededError ? 'QuotaExceededError' : `other: ${String(error)}`);
      }
    }
    IDBCursor.prototype.delete = cursorDelete;
    const readable: number[] = [];
    for (let i = 0; i < 30; i++) if ((await region('a').get(`k${i}`)) !== dogpile.NO_VALUE) readable.push(i);
    const other = await new Promise<number>((resolve) => {
      const open = indexedDB.open(`${dbName}-other-app`);
      open.onsuccess = () => {
        const count = open.result.transaction('s').objectStore('s').count();
        count.onsuccess = () => {
          open.result.close();
          resolve(count.result);
        };
      };
    });
    const siblings = [...(await region('b').getMulti(['b0', 'b1', 'b2', 'b3'])), ...(await region('c').getMulti(['c0', 'c1', 'c2', 'c3']))];
    return {
      usedBefore,
      outcomes,
      readable,
      other,
      siblingsReadable: siblings.filter((v) => typeof v === 'string').length,
      notices: events('a').filter((e) => e.type === 'notice').map((e) => e.kind),
    };
  }, { dbName });

  console.log(`stored ${result.outcomes.filter((o) => o === 'stored').length} of 30, readable afterwards: ${result.readable.length} (${result.readable.join(' ')})`);
  // About 1.8 MB used before region "a" writes.
  expect(result.usedBefore).toBeGreaterThan(1_500_000);
  const stored = result.outcomes.map((o, i) => (o === 'stored' ? i : -1)).filter((i) => i >= 0);
  expect(stored.length).toBeGreaterThan(5);
  expect(result.outcomes.filter((o) => o !== 'stored')).toEqual(Array(30 - stored.length).fill('QuotaExceededError'));
  // The region did not empty itself: the newest value stored is readable, and at most
  // a write's worth or two of the oldest went (not one batch after another for every refused write).
  expect(result.readable).toContain(stored.at(-1));
  expect(stored.length - result.readable.length).toBeLessThanOrEqual(3);
  expect(result.readable.every((i) => stored.includes(i))).toBe(true);
  expect(result.other).toBe(10);
  expect(result.siblingsReadable).toBe(8);
});
