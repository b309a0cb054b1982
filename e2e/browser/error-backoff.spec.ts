// A failing API hammered by every tab: with errorBackoff, one tab's failed
// creation is every tab's answer (one API call, not one per tab); with
// staleIfError, every tab keeps showing the stale value meanwhile.
import { expect, test, type Page } from '@playwright/test';
import { BACKENDS, openTabs, uniqueName } from './tabs.js';

const TABS = 3;
// Long enough that every tab is waiting for the lock before the creator fails, on 2 loaded cores.
const CREATOR_MS = 400;

interface Outcome {
  calls: number;
  value?: unknown;
  error?: { name: string; message: string };
}

/** Makes region `r` in the tab, on storage shared by every tab of the test. */
function setup(page: Page, backend: (typeof BACKENDS)[number], name: string, options: { errorBackoff?: number; staleIfError?: number }) {
  const args = backend === 'localstorage' ? { prefix: `${name}:` } : { dbName: name };
  return page.evaluate(
    ([backend, name, args, options]) => {
      const region = window.dc.dogpile.makeRegion({ name, ...options }).configure(backend, { expirationTime: 60_000, arguments: args });
      (window as unknown as { failing: typeof region }).failing = region;
    },
    [backend, name, args, options] as const,
  );
}

/** Every tab calls getOrCreate at `startAt` with a creator that fails after CREATOR_MS; what each got, and how often its creator ran. */
function callAt(pages: Page[], key: string, startAt: number): Promise<Outcome[]> {
  return Promise.all(
    pages.map((page) =>
      page.evaluate(
        async ([key, startAt, creatorMs]) => {
          const region = (window as unknown as { failing: import('dogpile-cache').CacheRegion }).failing;
          let calls = 0;
          const failing = async () => {
            calls++;
            await new Promise((resolve) => setTimeout(resolve, creatorMs));
            throw new TypeError('API answered 500');
          };
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
          try {
            const value = await region.getOrCreate(key, failing);
            return { calls, value };
          } catch (error) {
            return { calls, error: { name: (error as Error).name, message: (error as Error).message } };
          }
        },
        [key, startAt, CREATOR_MS] as const,
      ),
    ),
  );
}

for (const backend of BACKENDS) {
  test.describe(backend, () => {
    test(`errorBackoff: ${TABS} tabs asking for a key whose API fails cost one call, and every tab gets its error`, async ({ context }) => {
      const pages = await openTabs(context, TABS);
      const name = uniqueName('backoff');
      await Promise.all(pages.map((page) => setup(page, backend, name, { errorBackoff: 30_000 })));
      const outcomes = await callAt(pages, 'user:1', Date.now() + 300);
      expect(outcomes.reduce((sum, outcome) => sum + outcome.calls, 0)).toBe(1);
      for (const outcome of outcomes) expect(outcome.error).toEqual({ name: 'TypeError', message: 'API answered 500' });
      // A tab that asks later, during the back-off, gets the failure without calling.
      const [later] = await callAt(pages.slice(0, 1), 'user:1', Date.now());
      expect(later).toEqual({ calls: 0, error: { name: 'TypeError', message: 'API answered 500' } });
    });

    test(`without errorBackoff, each of ${TABS} tabs calls the failing API in turn (dogpile's waiters retry)`, async ({ context }) => {
      const pages = await openTabs(context, TABS);
      const name = uniqueName('no-backoff');
      await Promise.all(pages.map((page) => setup(page, backend, name, {})));
      const outcomes = await callAt(pages, 'user:1', Date.now() + 300);
      expect(outcomes.reduce((sum, outcome) => sum + outcome.calls, 0)).toBe(TABS);
    });

    test(`staleIfError + errorBackoff: every tab keeps the stale value while the API fails, for one call`, async ({ context }) => {
      const pages = await openTabs(context, TABS);
      const name = uniqueName('stale-if-error');
      await Promise.all(pages.map((page) => setup(page, backend, name, { errorBackoff: 30_000, staleIfError: 600_000 })));
      // A value stored two minutes ago by the region's clock (so it expired a minute ago).
      await pages[0]!.evaluate(async () => {
        const region = (window as unknown as { failing: import('dogpile-cache').CacheRegion }).failing;
        await region.set('user:2', { name: 'Ada' });
        const stored = await region.getValueMetadata('user:2', { ignoreExpiration: true });
        const { CachedValue } = window.dc.dogpile;
        await region.backend.set('user:2', new CachedValue(stored!.payload, { ...stored!.metadata, ct: stored!.metadata.ct - 120_000 }));
      });
      const outcomes = await callAt(pages, 'user:2', Date.now() + 300);
      expect(outcomes.reduce((sum, outcome) => sum + outcome.calls, 0)).toBe(1);
      for (const outcome of outcomes) expect(outcome).toMatchObject({ value: { name: 'Ada' } });
    });
  });
}
