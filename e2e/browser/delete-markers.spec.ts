// localStorage deletes leave a marker of their own, so the next holder of a
// key's lock waits for the removal, not for the write an older marker announces.
// The tabs get a 60 s syncTimeout: a holder that waited for a write it will
// never see would still be waiting when the page gives up after 15 s.
import { expect, test, type Page } from '@playwright/test';
import { heardWrites, openTabs, uniqueName } from './tabs.js';

const SYNC_TIMEOUT = 60_000;
const GIVE_UP_MS = 15_000;

/** `getOrCreate(key)` in `page`: its value and how many times the page's creator ran, or 'still waiting'. */
function getOrCreate(page: Page, key: string, value: string): Promise<{ value: unknown; calls: number } | 'still waiting'> {
  return page.evaluate(
    async ([key, value, giveUpMs]) => {
      const { region, countingCreator, calls, sleep } = window.dc;
      const before = calls('r');
      const result = await Promise.race([region('r').getOrCreate(key, countingCreator('r', value, 0)), sleep(giveUpMs).then(() => 'still waiting' as const)]);
      return result === 'still waiting' ? result : { value: result, calls: calls('r') - before };
    },
    [key, value, GIVE_UP_MS] as const,
  );
}

test('localstorage: a delete right after a write does not leave the next lock holder waiting for that write, in the deleting tab or another', async ({ context }) => {
  const [a, b] = (await openTabs(context, 2)) as [Page, Page];
  const name = uniqueName('delete-marker');
  for (const page of [a, b]) {
    await page.evaluate(([name, syncTimeout]) => window.dc.setup('r', { backend: 'localstorage', name, args: { prefix: `${name}:`, syncTimeout }, expirationTime: 600_000 }), [name, SYNC_TIMEOUT] as const);
  }
  const del = (page: Page, keys: string[]) => page.evaluate((keys) => (keys.length === 1 ? window.dc.region('r').delete(keys[0]!) : window.dc.region('r').deleteMulti(keys)), keys);
  // Another tab's removal reaches a page's own copy of localStorage asynchronously; until it
  // has, that page still reads the old value as a hit and takes no lock at all.
  const goneIn = (page: Page, key: string) =>
    page.waitForFunction((key) => localStorage.getItem((window.dc.region('r').actualBackend as unknown as { storageKey(key: string): string }).storageKey(key)) === null, key);

  // Written by A (leaving a write marker), deleted by A, then B takes the lock.
  expect(await getOrCreate(a, 'k1', 'a1')).toEqual({ value: 'a1', calls: 1 });
  await del(a, ['k1']);
  await goneIn(b, 'k1');
  expect(await getOrCreate(b, 'k1', 'b1')).toEqual({ value: 'b1', calls: 1 });

  // Written by A, deleted by B, then B takes the lock: no storage event will tell B anything.
  // (B deletes what its copy of localStorage holds: A's write has to reach it first.)
  expect(await getOrCreate(a, 'k2', 'a2')).toEqual({ value: 'a2', calls: 1 });
  await heardWrites(b, ['k2']);
  await del(b, ['k2']);
  expect(await getOrCreate(b, 'k2', 'b2')).toEqual({ value: 'b2', calls: 1 });

  // deleteMulti leaves a marker per key.
  expect(await getOrCreate(a, 'k3', 'a3')).toEqual({ value: 'a3', calls: 1 });
  expect(await getOrCreate(a, 'k4', 'a4')).toEqual({ value: 'a4', calls: 1 });
  await heardWrites(b, ['k3', 'k4']);
  await del(b, ['k3', 'k4']);
  await goneIn(a, 'k3');
  expect(await getOrCreate(a, 'k3', 'a3 again')).toEqual({ value: 'a3 again', calls: 1 });
  expect(await getOrCreate(b, 'k4', 'b4')).toEqual({ value: 'b4', calls: 1 });

  // A write after the delete is the newest change: the next holder waits for it and creates nothing.
  expect(await getOrCreate(a, 'k5', 'a5')).toEqual({ value: 'a5', calls: 1 });
  await heardWrites(b, ['k5']);
  await del(b, ['k5']);
  await goneIn(a, 'k5');
  expect(await getOrCreate(a, 'k5', 'a5 again')).toEqual({ value: 'a5 again', calls: 1 });
  expect(await getOrCreate(b, 'k5', 'unused')).toEqual({ value: 'a5 again', calls: 0 });
});
