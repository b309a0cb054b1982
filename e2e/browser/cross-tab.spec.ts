import { expect, test, type Page } from '@playwright/test';
import { BACKENDS, openTabs, uniqueName } from './tabs.js';

function argsFor(backend: (typeof BACKENDS)[number], name: string): Record<string, unknown> {
  return backend === 'localstorage' ? { prefix: `${name}:` } : { dbName: name };
}

async function setupAll(pages: Page[], backend: (typeof BACKENDS)[number], name: string, expirationTime: number): Promise<void> {
  const args = argsFor(backend, name);
  await Promise.all(pages.map((page) => page.evaluate(([backend, name, args, expirationTime]) => window.dc.setup('r', { backend, name, args, expirationTime }), [backend, name, args, expirationTime] as const)));
}

for (const backend of BACKENDS) {
  test(`${backend}: with an expired value, one tab regenerates while the others get the stale value without waiting`, async ({ context }) => {
    const pages = await openTabs(context, 4);
    const [a, ...others] = pages as [Page, ...Page[]];
    await setupAll(pages, backend, uniqueName('swr'), 5_000);
    // An entry created 10 s ago: expired for a region whose values live 5 s.
    await a.evaluate(async () => {
      const { CachedValue, VALUE_VERSION } = window.dc.dogpile;
      await window.dc.region('r').actualBackend.set('k', new CachedValue('old', { ct: Date.now() - 10_000, v: VALUE_VERSION }));
    });

    // Tab A regenerates; its creator stays blocked until the test opens the gate.
    await a.evaluate(() => window.dc.startGatedCreate('r', 'k', 'new'));
    const meanwhile = await Promise.all(
      others.map((page) =>
        page.evaluate(async () => {
          const { region, countingCreator, calls } = window.dc;
          const values = await Promise.all(Array.from({ length: 10 }, () => region('r').getOrCreate('k', countingCreator('r', 'other', 0))));
          return { values: [...new Set(values)], calls: calls('r'), locked: await region('r').keyIsLocked('k'), stale: region('r').stats.staleServed };
        }),
      ),
    );
    for (const tab of meanwhile) {
      // All answered while A's creator is still blocked: they did not wait for it.
      expect(tab).toEqual({ values: ['old'], calls: 0, locked: true, stale: 10 });
    }

    expect(await a.evaluate(() => window.dc.openGate('r', 'k'))).toBe('new');
    expect(await a.evaluate(() => window.dc.calls('r'))).toBe(1);
    for (const page of others) {
      expect(await page.evaluate(() => window.dc.region('r').getOrCreate('k', window.dc.countingCreator('r', 'again', 0)))).toBe('new');
      expect(await page.evaluate(() => window.dc.calls('r'))).toBe(0);
    }
  });

  test(`${backend}: a tab closed while it holds the lock mid-creation: another tab takes over and creates, nobody hangs`, async ({ context }) => {
    const pages = await openTabs(context, 3);
    const [a, b, c] = pages as [Page, Page, Page];
    await setupAll(pages, backend, uniqueName('closed'), 60_000);

    await a.evaluate(() => window.dc.startGatedCreate('r', 'k', 'never stored'));
    expect(await b.evaluate(() => window.dc.region('r').keyIsLocked('k'))).toBe(true);
    const waiting = [b, c].map((page) => page.evaluate(() => window.dc.stampede('r', 'k', { callers: 10, creatorMs: 30, startAt: 0, value: 'taken over' })));
    // Both tabs are waiting for A's lock before A goes away.
    for (const page of [b, c]) {
      await page.waitForFunction(() => window.dc.events('r').filter((e) => e.type === 'miss' && e.key === 'k').length === 10);
    }
    await a.close();

    const results = await Promise.all(waiting);
    expect(results[0]!.calls + results[1]!.calls).toBe(1);
    for (const r of results) expect(r.values).toEqual([JSON.stringify('taken over')]);
    expect(await b.evaluate(() => window.dc.region('r').keyIsLocked('k'))).toBe(false);
  });
}
