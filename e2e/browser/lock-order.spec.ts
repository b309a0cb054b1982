// The order in which one tab's callers reach the browser's lock manager. With
// localStorage every read is synchronous, so a tab's whole stampede runs in
// one task: the first caller asks for the key's Web Lock, the others ask to
// be told when it is free. If a "tell me when free" request reached the
// browser first, it was granted at once (nobody held the lock yet), the first
// caller's try-lock failed against it, and every caller then queued for the
// exclusive lock, taking it one after another just to read: 50 hand-offs.
import { expect, test } from '@playwright/test';
import { BACKENDS, openTabs, uniqueName } from './tabs.js';

const CALLERS = 50;

for (const backend of BACKENDS) {
  test(`${backend}: in a stampede over 2 tabs only the creator takes the key's lock; every other caller waits for it and reads`, async ({ context }) => {
    const pages = await openTabs(context, 2);
    const name = uniqueName('lock-order');
    const args = backend === 'localstorage' ? { prefix: `${name}:` } : { dbName: name };
    await Promise.all(pages.map((page) => page.evaluate(([backend, name, args]) => window.dc.setup('r', { backend, name, args, expirationTime: 600_000 }), [backend, name, args] as const)));
    for (let round = 0; round < 5; round++) {
      const before = await Promise.all(pages.map((page) => page.evaluate(() => window.dc.events('r').length)));
      const startAt = Date.now() + 150;
      const results = await Promise.all(
        // `tabs`: the creator finishes only once both tabs' callers have missed, however late a busy machine starts one.
        pages.map((page) => page.evaluate(([key, startAt, callers, tabs]) => window.dc.stampede('r', key, { callers, creatorMs: 50, startAt, value: key, tabs }), [`key-${round}`, startAt, CALLERS, pages.length] as const)),
      );
      expect(results.reduce((sum, r) => sum + r.calls, 0)).toBe(1);
      const acquired = await Promise.all(
        pages.map((page, i) => page.evaluate((from) => window.dc.events('r').slice(from).filter((e) => e.type === 'lockAcquired').length, before[i]!)),
      );
      // One lock taken in the round: the creator's. (The bug made it one per caller of the creator's tab.)
      expect({ round, acquired: acquired.reduce((a, b) => a + b, 0) }).toEqual({ round, acquired: 1 });
      for (const r of results) expect(r.waits).toBe(CALLERS - r.calls);
    }
  });
}
