// Launches Chromium with the unpacked devtools extension (built on demand)
// and helps tests find tab ids and open the panel for a tab.
import { test as base, chromium, expect, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath, testServerOrigin } from '../chromium.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** The unpacked extension folder `npm run build` writes. */
export const extensionDir = join(repo, 'devtools-extension', 'dist');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the extension when its output is missing or older than its sources. */
export function ensureBuilt(): void {
  const manifest = join(extensionDir, 'manifest.json');
  const sources = Math.max(newestMtime(join(repo, 'devtools-extension')), newestMtime(join(repo, 'src', 'devtools')));
  if (existsSync(manifest) && statSync(manifest).mtimeMs >= sources) return;
  execFileSync(process.execPath, [join(repo, 'devtools-extension', 'build.mjs')], { stdio: 'inherit' });
}

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  /** The extension's service worker, found again after Chrome restarted it. */
  worker(): Promise<Worker>;
}

async function serviceWorker(context: BrowserContext): Promise<Worker> {
  const running = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  return running ?? context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith('chrome-extension://') });
}

/** Starts Chromium with the unpacked extension (built first if needed) in a fresh profile. */
export async function launchWithExtension(extraArgs: string[] = []): Promise<{ extension: ExtensionBrowser; close: () => Promise<void> }> {
  ensureBuilt();
  const userDataDir = mkdtempSync(join(tmpdir(), 'dogpile-devtools-'));
  // New headless mode loads extensions; no display needed.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    baseURL: testServerOrigin,
    args: [...chromiumArgs, `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`, ...extraArgs],
  });
  const worker = await serviceWorker(context);
  const extensionId = new URL(worker.url()).host;
  return {
    extension: { context, extensionId, worker: () => serviceWorker(context) },
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export const test = base.extend<{ errors: string[] }, { extension: ExtensionBrowser }>({
  extension: [
    // One browser per worker: the extension loads once for all devtools specs.
    async ({}, use) => {
      const { extension, close } = await launchWithExtension();
      await use(extension);
      await close();
    },
    { scope: 'worker' },
  ],
  /** Uncaught errors of the panel pages the test opens (see openPanel); tests expect none. */
  errors: async ({}, use) => {
    await use([]);
  },
});

export { expect } from '@playwright/test';

/** Ids of the open tabs, as the extension sees them. */
async function tabIds(ext: ExtensionBrowser): Promise<number[]> {
  const worker = await ext.worker();
  return worker.evaluate(async () => (await chrome.tabs.query({})).map((tab) => tab.id!).filter((id) => id >= 0));
}

/** Opens a new tab and returns it with its tab id. */
export async function openTab(ext: ExtensionBrowser, url?: string): Promise<{ page: Page; tabId: number }> {
  const before = new Set(await tabIds(ext));
  const page = await ext.context.newPage();
  let fresh: number[] = [];
  // The extension learns of the tab when Chromium tells it: poll its view until it has.
  await expect
    .poll(async () => (fresh = (await tabIds(ext)).filter((id) => !before.has(id))).length, { message: "the new tab's id, as the extension sees it" })
    .toBe(1);
  if (url) await page.goto(url);
  return { page, tabId: fresh[0]! };
}

/** Opens the panel page for a tab, collecting its uncaught errors into `errors`. */
export async function openPanel(ext: ExtensionBrowser, tabId: number, errors: string[]): Promise<Page> {
  const panel = await ext.context.newPage();
  panel.on('pageerror', (error) => errors.push(String(error)));
  await panel.goto(`chrome-extension://${ext.extensionId}/panel.html?tabId=${tabId}`);
  return panel;
}

/** Stops the extension's service worker, as Chrome does when it is idle. */
export async function stopServiceWorker(ext: ExtensionBrowser): Promise<void> {
  const page = await ext.context.newPage();
  const cdp = await ext.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
  await page.close();
}
