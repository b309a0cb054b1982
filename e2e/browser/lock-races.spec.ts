// The lock across tabs where it used to fail: expired values read late,
// many keys at once, lockTimeout, invalidation during a creator, two
// invalidations in one millisecond, and a wall clock set back.
import { expect, test, type Page } from '@playwright/test';
import { BACKENDS, heardWrites, invalidationStored, openTab, openTabs, uniqueName } from './tabs.js';

type Backend = (typeof BACKENDS)[number];
interface Setup {
  readDelayMs?: number;
  lockTimeout?: number;
  fixedNow?: number;
}

function argsFor(backend: Backend, name: string): Record<string, unknown> {
  return backend === 'localstorage' ? { prefix: `${name}:` } : { dbName: name };
}

async function setup(page: Page, backend: Backend, name: string, expirationTime: number, extra: Setup = {}): Promise<void> {
  const args = argsFor(backend, name);
  await page.evaluate(([backend, name, args, expirationTime, extra]) => window.dc.setup('r', { backend, name, args, expirationTime, ...extra }), [backend, name, args, expirationTime, extra] as const);
}

for (const backend of BACKENDS) {
  test(`${backend}: an expired value read late by one tab while another regenerates it is regenerated once, in each of 3 rounds`, async ({ context }) => {
    const [fast, slow] = (await openTabs(context, 2)) as [Page, Page];
    const name = uniqueName('late-read');
    await setup(fast, backend, name, 5_000);
    await setup(slow, backend, name, 5_000, { readDelayMs: 150 });
    for (let round = 0; round < 3; round++) {
      const key = `k${round}`;
      await fast.evaluate((key) => window.dc.storeAged('r', key, 'old', 10_000), key);
      // The slow tab reads the old value from its own copy of localStorage, once the write has reached it.
      if (backend === 'localstorage') await heardWrites(slow, [key]);
      // The slow tab reads first; its answer (the old value) is held until the fast tab has regenerated.
      await slow.evaluate(() => window.dc.holdReads('r'));
      const slowResult = slow.evaluate((key) => window.dc.region('r').getOrCreate(key, window.dc.countingCreator('r', 'slow tab', 0)), key);
      await slow.waitForFunction((n) => window.dc.readsStartedAt('r').length > n, round * 2);
      const fastResult = await fast.evaluate((key) => window.dc.region('r').getOrCreate(key, window.dc.countingCreator('r', 'fast tab', 20)), key);
      await slow.evaluate(() => window.dc.releaseReads('r'));
      expect(fastResult).toBe('fast tab');
      expect(await slowResult).toBe('fast tab');
      const readStarted = (await slow.evaluate(() => window.dc.readsStartedAt('r')))[round * 2]!;
      const creatorEnded = (await fast.evaluate(() => window.dc.creatorsEnded('r')))[round]!;
      // The race really happened: the slow tab's read started before the creator finished.
      expect(readStarted).toBeLessThan(creatorEnded);
      expect(await fast.evaluate(() => window.dc.calls('r'))).toBe(round + 1);
      expect(await slow.evaluate(() => window.dc.calls('r'))).toBe(0);
    }
  });

  test(`${backend}: getOrCreateMulti of expired keys in 4 tabs at once creates each key once, in each of 3 rounds`, async ({ context }) => {
    const pages = await openTabs(context, 4);
    const name = uniqueName('multi');
    await Promise.all(pages.map((page, i) => setup(page, backend, name, 5_000, i % 2 ? { readDelayMs: 150 } : {})));
    for (let round = 0; round < 3; round++) {
      const keys = Array.from({ length: 5 }, (_, i) => `r${round}-k${i}`);
      for (const key of keys) await pages[0]!.evaluate((key) => window.dc.storeAged('r', key, 'old', 10_000), key);
      const startAt = Date.now() + 300;
      // `tabs`: a creator finishes only once every tab has started, however late a busy machine starts one.
      const results = await Promise.all(
        pages.map((page) => page.evaluate(([keys, startAt, tabs]) => window.dc.multiStampede('r', keys, { creatorMs: 30, startAt, tabs }), [keys, startAt, pages.length] as const)),
      );
      const created = results.flatMap((r) => r.created).sort();
      expect(created).toEqual([...keys].sort());
      const firstEnd = Math.min(...results.map((r) => r.creatorEndedAt ?? Infinity));
      // Every tab started before the first creator finished: they contended.
      for (const r of results) expect(r.startedAt).toBeLessThan(firstEnd);
      for (const r of results) for (const value of r.values) expect(value === 'old' || /:new$/.test(String(value))).toBe(true);
      // Afterwards every tab reads the new values (localStorage: once another tab's writes have reached its copy).
      for (const page of pages) {
        await expect.poll(() => page.evaluate((keys) => window.dc.region('r').getMulti(keys), keys)).toEqual(keys.map((key) => `${key}:new`));
      }
    }
  });

  test(`${backend}: 10 callers that time out on a creator stuck in another tab run the creator once between them`, async ({ context }) => {
    const [stuck, waiting] = (await openTabs(context, 2)) as [Page, Page];
    const name = uniqueName('timeout');
    await setup(stuck, backend, name, 60_000);
    await setup(waiting, backend, name, 60_000, { lockTimeout: 300 });
    await stuck.evaluate(() => window.dc.startGatedCreate('r', 'k', 'never'));
    const result = await waiting.evaluate(() => window.dc.stampede('r', 'k', { callers: 10, creatorMs: 50, startAt: 0, value: 'made after the timeout' }));
    expect(result.calls).toBe(1);
    expect(result.values).toEqual([JSON.stringify('made after the timeout')]);
    expect(await waiting.evaluate(() => window.dc.region('r').stats.lockTimeouts)).toBe(10);
    await stuck.evaluate(() => window.dc.openGate('r', 'k'));
  });

  test(`${backend}: invalidate() in one tab while another tab's creator runs: its caller gets the value, every tab then sees it invalidated`, async ({ context }) => {
    const [creating, invalidating] = (await openTabs(context, 2)) as [Page, Page];
    const name = uniqueName('inv-race');
    for (const page of [creating, invalidating]) await setup(page, backend, name, 60_000);
    await creating.evaluate(() => window.dc.startGatedCreate('r', 'k', 'made before the invalidation'));
    await invalidating.evaluate(() => window.dc.region('r').invalidate());
    // Let the invalidation reach the creating tab before its creator finishes.
    await creating.waitForFunction(() => window.dc.events('r').some((e) => e.type === 'invalidated' && e.remote));
    expect(await creating.evaluate(() => window.dc.openGate('r', 'k'))).toBe('made before the invalidation');
    // The tab opened later reads localStorage as the browser has it: with the invalidation record, as the creating tab's copy shows.
    if (backend === 'localstorage') await invalidationStored(creating, name);
    const later = await openTab(context);
    await setup(later, backend, name, 60_000);
    for (const page of [creating, invalidating, later]) expect(await page.evaluate(() => window.dc.get('r', 'k'))).toBe('<none>');
  });

  test(`${backend}: a hard and a soft invalidation in the same millisecond in two tabs: every tab, and one opened later, keeps the hard one`, async ({ context }) => {
    const [hard, soft] = (await openTabs(context, 2)) as [Page, Page];
    const name = uniqueName('inv-tie');
    const fixedNow = Date.now();
    for (const page of [hard, soft]) await setup(page, backend, name, 60_000, { fixedNow });
    await Promise.all([hard.evaluate(() => window.dc.region('r').invalidate(true)), soft.evaluate(() => window.dc.region('r').invalidate(false))]);
    // Storage may hold the soft one for a moment; the tab opened later reads it once the hard one is in (the soft tab's copy shows it).
    if (backend === 'localstorage') await invalidationStored(soft, name, true);
    const later = await openTab(context);
    await setup(later, backend, name, 60_000, { fixedNow });
    await later.evaluate(() => window.dc.region('r').get('warm-up'));
    for (const page of [hard, soft, later]) {
      await expect.poll(() => page.evaluate(() => window.dc.region('r').regionInvalidator.wasHardInvalidated())).toBe(true);
    }
  });

  test(`${backend}: the wall clock set back 500 ms in every tab does not keep a 2 s value alive past 2 s`, async ({ context }) => {
    const pages = await openTabs(context, 3);
    const name = uniqueName('clock');
    const wallStart = Date.now();
    for (const page of pages) {
      await page.evaluate((wallStart) => window.dc.useManualTime(wallStart), wallStart);
      await setup(page, backend, name, 2_000);
    }
    await pages[0]!.evaluate(() => window.dc.region('r').set('k', 'v'));
    // The other tabs read it from their own copy of localStorage: once the write has reached it.
    if (backend === 'localstorage') for (const page of pages.slice(1)) await heardWrites(page, ['k']);
    const seen: unknown[][] = [];
    for (let t = 100; t <= 2_100; t += 100) {
      // An app that reads every 100 ms; NTP sets the clock back at 1 s.
      const wallStep = t === 1_000 ? -500 : 0;
      seen.push(await Promise.all(pages.map((page) => page.evaluate((wallStep) => (window.dc.advanceTime(100, wallStep), window.dc.get('r', 'k')), wallStep))));
    }
    expect(seen.slice(0, 18).flat().every((value) => value === 'v')).toBe(true);
    expect(seen.at(-1)).toEqual(['<none>', '<none>', '<none>']);
  });
}

test('keys with lone surrogates: keyIsLocked sees another tab hold the lock', async ({ context }) => {
  const [holder, watcher] = (await openTabs(context, 2)) as [Page, Page];
  const name = uniqueName('surrogate');
  for (const page of [holder, watcher]) await setup(page, 'indexeddb', name, 60_000);
  const keys = ['lone-\uD800', 'lone-\uDC00'];
  await holder.evaluate((key) => window.dc.startGatedCreate('r', key, 'v'), keys[0]!);
  expect(await watcher.evaluate((keys) => Promise.all(keys.map((key) => window.dc.region('r').keyIsLocked(key))), keys)).toEqual([true, false]);
  await holder.evaluate((key) => window.dc.openGate('r', key), keys[0]!);
  expect(await watcher.evaluate((key) => window.dc.region('r').keyIsLocked(key), keys[0]!)).toBe(false);
});
