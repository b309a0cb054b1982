import { expect, test, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath, testServerPort } from '../chromium.js';

// The worker host where Web Locks do not exist: pages served from an origin
// that is not a secure context. Chromium maps the name below to 127.0.0.1
// (traffic stays on loopback), but judges the origin by its name, so
// `isSecureContext` is false and `navigator.locks` is missing, as on a plain
// http:// site. The heartbeat is all that tells page and worker of each
// other's end.
const insecureHost = 'dogpile-insecure.test';
test.use({
  baseURL: `http://${insecureHost}:${testServerPort}`,
  launchOptions: { executablePath: chromiumPath, args: [...chromiumArgs, `--host-resolver-rules=MAP ${insecureHost} 127.0.0.1`] },
});

// Fast enough for a test, slow enough for a busy 2-core machine.
const heartbeat = { heartbeatInterval: 100, heartbeatTimeout: 800 };

async function openTab(page: Page, kind: 'auto' | 'worker' | 'worker-no-reconnect' = 'auto') {
  await page.goto('/worker/index.html');
  await page.waitForFunction(() => 'workerTest' in window);
  return page.evaluate(([k, options]) => window.workerTest.connect(k, options), [kind, heartbeat] as const);
}

function census(page: Page) {
  return page.evaluate(() => window.workerTest.census());
}

test('the pages and the worker are not a secure context: no Web Locks', async ({ page }) => {
  expect((await openTab(page)).mode).toBe('shared-worker');
  expect(await page.evaluate(() => ({ secure: isSecureContext, locks: 'locks' in navigator }))).toEqual({ secure: false, locks: false });
  expect(await census(page)).toMatchObject({ secure: false, locks: false, connections: 1 });
});

test('a SharedWorker that exits mid-call: pending and later calls fail typed, then a new SharedWorker takes over', async ({ context }) => {
  const [a, b] = await Promise.all([context.newPage(), context.newPage()]);
  for (const tab of [a!, b!]) await openTab(tab);
  await b!.evaluate(() => {
    const t = window.workerTest;
    t.pending.push(t.client!.set('before', 1).then(() => t.client!.getOrCreate('w', 'hang')));
  });
  await expect.poll(() => a!.evaluate(() => window.workerTest.client!.keyIsLocked('w'))).toBe(true);
  // Neither call hangs: both settle (the test's own timeout would say otherwise), with the heartbeat's typed error.
  const aError = await a!.evaluate(() => window.workerTest.client!.getOrCreate('x', 'exit').then(() => null, (error: Error) => `${error.name}: ${error.message}`));
  expect(aError).toMatch(/^WorkerUnavailableError: .*stopped answering/);
  expect(await b!.evaluate(() => window.workerTest.settle())).toEqual([{ error: 'WorkerUnavailableError', message: expect.stringMatching(/stopped answering/), key: undefined }]);
  // Both tabs reconnect to one new SharedWorker: the cache is empty, and shared again.
  expect(await a!.evaluate(async () => (await window.workerTest.client!.get('before')) === window.workerTest.dogpile.NO_VALUE)).toBe(true);
  await a!.evaluate(() => window.workerTest.client!.set('after', 'shared'));
  expect(await b!.evaluate(() => window.workerTest.client!.get('after'))).toBe('shared');
});

test('a terminated dedicated Worker: pending calls fail typed, later calls start a new one', async ({ page }) => {
  expect((await openTab(page, 'worker')).mode).toBe('worker');
  const outcome = await page.evaluate(async () => {
    const t = window.workerTest;
    const client = t.client!;
    const waiting = [client.getOrCreate('w', 'hang'), client.getOrCreate('w', 'hang')];
    while (!(await client.keyIsLocked('w'))) await new Promise((resolve) => setTimeout(resolve, 5));
    t.started[0]!.terminate();
    const errors = await Promise.all(waiting.map((p) => p.then(() => null, (error: Error) => ({ name: error.name, typed: error instanceof t.worker.WorkerUnavailableError }))));
    const after = await client.get('kept');
    return { errors, after: after === t.dogpile.NO_VALUE ? 'NO_VALUE' : after, started: t.started.length };
  });
  expect(outcome.errors).toEqual([
    { name: 'WorkerUnavailableError', typed: true },
    { name: 'WorkerUnavailableError', typed: true },
  ]);
  expect(outcome.after).toBe('NO_VALUE');
  expect(outcome.started).toBe(2);
});

test('a dedicated Worker that exits, without a way to restart it: pending and later calls fail typed', async ({ page }) => {
  expect((await openTab(page, 'worker-no-reconnect')).mode).toBe('worker');
  const outcome = await page.evaluate(async () => {
    const client = window.workerTest.client!;
    const pending = client.getOrCreate('w', 'hang').then(() => 'resolved', (error: Error) => error.name);
    while (!(await client.keyIsLocked('w'))) await new Promise((resolve) => setTimeout(resolve, 5));
    const exited = await client.getOrCreate('x', 'exit').then(() => 'resolved', (error: Error) => error.name);
    const later = await client.get('w').then(() => 'resolved', (error: Error) => `${error.name}: ${error.message}`);
    return { first: await pending, exited, later };
  });
  expect(outcome).toEqual({ first: 'WorkerUnavailableError', exited: 'WorkerUnavailableError', later: expect.stringMatching(/^WorkerUnavailableError: Worker-hosted region unavailable: .*stopped answering/) });
});

test('a tab closed while its creator runs: the other tabs retry and one of them creates', async ({ context }) => {
  const [leaving, b] = [await context.newPage(), await context.newPage()];
  for (const tab of [leaving, b]) await openTab(tab);
  await leaving.evaluate(() => {
    const t = window.workerTest;
    t.pending.push(t.client!.getOrCreate('k', t.gatedCreator('from the closed tab')));
  });
  await expect.poll(() => b.evaluate(() => window.workerTest.client!.keyIsLocked('k'))).toBe(true);
  await b.evaluate(() => {
    const t = window.workerTest;
    t.open();
    for (let n = 0; n < 5; n++) t.pending.push(t.client!.getOrCreate('k', t.gatedCreator('from b')));
  });
  await leaving.close();
  const results = await b.evaluate(() => window.workerTest.settle());
  expect(results).toEqual(Array(5).fill({ value: 'from b' }));
  expect(await b.evaluate(() => window.workerTest.calls)).toBe(1);
});

test('20 tabs that connect, subscribe and close leave no session or event watcher behind', async ({ context }) => {
  const watcher = await context.newPage();
  await openTab(watcher);
  await watcher.evaluate(() => window.workerTest.client!.subscribe(() => {}));
  await expect.poll(() => census(watcher)).toMatchObject({ connections: 1, eventWatchers: 1 });
  for (let round = 0; round < 4; round++) {
    const tabs = await Promise.all(Array.from({ length: 5 }, () => context.newPage()));
    for (const tab of tabs) {
      await openTab(tab);
      await tab.evaluate(() => window.workerTest.client!.subscribe(() => {}));
    }
    await expect.poll(async () => (await census(watcher)).eventWatchers).toBeGreaterThanOrEqual(6);
    await Promise.all(tabs.map((tab) => tab.close()));
  }
  // Events keep flowing meanwhile: the host must stop sending them to the closed tabs.
  await watcher.evaluate(() => window.workerTest.client!.set('tick', 1));
  await expect.poll(() => census(watcher), { timeout: 20_000 }).toMatchObject({ connections: 1, eventWatchers: 1 });
  expect((await census(watcher)).sessions).toBe(1);
});

test('a page that dies before its hello leaves no session behind (handshake deadline)', async ({ context }) => {
  const watcher = await context.newPage();
  await openTab(watcher);
  const leaving: Page[] = [];
  for (let i = 0; i < 3; i++) {
    const tab = await context.newPage();
    await tab.goto('/worker/index.html');
    await tab.waitForFunction(() => 'workerTest' in window);
    await tab.evaluate(() => window.workerTest.connectWithoutHello());
    leaving.push(tab);
  }
  await expect.poll(async () => (await census(watcher)).sessions).toBe(4);
  await Promise.all(leaving.map((tab) => tab.close()));
  await expect.poll(() => census(watcher), { timeout: 20_000 }).toMatchObject({ sessions: 1, connections: 1 });
});

