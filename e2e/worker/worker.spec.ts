import { expect, test, type Page } from '@playwright/test';

// Real Chromium, real SharedWorker/Worker, real Web Locks: the region lives in
// e2e/pages/worker/host.ts; every tab talks to it through dogpile-cache/worker.

async function openTab(page: Page, kind: 'auto' | 'worker' | 'worker-no-reconnect' = 'auto') {
  await page.goto('/worker/index.html');
  await page.waitForFunction(() => 'workerTest' in window);
  return page.evaluate((k) => window.workerTest.connect(k), kind);
}

/** The region's counters, read from the worker through this tab. */
function stats(page: Page) {
  return page.evaluate(() => window.workerTest.client!.getStats());
}

test('3 tabs x 50 concurrent getOrCreate through one SharedWorker region: exactly 1 creator call', async ({ context }) => {
  const tabs = await Promise.all([context.newPage(), context.newPage(), context.newPage()]);
  for (const tab of tabs) {
    const chosen = await openTab(tab);
    expect(chosen.mode).toBe('shared-worker');
    expect(chosen.name).toBe('e2e-worker');
  }
  // One tab watches the region's events: they come from the worker, for every tab's calls.
  await tabs[0]!.evaluate(() => {
    (window as unknown as { created: string[] }).created = [];
    window.workerTest.client!.subscribe((event) => {
      if (event.type === 'created') (window as unknown as { created: string[] }).created.push(event.key);
    });
  });
  for (const [i, tab] of tabs.entries()) {
    await tab.evaluate((index) => {
      const t = window.workerTest;
      for (let n = 0; n < 50; n++) t.pending.push(t.client!.getOrCreate('stampede', t.gatedCreator(`made in tab ${index}`)));
    }, i);
  }
  // Every caller reached the worker's lock before the creator may finish.
  await expect.poll(async () => (await stats(tabs[0]!)).misses).toBe(150);
  for (const tab of tabs) await tab.evaluate(() => window.workerTest.open());
  const results = await Promise.all(tabs.map((tab) => tab.evaluate(() => window.workerTest.settle())));
  const calls = await Promise.all(tabs.map((tab) => tab.evaluate(() => window.workerTest.calls)));
  expect(calls.reduce((a, b) => a + b, 0)).toBe(1);
  const values = new Set(results.flat().map((result) => JSON.stringify(result)));
  expect(values.size).toBe(1);
  expect([...values][0]).toMatch(/"value":"made in tab \d"/);
  const final = await stats(tabs[1]!);
  expect(final.creations).toBe(1);
  expect(final.waits).toBe(149);
  await expect.poll(() => tabs[0]!.evaluate(() => (window as unknown as { created: string[] }).created)).toEqual(['stampede']);
});

test('a tab closed while its creator runs does not hang the other tabs', async ({ context }) => {
  const [leaving, b, c] = await Promise.all([context.newPage(), context.newPage(), context.newPage()]);
  for (const tab of [leaving!, b!, c!]) await openTab(tab);
  // The leaving tab's creator never finishes on its own.
  await leaving!.evaluate(() => {
    const t = window.workerTest;
    t.pending.push(t.client!.getOrCreate('k', t.gatedCreator('from the closed tab')));
  });
  await expect.poll(() => b!.evaluate(() => window.workerTest.client!.keyIsLocked('k'))).toBe(true);
  for (const [tab, label] of [[b!, 'b'], [c!, 'c']] as const) {
    await tab.evaluate((from) => {
      const t = window.workerTest;
      t.open();
      for (let n = 0; n < 5; n++) t.pending.push(t.client!.getOrCreate('k', t.gatedCreator(`from ${from}`)));
    }, label);
  }
  await expect.poll(async () => (await stats(b!)).misses).toBe(11);
  await leaving!.close();
  const results = [...(await b!.evaluate(() => window.workerTest.settle())), ...(await c!.evaluate(() => window.workerTest.settle()))];
  const calls = (await b!.evaluate(() => window.workerTest.calls)) + (await c!.evaluate(() => window.workerTest.calls));
  expect(calls).toBe(1);
  expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
  expect(results[0]).toEqual({ value: expect.stringMatching(/^from (b|c)$/) });
  const final = await stats(b!);
  expect(final.creations).toBe(1);
  expect(final.errors).toBe(1); // the closed tab's creator, reported as CreatorGoneError
});

test('a terminated Worker gives clear errors to pending and later calls, and is replaced when possible', async ({ page }) => {
  expect((await openTab(page, 'worker')).mode).toBe('worker');
  const outcome = await page.evaluate(async () => {
    const t = window.workerTest;
    const client = t.client!;
    await client.set('kept', 1);
    const notices: string[] = [];
    client.subscribe((event) => event.type === 'notice' && notices.push(event.kind));
    const waiting = [client.getOrCreate('w', 'hang'), client.getOrCreate('w', 'hang')];
    // This page's own creator is running when the worker dies: its caller still gets the value.
    const own = client.getOrCreate('p', t.gatedCreator('made in the page'));
    while (!(await client.keyIsLocked('p'))) await new Promise((resolve) => setTimeout(resolve, 5));
    t.started[0]!.terminate();
    const errors = await Promise.all(waiting.map((p) => p.then(() => null, (error: Error) => ({ name: error.name, message: error.message, typed: error instanceof t.worker.WorkerUnavailableError }))));
    t.open();
    const ownValue = await own;
    // Later calls start a new worker (an empty cache).
    const after = await client.get('kept');
    return { errors, ownValue, after: after === t.dogpile.NO_VALUE ? 'NO_VALUE' : after, started: t.started.length, notices, calls: t.calls };
  });
  expect(outcome.errors).toEqual([
    { name: 'WorkerUnavailableError', message: expect.stringMatching(/ended|terminated/), typed: true },
    { name: 'WorkerUnavailableError', message: expect.stringMatching(/ended|terminated/), typed: true },
  ]);
  expect(outcome.ownValue).toBe('made in the page');
  expect(outcome.calls).toBe(1);
  expect(outcome.after).toBe('NO_VALUE');
  expect(outcome.started).toBe(2);
  expect(outcome.notices).toEqual(['worker-lost', 'worker-reconnected']);
});

test('a terminated Worker without a way to restart it fails later calls with the same typed error', async ({ page }) => {
  expect((await openTab(page, 'worker-no-reconnect')).mode).toBe('worker');
  const outcome = await page.evaluate(async () => {
    const t = window.workerTest;
    const client = t.client!;
    const pending = client.getOrCreate('w', 'hang').then(() => 'resolved', (error: Error) => error.name);
    while (!(await client.keyIsLocked('w'))) await new Promise((resolve) => setTimeout(resolve, 5));
    t.started[0]!.terminate();
    const first = await pending;
    const later = await client.get('w').then(() => 'resolved', (error: Error) => `${error.name}: ${error.message}`);
    return { first, later };
  });
  expect(outcome.first).toBe('WorkerUnavailableError');
  expect(outcome.later).toMatch(/^WorkerUnavailableError: Worker-hosted region unavailable/);
});

test('a SharedWorker that exits mid-call: every tab gets a typed error, then a new SharedWorker takes over', async ({ context }) => {
  const [a, b] = await Promise.all([context.newPage(), context.newPage()]);
  for (const tab of [a!, b!]) await openTab(tab);
  await b!.evaluate(() => {
    const t = window.workerTest;
    t.pending.push(t.client!.set('before', 1).then(() => t.client!.getOrCreate('w', 'hang')));
  });
  await expect.poll(() => a!.evaluate(() => window.workerTest.client!.keyIsLocked('w'))).toBe(true);
  const aError = await a!.evaluate(() => window.workerTest.client!.getOrCreate('x', 'exit').then(() => null, (error: Error) => error.name));
  expect(aError).toBe('WorkerUnavailableError');
  expect(await b!.evaluate(() => window.workerTest.settle())).toEqual([{ error: 'WorkerUnavailableError', message: expect.stringMatching(/ended/), key: undefined }]);
  // Both tabs reconnect to one new SharedWorker: the cache is empty, and shared again.
  expect(await a!.evaluate(async () => (await window.workerTest.client!.get('before')) === window.workerTest.dogpile.NO_VALUE)).toBe(true);
  await a!.evaluate(() => window.workerTest.client!.set('after', 'shared'));
  expect(await b!.evaluate(() => window.workerTest.client!.get('after'))).toBe('shared');
});

test('values structured clone cannot copy give a clear error naming the key; creator errors keep their message, properties and cause', async ({ page }) => {
  await openTab(page);
  const outcome = await page.evaluate(async () => {
    const { client, worker } = { ...window.workerTest, client: window.workerTest.client! };
    const describe = (error: unknown) => {
      const e = error as Error & { key?: string };
      return { name: e.name, key: e.key, message: e.message, typed: e instanceof worker.ValueNotCloneableError };
    };
    const set = await client.set('user:1', { onClick: () => 1 }).catch(describe);
    const created = await client.getOrCreate('user:2', () => ({ el: document.body })).catch(describe);
    const named = await client.getOrCreate('user:3', 'handle').catch(describe);
    class LoadError extends Error {}
    const thrown = new LoadError('backend down');
    const own = await client.getOrCreate('user:4', () => Promise.reject(thrown)).catch((error: unknown) => error === thrown);
    const remote = await client
      .getOrCreate('7', 'broken')
      .catch((error: Error & { code?: string }) => ({ name: error.name, message: error.message, code: error.code, cause: (error.cause as Error | undefined)?.message }));
    const still = await client.getOrCreate('user:2', () => 'fine');
    return { set, created, named, own, remote, still };
  });
  expect(outcome.set).toMatchObject({ name: 'ValueNotCloneableError', key: 'user:1', typed: true, message: expect.stringContaining('"user:1"') });
  expect(outcome.created).toMatchObject({ name: 'ValueNotCloneableError', key: 'user:2', typed: true, message: expect.stringContaining('"user:2"') });
  expect(outcome.named).toMatchObject({ name: 'ValueNotCloneableError', key: 'user:3', typed: true, message: expect.stringContaining('"user:3"') });
  expect(outcome.own).toBe(true);
  // Own properties and the cause cross the worker too.
  expect(outcome.remote).toEqual({ name: 'RangeError', message: 'cannot make 7', code: 'E_RANGE', cause: 'upstream' });
  expect(outcome.still).toBe('fine');
});

test('errors thrown in the worker reach the page as instances of their class: every built-in, DOMException, the library\'s own', async ({ page }) => {
  await openTab(page);
  const outcome = await page.evaluate(async () => {
    const { client, dogpile, worker } = { ...window.workerTest, client: window.workerTest.client! };
    const classes: Record<string, unknown> = {
      Error,
      EvalError,
      RangeError,
      ReferenceError,
      SyntaxError,
      TypeError,
      URIError,
      AggregateError,
      DOMException,
      DOMQuota: DOMException,
      QuotaExceededError: dogpile.QuotaExceededError,
      ValueNotStorableError: dogpile.ValueNotStorableError,
      RegionNotConfigured: dogpile.RegionNotConfigured,
      CreatorGoneError: worker.CreatorGoneError,
      HttpError: TypeError,
    };
    const seen: Record<string, unknown> = {};
    for (const [kind, cls] of Object.entries(classes)) {
      const error = (await client.getOrCreate(kind, 'errorOf').catch((caught: unknown) => caught)) as Error & { code?: number; errors?: unknown[] };
      seen[kind] = {
        instance: error instanceof (cls as new () => Error),
        name: error.name,
        message: error.message,
        ...(error instanceof DOMException ? { code: error.code } : {}),
        ...(error.cause !== undefined ? { cause: `${(error.cause as Error).constructor.name}: ${(error.cause as Error).message}` } : {}),
        ...(error instanceof AggregateError
          ? { errors: error.errors.map((each) => `${(each as Error).constructor.name === 'Error' ? (each as Error).name : (each as Error).constructor.name}: ${(each as Error).message} ${each instanceof dogpile.ValidationError}`) }
          : {}),
      };
    }
    return seen;
  });
  expect(outcome).toEqual({
    Error: { instance: true, name: 'Error', message: 'an Error' },
    EvalError: { instance: true, name: 'EvalError', message: 'an EvalError' },
    RangeError: { instance: true, name: 'RangeError', message: 'a RangeError' },
    ReferenceError: { instance: true, name: 'ReferenceError', message: 'a ReferenceError' },
    SyntaxError: { instance: true, name: 'SyntaxError', message: 'a SyntaxError' },
    TypeError: { instance: true, name: 'TypeError', message: 'a TypeError' },
    URIError: { instance: true, name: 'URIError', message: 'a URIError' },
    AggregateError: { instance: true, name: 'AggregateError', message: 'an AggregateError', cause: 'EvalError: why', errors: ['URIError: first false', expect.stringMatching(/^\w+: second true$/)] },
    DOMException: { instance: true, name: 'DataCloneError', message: 'a DOMException', code: 25 },
    DOMQuota: { instance: true, name: 'QuotaExceededError', message: 'a quota DOMException', code: 22 },
    QuotaExceededError: { instance: true, name: 'QuotaExceededError', message: 'a QuotaExceededError' },
    ValueNotStorableError: { instance: true, name: 'ValueNotStorableError', message: 'a ValueNotStorableError' },
    RegionNotConfigured: { instance: true, name: 'RegionNotConfigured', message: 'a RegionNotConfigured' },
    CreatorGoneError: { instance: true, name: 'CreatorGoneError', message: 'a CreatorGoneError', cause: 'RangeError: the cause' },
    HttpError: { instance: true, name: 'HttpError', message: 'an HttpError' },
  });
});

test('without SharedWorker the page falls back to a dedicated Worker, without workers to the page, and says so', async ({ browser }) => {
  for (const [remove, mode, reason] of [
    [['SharedWorker'], 'worker', /SharedWorker is not available/],
    [['SharedWorker', 'Worker'], 'in-page', /SharedWorker is not available.*Worker is not available.*this page/],
  ] as const) {
    const context = await browser.newContext();
    await context.addInitScript((names) => {
      for (const name of names) delete (window as unknown as Record<string, unknown>)[name];
    }, [...remove]);
    const page = await context.newPage();
    const chosen = await openTab(page);
    expect(chosen.mode).toBe(mode);
    expect(chosen.modeReason).toMatch(reason);
    const calls = await page.evaluate(async () => {
      const t = window.workerTest;
      t.open();
      await Promise.all(Array.from({ length: 20 }, () => t.client!.getOrCreate('k', t.gatedCreator('v'))));
      return t.calls;
    });
    expect(calls).toBe(1);
    await context.close();
  }
});

test('the devtools inspector of one tab sees the SharedWorker region that another tab filled', async ({ context }) => {
  const [a, b] = await Promise.all([context.newPage(), context.newPage()]);
  for (const tab of [a!, b!]) await openTab(tab);
  await a!.evaluate(() => window.workerTest.client!.setMulti({ 'user:1': { name: 'Ada' }, 'user:2': { name: 'Grace' } }));
  const seen = await b!.evaluate(() => window.workerTest.inspectThroughPanel());
  expect(seen.snapshot.regions[0]).toMatchObject({ name: 'e2e-worker', configured: true, backend: ['SharedWorker', 'MemoryBackend'], entryCount: 2 });
  expect(seen.entries.entries.map((entry) => [entry.key, entry.status])).toEqual([
    ['user:1', 'fresh'],
    ['user:2', 'fresh'],
  ]);
});
