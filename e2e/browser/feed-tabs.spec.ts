// Every tab follows every other tab: three tabs of the React page
// (e2e/pages/react) show one entry with useCachedValue over each shared
// backend. A write, a delete and a regeneration in tab A reach tabs B and C
// as remote events and in what their hook renders.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';

type Backend = 'localstorage' | 'indexeddb';
type Seen = { type: string; key?: string; remote?: boolean; at: number };

async function open(context: BrowserContext, title: string, backend: Backend, key: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/react/index.html');
  await page.evaluate((t) => (document.title = t), title);
  await page.waitForFunction(() => 'reactTest' in window);
  await page.evaluate(([b, k]) => window.reactTest.mount(b as Backend, k!), [backend, key]);
  await page.evaluate(() => {
    const seen: Seen[] = [];
    (window as unknown as { seen: Seen[] }).seen = seen;
    window.reactTest.region!.subscribe((event) => {
      if ((event.type === 'set' || event.type === 'delete') && event.remote) seen.push({ type: event.type, key: event.key, remote: true, at: performance.timeOrigin + performance.now() });
    });
  });
  return page;
}

const shown = (page: Page) => page.locator('output');
/** Remote events of `type` heard since `since` (the shared clock of the tabs). */
const heard = (page: Page, type: string, since: number) => page.evaluate(([t, s]) => (window as unknown as { seen: Seen[] }).seen.filter((e) => e.type === t && e.at >= s), [type, since] as const);
const now = (page: Page) => page.evaluate(() => performance.timeOrigin + performance.now());

for (const backend of ['localstorage', 'indexeddb'] as const) {
  test(`${backend}: a write, a delete and a regeneration in one tab reach the two others' events and hooks`, async ({ context }) => {
    const key = `feed:${backend}:${Date.now()}`;
    const [a, b, c] = [await open(context, 'tab A', backend, key), await open(context, 'tab B', backend, key), await open(context, 'tab C', backend, key)];
    for (const tab of [a, b, c]) await tab.evaluate(() => window.reactTest.open());
    for (const tab of [a, b, c]) await expect(shown(tab)).toHaveAttribute('data-status', 'fresh');
    const others = [b, c];
    const figures: string[] = [];

    // A write.
    let at = await now(a);
    await a.evaluate((k) => window.reactTest.region!.set(k, 'written in A'), key);
    for (const tab of others) {
      await expect(shown(tab)).toHaveText('written in A');
      const [set] = await heard(tab, 'set', at);
      expect(set).toMatchObject({ key, remote: true });
      figures.push(`set ${(set!.at - at).toFixed(1)} ms`);
    }

    // A delete: the others' hooks drop the value (their creators are held, so they show loading).
    for (const tab of [a, b, c]) await tab.evaluate(() => window.reactTest.hold());
    at = await now(a);
    await a.evaluate((k) => window.reactTest.region!.delete(k), key);
    for (const tab of others) {
      await expect(shown(tab)).toHaveAttribute('data-status', 'loading');
      const deletes = await heard(tab, 'delete', at);
      expect(deletes.length).toBeGreaterThan(0);
      figures.push(`delete ${(deletes[0]!.at - at).toFixed(1)} ms`);
    }

    // A regeneration: whichever tab's creator runs (one of them, under the cross-tab lock), every tab shows its value.
    for (const tab of [a, b, c]) await tab.evaluate(() => window.reactTest.open());
    await expect(shown(a)).toHaveAttribute('data-status', 'fresh');
    const made = await shown(a).textContent();
    expect(made).toMatch(/^made in tab [ABC] \(#\d+\)$/);
    for (const tab of others) await expect(shown(tab)).toHaveText(made!);
    const calls = await Promise.all([a, b, c].map((tab) => tab.evaluate(() => window.reactTest.calls)));
    // Each tab's creator ran once for the first value; exactly one more ran for the regeneration.
    expect(calls.reduce((x, y) => x + y, 0)).toBe(2);
    test.info().annotations.push({ type: 'latency', description: `${backend}: ${figures.join(', ')} (from A's call to the remote event in B, C)` });
    console.log(`${backend}: ${figures.join(', ')}`);
  });
}
