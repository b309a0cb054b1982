// A tab that was away must not keep showing what it showed before.
//
// 1. Two tabs of the React page (e2e/pages/react): while tab A is away, tab
//    B writes and deletes; once A is back its region reports those changes
//    as remote events and its useCachedValue hook renders them.
//    a. Missed changes, every run: A's `storage` events are held back while
//       it is away (as a frozen page misses them), then A gets the real
//       `pageshow` with `persisted: true` that a restored page gets, and the
//       backend's catch-up finds the changes in storage.
//    b. The back/forward cache itself: A navigates away and back. Chromium
//       replays the storage events to the restored page, so this holds with
//       the change feed alone (Playwright turns the cache off by default,
//       this file turns it on). Whether Chromium caches a page at all is its
//       own heuristic (memory, load, time): when it loads the page anew for
//       such a reason (a "Circumstantial" one) the test is skipped, saying
//       why; any other reason (something the page uses or does) fails it.
// 2. What Chromium does not replay: changes the tab never heard of. Each
//    backend's catch-up on return compares what the tab had seen with
//    storage. (Headless Chromium raises no real freeze/resume or visibility
//    change here: CDP Page.setWebLifecycleState leaves a visible page
//    running, so the return is signalled with the event the browser would send.)
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../chromium.js';

test.use({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs, ignoreDefaultArgs: ['--disable-back-forward-cache'] } });

type Backend = 'localstorage' | 'indexeddb';

interface Seen {
  type: string;
  key?: string;
  remote?: boolean;
}

async function open(context: BrowserContext, title: string, backend: Backend, key: string, initScript?: () => void): Promise<Page> {
  const page = await context.newPage();
  if (initScript) await page.addInitScript(initScript);
  await page.goto('/react/index.html');
  await page.evaluate((t) => (document.title = t), title);
  await page.waitForFunction(() => 'reactTest' in window);
  await page.evaluate(([b, k]) => window.reactTest.mount(b as Backend, k!), [backend, key]);
  await page.evaluate(() => {
    const seen: Seen[] = [];
    (window as unknown as { seen: Seen[] }).seen = seen;
    window.reactTest.region!.subscribe((event) => {
      if (event.type === 'set' || event.type === 'delete' || event.type === 'invalidated') {
        seen.push({ type: event.type, ...('key' in event ? { key: event.key } : {}), remote: event.remote });
      }
    });
  });
  return page;
}

const shown = (page: Page) => page.locator('output');
const remoteEvents = (page: Page) => page.evaluate(() => (window as unknown as { seen: Seen[] }).seen.filter((e) => e.remote));

/** Lets both tabs' creators run; both show one value, A's or B's. */
async function bothShowing(a: Page, b: Page): Promise<void> {
  await a.evaluate(() => window.reactTest.open());
  await b.evaluate(() => window.reactTest.open());
  await expect(shown(a)).toHaveAttribute('data-status', 'fresh');
  await expect(shown(b)).toHaveText((await shown(a).textContent())!);
}

/**
 * Installed before the page's scripts, so that its `storage` listener runs
 * before the library's (listeners on the window run in the order they were
 * added): while `away` is set it holds every `storage` event back from the
 * page, as a frozen page misses them, and counts them.
 */
function missesStorageEventsWhileAway(): void {
  const w = window as unknown as { away: boolean; missed: number };
  w.away = false;
  w.missed = 0;
  addEventListener('storage', (event) => {
    if (!w.away) return;
    event.stopImmediatePropagation();
    w.missed++;
  });
}

/**
 * `page` (opened with {@link missesStorageEventsWhileAway}) is away while
 * `meanwhile` runs; once `expected` more storage events have reached its copy
 * of localStorage (unheard) it is back, with the `pageshow` event of a page
 * restored from the cache.
 */
async function awayMissingEvents(page: Page, expected: number, meanwhile: () => Promise<void>): Promise<void> {
  const heardBefore = (await remoteEvents(page)).length;
  const missedBefore = await page.evaluate(() => {
    const w = window as unknown as { away: boolean; missed: number };
    w.away = true;
    return w.missed;
  });
  await meanwhile();
  await page.waitForFunction((n) => (window as unknown as { missed: number }).missed >= n, missedBefore + expected);
  expect(await remoteEvents(page)).toHaveLength(heardBefore);
  await page.evaluate(() => {
    (window as unknown as { away: boolean }).away = false;
    dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
  });
}

/** How Chromium explains that it did not restore a page from the back/forward cache. */
type NotRestored = Array<{ type: 'SupportPending' | 'PageSupportNeeded' | 'Circumstantial'; reason: string }>;

/**
 * Navigates `page` away, runs `meanwhile`, and comes back from the
 * back/forward cache. Resolves to `undefined` once restored, or to Chromium's
 * explanations when it loaded the page anew (failing the test at once if the
 * page itself prevented the cache).
 */
async function awayInCache(page: Page, meanwhile: () => Promise<void>): Promise<NotRestored | undefined> {
  await page.evaluate(() => {
    (window as unknown as { restored?: boolean }).restored = false;
    addEventListener('pageshow', (event) => ((window as unknown as { restored?: boolean }).restored = event.persisted), { once: true });
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.enable');
  const notUsed: NotRestored = [];
  cdp.on('Page.backForwardCacheNotUsed', (event) => notUsed.push(...event.notRestoredExplanations));
  // A page that holds a Web Lock (a localStorage write marker lingers 1.5 s after a creation) may be evicted from the cache instead: let it go first.
  await expect.poll(() => page.evaluate(async () => ((await navigator.locks.query()).held ?? []).length), { timeout: 10_000 }).toBe(0);
  await page.goto('/index.html');
  await meanwhile();
  // A page restored from the cache fires no load event: wait for the commit only.
  await page.goBack({ waitUntil: 'commit' });
  // Restored: its own pageshow says persisted. Loaded anew: a fresh window that never set `restored`.
  const how = () =>
    page.evaluate(() => {
      const { restored } = window as unknown as { restored?: boolean };
      if (restored === true) return 'restored';
      return restored === undefined && 'reactTest' in window && document.readyState === 'complete' ? 'loaded anew' : 'pending';
    });
  await expect.poll(how).not.toBe('pending');
  const result = await how();
  await cdp.detach();
  if (result === 'restored') return undefined;
  // Circumstantial: Chromium's own call (memory, load, time). Anything else is something the page uses or does.
  expect(notUsed.filter((e) => e.type !== 'Circumstantial'), 'what the page does kept Chromium from caching it').toEqual([]);
  return notUsed;
}

// Only localStorage: Chromium evicts a cached page that a BroadcastChannel
// message reaches (IndexedDB's change feed, every invalidation), and loads it
// anew on return; storage events do not evict it, so it comes back with what
// it showed before.
{
  const backend = 'localstorage';
  test(`${backend}: a page back after missing a write and a delete shows no stale value: catch-up reports them to its events and its hook`, async ({ context }) => {
    const key = `missed:${backend}:${Date.now()}`;
    const a = await open(context, 'tab A', backend, key, missesStorageEventsWhileAway);
    const b = await open(context, 'tab B', backend, key);
    await bothShowing(a, b);

    await awayMissingEvents(a, 1, async () => {
      await b.evaluate((k) => window.reactTest.region!.set(k, 'written while A was away'), key);
    });
    await expect(shown(a)).toHaveText('written while A was away');
    await expect.poll(() => remoteEvents(a)).toContainEqual({ type: 'set', key, remote: true });

    await a.evaluate(() => window.reactTest.hold());
    await b.evaluate(() => window.reactTest.hold());
    await awayMissingEvents(a, 1, async () => {
      await b.evaluate((k) => window.reactTest.region!.delete(k), key);
    });
    await expect(shown(a)).toHaveAttribute('data-status', 'loading');
    await expect.poll(() => remoteEvents(a)).toContainEqual({ type: 'delete', key, remote: true });
  });

  test(`${backend}: a page restored from the back/forward cache shows no stale value: a write and a delete made while it was cached reach its events and its hook`, async ({ context }) => {
    const key = `bfcache:${backend}:${Date.now()}`;
    const a = await open(context, 'tab A', backend, key);
    const b = await open(context, 'tab B', backend, key);
    await bothShowing(a, b);
    const skipUnlessRestored = (notRestored: NotRestored | undefined) =>
      test.skip(notRestored !== undefined, `Chromium loaded the page anew instead of restoring it: ${JSON.stringify(notRestored?.map((e) => `${e.type}: ${e.reason}`))}`);

    skipUnlessRestored(
      await awayInCache(a, async () => {
        await b.evaluate((k) => window.reactTest.region!.set(k, 'written while A was cached'), key);
      }),
    );
    await expect(shown(a)).toHaveText('written while A was cached');
    await expect.poll(() => remoteEvents(a)).toContainEqual({ type: 'set', key, remote: true });

    await a.evaluate(() => window.reactTest.hold());
    await b.evaluate(() => window.reactTest.hold());
    skipUnlessRestored(
      await awayInCache(a, async () => {
        await b.evaluate((k) => window.reactTest.region!.delete(k), key);
      }),
    );
    await expect(shown(a)).toHaveAttribute('data-status', 'loading');
    await expect.poll(() => remoteEvents(a)).toContainEqual({ type: 'delete', key, remote: true });
  });
}

// A change this tab never heard of: the tab writes storage behind its own
// region's back (a page's own localStorage writes raise no storage event in
// it; a raw IndexedDB put posts nothing), which is what a missed message
// leaves behind. When the page comes back, the region must report it: the
// entry it had read changed, another entry it had read is gone, and the
// region was invalidated.
for (const backend of ['localstorage', 'indexeddb'] as const) {
  test(`${backend}: on resume the backend compares what the tab had seen with storage and reports the changes it never heard of`, async ({ page }) => {
    await page.goto('/browser/index.html');
    await page.waitForFunction(() => 'dc' in window);
    const name = `unheard-${backend}-${Date.now().toString(36)}`;
    const args = backend === 'localstorage' ? { prefix: `${name}:` } : { dbName: name };
    await page.evaluate(([backend, name, args]) => window.dc.setup('r', { backend, name, args }), [backend, name, args] as const);
    await page.evaluate(async () => {
      const r = window.dc.region('r');
      await r.set('changed', 'before');
      await r.set('removed', 'before');
      await r.get('changed');
      await r.get('removed');
    });
    const heard = () => page.evaluate(() => window.dc.events('r').filter((e) => e.remote).map((e) => `${e.type} ${e.key ?? ''}`.trim()));
    // Behind the region's back: a newer value for one key, the other removed, an invalidation record.
    const at = await page.evaluate(async ([backend, name]) => {
      const { CachedValue, VALUE_VERSION } = window.dc.dogpile;
      const ct = Date.now() + 5;
      if (backend === 'localstorage') {
        localStorage.setItem(`${name}:${name}|changed`, window.dc.entries.encode(new CachedValue('after', { ct, v: VALUE_VERSION }), `${ct.toString(36)}-unheard`, 'unheard-tab'));
        localStorage.removeItem(`${name}:${name}|removed`);
        localStorage.setItem(`${name}:${name}#invalidated`, JSON.stringify({ hard: true, at: ct, origin: 'unheard-tab' }));
        return ct;
      }
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('entries', 'readwrite');
        const store = tx.objectStore('entries');
        store.put({ ns: name, key: 'changed', at: ct, ct, v: VALUE_VERSION, p: 'after', o: 'unheard-tab' });
        store.delete([name, 'removed']);
        store.put({ ns: name, key: 0, inv: { hard: true, at: ct, origin: 'unheard-tab' } });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
      return ct;
    }, [backend, name] as const);
    expect(await heard()).toEqual([]);

    // The page comes back: a frozen page gets 'resume', a restored one 'pageshow' (persisted), a shown one 'visibilitychange'.
    await page.evaluate((how) => {
      if (how === 'resume') document.dispatchEvent(new Event('resume'));
      else window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    }, backend === 'localstorage' ? 'resume' : 'pageshow');
    await expect.poll(heard).toEqual(expect.arrayContaining(['set changed', 'delete removed', 'invalidated']));
    const set = await page.evaluate(() => window.dc.events('r').find((e) => e.type === 'set' && e.remote));
    expect(set).toMatchObject({ key: 'changed', ct: at });
  });
}
