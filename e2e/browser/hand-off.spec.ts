// The value hand-off: tabs waiting for another tab's creator get the value
// from the creator's tab (localStorage: the storage event's entry; IndexedDB:
// the record posted on the change channel) instead of reading storage again,
// with its provenance; and a message that arrives late with an older value
// never wins.
import { expect, test, type Page } from '@playwright/test';
import { BACKENDS, openTabs, uniqueName } from './tabs.js';

type Seen = { type: string; key?: string; remote?: boolean; ct?: number; origin?: string; createdBy?: string; creationMs?: number };

async function setup(tabs: Page[], backend: (typeof BACKENDS)[number], name: string): Promise<void> {
  const args = backend === 'localstorage' ? { prefix: `${name}:` } : { dbName: name };
  for (const tab of tabs) await tab.evaluate(([be, n, ar]) => window.dc.setup('r', { backend: be as 'localstorage', name: n, args: ar, expirationTime: 600_000 }), [backend, name, args] as const);
}

/** Counts, from now on, this tab's storage reads of the key: `getItem` of its entry, or IndexedDB read-only transactions. */
function countReads(tab: Page, backend: string, storageKey: string): Promise<void> {
  return tab.evaluate(
    ([be, sk]) => {
      const counts = ((window as unknown as { reads: { n: number } }).reads = { n: 0 });
      if (be === 'localstorage') {
        const getItem = Storage.prototype.getItem;
        Storage.prototype.getItem = function (key: string) {
          if (key === sk) counts.n++;
          return getItem.call(this, key);
        };
      } else {
        const transaction = IDBDatabase.prototype.transaction;
        IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
          if ((args[1] ?? 'readonly') === 'readonly') counts.n++;
          return transaction.apply(this, args);
        } as IDBDatabase['transaction'];
      }
    },
    [backend, storageKey] as const,
  );
}

const reads = (tab: Page) => tab.evaluate(() => (window as unknown as { reads: { n: number } }).reads.n);

for (const backend of BACKENDS) {
  test.describe(backend, () => {
    test('tabs waiting for another tab\'s creator resolve with the value it hands off, reading storage only for the first miss, and hear who made it', async ({ context }) => {
      const [a, ...waiting] = await openTabs(context, 4);
      const name = uniqueName('hand-off');
      await setup([a!, ...waiting], backend, name);
      const tabA = await a!.evaluate(() => window.dc.tabId());
      await a!.evaluate(() => window.dc.startGatedCreate('r', 'k', { made: 'by A' }));
      for (const tab of waiting) await countReads(tab, backend, `${name}:${name}|k`);
      const results = waiting.map((tab) => tab.evaluate(() => Promise.all(Array.from({ length: 10 }, () => window.dc.region('r').getOrCreate('k', async () => 'not me')))));
      // Every caller of every waiting tab has read the key once (a miss), and they wait for A's lock.
      for (const tab of waiting) await expect.poll(() => reads(tab)).toBe(10);
      expect(await a!.evaluate(() => window.dc.region('r').keyIsLocked('k'))).toBe(true);
      await a!.evaluate(() => window.dc.openGate('r', 'k'));
      for (const result of results) expect(await result).toEqual(Array(10).fill({ made: 'by A' }));
      for (const tab of waiting) {
        // No read after the wait: the value came with the hand-off.
        expect(await reads(tab)).toBe(10);
        expect(await tab.evaluate(() => window.dc.calls('r'))).toBe(0);
        const sets = ((await tab.evaluate(() => window.dc.events('r'))) as Seen[]).filter((e) => e.type === 'set' && e.key === 'k' && e.remote);
        expect(sets).toHaveLength(1);
        expect(sets[0]).toMatchObject({ origin: tabA, createdBy: tabA });
        expect(sets[0]!.creationMs).toEqual(expect.any(Number));
        expect(sets[0]!.creationMs).toBeGreaterThanOrEqual(0);
      }
      expect(await a!.evaluate(() => window.dc.calls('r'))).toBe(1);
    });

    test('a hand-off that arrives late with an older value never resolves a waiter or a read with it', async ({ context }) => {
      const [a, b, c] = await openTabs(context, 3);
      const name = uniqueName('late-hand-off');
      await setup([a!, b!], backend, name);
      // B hears a write of the key, then its delete: the newest change it knows of is the delete.
      await a!.evaluate(() => window.dc.region('r').set('k', 'old'));
      await expect.poll(async () => ((await b!.evaluate(() => window.dc.events('r'))) as Seen[]).some((e) => e.type === 'set' && e.remote)).toBe(true);
      const oldCt = ((await b!.evaluate(() => window.dc.events('r'))) as Seen[]).find((e) => e.type === 'set' && e.remote)!.ct!;
      await a!.evaluate(() => window.dc.region('r').delete('k'));
      await expect.poll(async () => ((await b!.evaluate(() => window.dc.events('r'))) as Seen[]).some((e) => e.type === 'delete' && e.remote)).toBe(true);

      // A regenerates (held open); B waits for it.
      await a!.evaluate(() => window.dc.startGatedCreate('r', 'k', 'new'));
      const waited = b!.evaluate(() => window.dc.region('r').getOrCreate('k', async () => 'not me'));
      await expect.poll(() => b!.evaluate(() => window.dc.region('r').keyIsLocked('k'))).toBe(true);
      // B notes when the late message below reaches it (after its region's own listener, which was added first).
      await b!.evaluate(
        ([be, n]) => {
          (window as unknown as { lateHeard: Promise<void> }).lateHeard = new Promise<void>((resolve) => {
            if (be === 'localstorage') {
              const onStorage = (event: StorageEvent) => {
                if (event.key !== `${n}:${n}|k`) return;
                removeEventListener('storage', onStorage);
                resolve();
              };
              addEventListener('storage', onStorage);
              return;
            }
            const channel = new BroadcastChannel(`dogpile-cache:changes:idb:${encodeURIComponent(n)}/entries/${n}`);
            channel.onmessage = (event: MessageEvent) => {
              if ((event.data as { origin?: string } | null)?.origin !== 'late-tab') return;
              channel.close();
              resolve();
            };
          });
        },
        [backend, name] as const,
      );
      // An older value's message, delayed: from a third tab, carrying a value created before the one B heard of.
      await c!.evaluate(
        ([be, n, ct]) => {
          const { CachedValue, VALUE_VERSION } = window.dc.dogpile;
          if (be === 'localstorage') {
            localStorage.setItem(`${n}:${n}|k`, window.dc.entries.encode(new CachedValue('stale', { ct, v: VALUE_VERSION }), `${Math.floor(ct).toString(36)}-late`, 'late-tab'));
            return;
          }
          const channel = new BroadcastChannel(`dogpile-cache:changes:idb:${encodeURIComponent(n)}/entries/${n}`);
          const record = { ns: n, key: 'k', at: ct, ct, v: VALUE_VERSION, p: 'stale' };
          channel.postMessage({ tag: 'dogpile-cache.change', origin: 'late-tab', changes: [{ kind: 'hand-off', key: 'k', time: ct, record }, { kind: 'set', key: 'k', time: ct, record }] });
          channel.close();
        },
        [backend, name, oldCt - 1_000] as const,
      );
      // The late message has reached B before A's value does (it is sent before the gate opens, on the same path as A's).
      await b!.evaluate(() => (window as unknown as { lateHeard: Promise<void> }).lateHeard);
      await a!.evaluate(() => window.dc.openGate('r', 'k'));
      expect(await waited).toBe('new');
      expect(await b!.evaluate(() => window.dc.calls('r'))).toBe(0);
    });
  });
}
