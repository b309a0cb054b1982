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

/** A name no earlier test (or run) used, for databases, prefixes and regions. */
export function uniqueName(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export const BACKENDS = ['localstorage', 'indexeddb'] as const;
