import { expect, test } from '@playwright/test';
import { BACKENDS, openTabs, uniqueName } from './tabs.js';

const TABS = 4;
const CALLERS = 50;
const ROUNDS = 20;
const CREATOR_MS = 150;

for (const backend of BACKENDS) {
  test(`${backend}: ${TABS} tabs x ${CALLERS} callers of a missing key run the creator exactly once, in each of ${ROUNDS} rounds`, async ({ context }) => {
    const pages = await openTabs(context, TABS);
    const name = uniqueName('stampede');
    const args = backend === 'localstorage' ? { prefix: `${name}:` } : { dbName: name };
    await Promise.all(pages.map((page) => page.evaluate(([backend, name, args]) => window.dc.setup('r', { backend, name, args, expirationTime: 600_000 }), [backend, name, args] as const)));

    const perRound: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const startAt = Date.now() + 150;
      const results = await Promise.all(
        pages.map((page) =>
          // `tabs`: the creator finishes only once every tab's callers have missed, however late a busy machine starts a tab.
          page.evaluate(([key, startAt, callers, creatorMs, tabs]) => window.dc.stampede('r', key, { callers, creatorMs, startAt, value: { made: key }, tabs }), [`key-${round}`, startAt, CALLERS, CREATOR_MS, TABS] as const),
        ),
      );
      perRound.push(results.reduce((sum, r) => sum + r.calls, 0));
      for (const r of results) expect(r.values).toEqual([JSON.stringify({ made: `key-${round}` })]);
      // Contention, not a late tab finding the value: every tab started
      // before the creator finished, and every caller but the creator missed and waited.
      const creatorEnded = results.find((r) => r.creatorEndedAt !== undefined)?.creatorEndedAt;
      expect(creatorEnded).toBeDefined();
      for (const r of results) {
        expect(r.startedAt).toBeLessThan(creatorEnded!);
        expect(r.misses).toBe(CALLERS);
        expect(r.waits).toBe(CALLERS - r.calls);
      }
    }
    expect(perRound).toEqual(Array(ROUNDS).fill(1));
  });
}
