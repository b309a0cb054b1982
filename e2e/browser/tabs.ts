// Opens several tabs (pages of one browser context, so one origin and one
// storage partition) on the browser harness page.
import type { BrowserContext, Page } from '@playwright/test';

/** Opens `count` tabs on the harness page and waits until each has loaded the library. */
export async function openTabs(context: BrowserContext, count: number): Promise<Page[]> {
  return Promise.all(Array.from({ length: count }, () => openTab(context)));
}

/** Opens one tab on the harness page. */
export async function openTab(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/browser/index.html');
  await page.waitForFunction(() => 'dc' in window);
  return page;
}

/**
 * Waits until region `id` of `page` has heard of another tab's write of each
 * of `keys`: its remote `set` event. The barrier before reading another
 * tab's localStorage write: it reaches this tab's copy asynchronously, and
 * the `storage` event that the region reports says it has. (An IndexedDB
 * write is visible to every tab once committed; its change message may come
 * later, which waiting for it only adds.) Pass `since` (the page's count of
 * events before the writes) to skip the events heard before.
 */
export async function heardWrites(page: Page, keys: readonly string[], id = 'r', since = 0): Promise<void> {
  await page.waitForFunction(
    ([id, keys, since]) => {
      const heard = window.dc.events(id).slice(since);
      return keys.every((key) => heard.some((e) => e.type === 'set' && e.remote && e.key === key));
    },
    [id, keys, since] as const,
  );
}

/**
 * localStorage only: waits until `page`'s copy of localStorage holds the
 * invalidation record of region `name` (the tests' prefix `${name}:`), a
 * hard one when `hard` says so. A tab opened later loads localStorage from
 * what the browser has received; another tab's copy showing the record says
 * the browser has it.
 */
export async function invalidationStored(page: Page, name: string, hard?: boolean): Promise<void> {
  await page.waitForFunction(
    ([key, hard]) => {
      const text = localStorage.getItem(key);
      return text !== null && (hard === null || (JSON.parse(text) as { hard?: boolean }).hard === hard);
    },
    [`${name}:${name}#invalidated`, hard ?? null] as const,
  );
}

/** A name no earlier test (or run) used, for databases, prefixes and regions. */
export function uniqueName(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export const BACKENDS = ['localstorage', 'indexeddb'] as const;
