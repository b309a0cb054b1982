import { expect, test } from '@playwright/test';
import { openTab, openTabs, uniqueName } from './tabs.js';

test('localstorage: corrupted and foreign entries are misses, regenerated and overwritten, never a parse error', async ({ context }) => {
  const page = await openTab(context);
  const prefix = `${uniqueName('corrupt')}:`;
  const result = await page.evaluate(async (prefix) => {
    const { setup, region, events, countingCreator, calls, dogpile, entries } = window.dc;
    setup('r', { backend: 'localstorage', name: 'r', args: { prefix }, expirationTime: 60_000 });
    const backend = region('r').actualBackend as InstanceType<typeof window.dc.browser.LocalStorageBackend>;
    const raw: Record<string, string> = {
      badJson: '{"ct": 1, oops',
      array: '[1,2,3]',
      foreignShape: '{"foo":"bar"}',
      otherVersion: entries.encode(new dogpile.CachedValue('old version', { ct: Date.now(), v: dogpile.VALUE_VERSION + 1 }), 'token'),
      earlierFormat: JSON.stringify({ ct: Date.now(), v: dogpile.VALUE_VERSION, p: 'format 2', w: 'token' }),
      badBase64: 'dc3{"k":"b","w":"token"}\n***',
      badBody: 'dc3{"k":"c","ct":1,"v":2,"w":"token"}\n[oops',
      plainText: 'hello',
    };
    for (const [key, text] of Object.entries(raw)) localStorage.setItem(backend.storageKey(key), text);
    const keys = Object.keys(raw);
    const viaGetMulti = await region('r').getMulti(keys);
    const viaGet = await Promise.all(keys.map((key) => region('r').get(key)));
    const created = await Promise.all(keys.map((key) => region('r').getOrCreate(key, countingCreator('r', `new ${key}`, 0))));
    const again = await Promise.all(keys.map((key) => region('r').getOrCreate(key, countingCreator('r', 'unused', 0))));
    return {
      missesOnly: [...viaGetMulti, ...viaGet].every((v) => v === dogpile.NO_VALUE),
      created,
      again,
      calls: calls('r'),
      overwritten: keys.every((key) => (entries.decode(localStorage.getItem(backend.storageKey(key))) as { value: { payload: unknown } }).value.payload === `new ${key}`),
      errors: events('r').filter((e) => e.type === 'error').length,
      corruptNotices: events('r').filter((e) => e.type === 'notice' && e.kind === 'corrupt-entry').length,
    };
  }, prefix);
  const keys = ['badJson', 'array', 'foreignShape', 'otherVersion', 'earlierFormat', 'badBase64', 'badBody', 'plainText'];
  expect(result.missesOnly).toBe(true);
  expect(result.created).toEqual(keys.map((k) => `new ${k}`));
  expect(result.again).toEqual(keys.map((k) => `new ${k}`));
  expect(result.calls).toBe(keys.length);
  expect(result.overwritten).toBe(true);
  expect(result.errors).toBe(0);
  // The other-version entry is well formed (the region skips it), an earlier format's is a quiet miss; the six others are reported.
  expect(result.corruptNotices).toBeGreaterThanOrEqual(6);
});

test('indexeddb: foreign records are misses, regenerated and overwritten', async ({ context }) => {
  const page = await openTab(context);
  const dbName = uniqueName('corrupt');
  const result = await page.evaluate(async (dbName) => {
    const { setup, region, events, countingCreator, calls, dogpile } = window.dc;
    setup('r', { backend: 'indexeddb', name: 'r', args: { dbName }, expirationTime: 60_000 });
    await region('r').set('probe', 1); // creates the database and store
    const records = [
      { ns: 'r', key: 'noFields' },
      { ns: 'r', key: 'wrongTypes', ct: 'yesterday', v: '2', p: 1 },
      { ns: 'r', key: 'otherVersion', ct: Date.now(), v: dogpile.VALUE_VERSION + 1, p: 'old format' },
      { ns: 'r', key: 'numberData', s: 42 },
    ];
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open(dbName);
      open.onsuccess = () => {
        const tx = open.result.transaction('entries', 'readwrite');
        for (const record of records) tx.objectStore('entries').put(record);
        tx.oncomplete = () => {
          open.result.close();
          resolve();
        };
        tx.onabort = () => reject(tx.error);
      };
    });
    const keys = records.map((r) => r.key);
    const viaGetMulti = await region('r').getMulti(keys);
    const created = await Promise.all(keys.map((key) => region('r').getOrCreate(key, countingCreator('r', `new ${key}`, 0))));
    const again = await region('r').getMulti(keys);
    return {
      missesOnly: viaGetMulti.every((v) => v === dogpile.NO_VALUE),
      created,
      again,
      calls: calls('r'),
      errors: events('r').filter((e) => e.type === 'error').length,
      corruptNotices: events('r').filter((e) => e.type === 'notice' && e.kind === 'corrupt-entry').length,
    };
  }, dbName);
  const keys = ['noFields', 'wrongTypes', 'otherVersion', 'numberData'];
  expect(result.missesOnly).toBe(true);
  expect(result.created).toEqual(keys.map((k) => `new ${k}`));
  expect(result.again).toEqual(keys.map((k) => `new ${k}`));
  expect(result.calls).toBe(keys.length);
  expect(result.errors).toBe(0);
  expect(result.corruptNotices).toBeGreaterThanOrEqual(3);
});

test('storage unavailable (sandboxed iframe, opaque origin): typed StorageUnavailableError at first use; getOrCreate still returns its value; locks fall back to in-process', async ({ page }) => {
  // A sandboxed frame has an opaque origin; let it load the test modules.
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'access-control-allow-origin': '*' } });
  });
  await page.goto('/browser/index.html');
  await page.evaluate(() => {
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.src = '/browser/index.html';
    document.body.append(frame);
  });
  await expect.poll(() => page.frames().length).toBe(2);
  const frame = page.frames().find((f) => f !== page.mainFrame())!;
  await frame.waitForFunction(() => 'dc' in window);
  const result = await frame.evaluate(async () => {
    const { setup, region, events, countingCreator, calls, dogpile } = window.dc;
    const out: Record<string, unknown> = { origin: self.origin };
    for (const backend of ['localstorage', 'indexeddb'] as const) {
      setup(backend, { backend, name: 'sandboxed', expirationTime: 60_000 });
      const r = region(backend);
      const values = await Promise.all(Array.from({ length: 5 }, () => r.getOrCreate('k', countingCreator(backend, 'made anyway', 10))));
      let direct: unknown;
      try {
        await r.actualBackend.get('k');
      } catch (error) {
        direct = { name: (error as Error).name, typed: error instanceof dogpile.StorageUnavailableError, base: error instanceof dogpile.DogpileCacheException };
      }
      let setError: unknown;
      try {
        await r.set('k', 1);
      } catch (error) {
        setError = (error as Error).name;
      }
      out[backend] = {
        values: [...new Set(values)],
        calls: calls(backend),
        direct,
        setError,
        lockMode: (r.actualBackend as unknown as { lockMode: string }).lockMode,
        errorKinds: [...new Set(events(backend).filter((e) => e.type === 'error').map((e) => e.error))],
        fallback: events(backend).some((e) => e.type === 'notice' && e.kind === 'mutex-fallback'),
      };
    }
    return out;
  });
  expect(result.origin).toBe('null');
  for (const backend of ['localstorage', 'indexeddb']) {
    expect(result[backend]).toEqual({
      values: ['made anyway'],
      // Nothing can be stored, so each caller creates in turn (under the in-process lock).
      calls: 5,
      direct: { name: 'StorageUnavailableError', typed: true, base: true },
      setError: 'StorageUnavailableError',
      lockMode: 'in-process',
      errorKinds: ['StorageUnavailableError'],
      fallback: true,
    });
  }
});

test('indexeddb: an upgrade blocked by another connection fails typed after blockedTimeout, and works once it closes', async ({ context }) => {
  const [other, page] = await openTabs(context, 2);
  const dbName = uniqueName('blocked');
  // Another app's tab holds the database open and ignores versionchange.
  await other!.evaluate(
    (dbName) =>
      new Promise<void>((resolve) => {
        const open = indexedDB.open(dbName, 1);
        open.onupgradeneeded = () => open.result.createObjectStore('legacy');
        open.onsuccess = () => {
          (window as unknown as { held: IDBDatabase }).held = open.result;
          resolve();
        };
      }),
    dbName,
  );
  const blocked = await page!.evaluate(async (dbName) => {
    const { setup, region, events, countingCreator, dogpile } = window.dc;
    setup('r', { backend: 'indexeddb', name: 'r', args: { dbName, blockedTimeout: 1_000 }, expirationTime: 60_000 });
    const value = await region('r').getOrCreate('k', countingCreator('r', 'made', 0));
    let direct: unknown;
    try {
      await region('r').actualBackend.get('k');
    } catch (error) {
      direct = { typed: error instanceof dogpile.StorageUnavailableError, blocked: /blocked/.test((error as Error).message) };
    }
    return { value, direct, errors: [...new Set(events('r').filter((e) => e.type === 'error').map((e) => e.error))] };
  }, dbName);
  expect(blocked).toEqual({ value: 'made', direct: { typed: true, blocked: true }, errors: ['StorageUnavailableError'] });

  // Once blocked, later calls fail at once (not after another blockedTimeout), typed, and getOrCreate still returns created values.
  // At once: the read settles before the next task (a bounded open needs a timer), and no call opens the database again.
  const fast = await page!.evaluate(async () => {
    const { region, countingCreator, dogpile } = window.dc;
    let opens = 0;
    const open = IDBFactory.prototype.open;
    IDBFactory.prototype.open = function (this: IDBFactory, ...args: Parameters<typeof open>) {
      opens++;
      return open.apply(this, args);
    } as typeof open;
    const nextTask = new Promise<'next task'>((resolve) => setTimeout(() => resolve('next task'), 0));
    const read = region('r').actualBackend.get('k').then(
      () => 'resolved',
      (error: unknown) => (error instanceof dogpile.StorageUnavailableError ? 'StorageUnavailableError' : String(error)),
    );
    const first = await Promise.race([read, nextTask]);
    const value = await region('r').getOrCreate('k2', countingCreator('r', 'made-fast', 0));
    IDBFactory.prototype.open = open;
    return { first, value, opens };
  });
  expect(fast).toEqual({ first: 'StorageUnavailableError', value: 'made-fast', opens: 0 });

  await other!.evaluate(() => (window as unknown as { held: IDBDatabase }).held.close());
  // The blocked open goes through once the other connection closes; then the backend opens normally.
  await expect.poll(() => page!.evaluate(() => window.dc.region('r').actualBackend.get('probe').then(() => true, () => false))).toBe(true);
  const recovered = await page!.evaluate(async () => {
    const { region, countingCreator, calls } = window.dc;
    await region('r').getOrCreate('k', countingCreator('r', 'stored', 0));
    return { get: await region('r').get('k'), calls: calls('r') };
  });
  expect(recovered).toEqual({ get: 'stored', calls: 3 });
});

test('indexeddb: connections closed by the browser are reopened (site data cleared, another tab upgrading)', async ({ context }) => {
  const [a, b] = await openTabs(context, 2);
  const dbName = uniqueName('reopen');
  const setup = (page: typeof a, id: string, storeName: string) =>
    page!.evaluate(([dbName, id, storeName]) => window.dc.setup(id, { backend: 'indexeddb', name: 'r', args: { dbName, storeName }, expirationTime: 60_000 }), [dbName, id, storeName] as const);
  await setup(a, 'r', 'entries');
  await a!.evaluate(() => window.dc.region('r').set('k', 'before'));

  // Another tab needs a new store in the same database: the upgrade closes A's connection.
  await setup(b, 'other', 'other-store');
  await b!.evaluate(() => window.dc.region('other').set('k', 'in other store'));
  expect(await a!.evaluate(() => window.dc.region('r').get('k'))).toBe('before');
  expect(await b!.evaluate(() => window.dc.region('other').get('k'))).toBe('in other store');

  // Clearing the origin's IndexedDB makes the browser close every connection ('close' event).
  const cdp = await context.newCDPSession(a!);
  await cdp.send('Storage.clearDataForOrigin', { origin: new URL(a!.url()).origin, storageTypes: 'indexeddb' });
  const after = await a!.evaluate(async () => {
    const { region, countingCreator, calls, events } = window.dc;
    const value = await region('r').getOrCreate('k', countingCreator('r', 'after', 0));
    const errors = events('r').flatMap((e) => (e.type === 'error' ? [`${e.operation}: ${String(e.error)}`] : []));
    return { value, get: await region('r').get('k'), calls: calls('r'), errors };
  });
  expect(after).toEqual({ value: 'after', get: 'after', calls: 1, errors: [] });
});

test('indexeddb: getMulti, setMulti and deleteMulti of 100 keys use one transaction each', async ({ context }) => {
  const page = await openTab(context);
  const dbName = uniqueName('tx');
  const counts = await page.evaluate(async (dbName) => {
    const { setup, region } = window.dc;
    setup('r', { backend: 'indexeddb', name: 'r', args: { dbName }, expirationTime: 60_000 });
    await region('r').get('warm-up'); // opens the database
    let transactions = 0;
    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<typeof transaction>) {
      transactions++;
      return transaction.apply(this, args);
    } as typeof transaction;
    const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
    const measure = async (run: () => Promise<unknown>) => {
      const before = transactions;
      await run();
      return transactions - before;
    };
    const result = {
      setMulti: await measure(() => region('r').setMulti(Object.fromEntries(keys.map((k) => [k, k])))),
      getMulti: await measure(async () => {
        const values = await region('r').getMulti(keys);
        if (values.join() !== keys.join()) throw new Error('getMulti returned the wrong values');
      }),
      deleteMulti: await measure(() => region('r').deleteMulti(keys)),
      keysAfter: (await region('r').actualBackend.keys!()) as string[],
    };
    IDBDatabase.prototype.transaction = transaction;
    return result;
  }, dbName);
  expect(counts).toEqual({ setMulti: 1, getMulti: 1, deleteMulti: 1, keysAfter: [] });
});

test('indexeddb: reads return before their transaction completes, yet an aborted read rejects (a miss with an error event in the region) and a later abort is never an unhandled rejection', async ({ context }) => {
  const page = await openTab(context);
  const dbName = uniqueName('read-abort');
  const result = await page.evaluate(async (dbName) => {
    const { setup, region, events, dogpile, sleep } = window.dc;
    setup('r', { backend: 'indexeddb', name: 'r', args: { dbName }, expirationTime: 60_000 });
    const r = region('r');
    const backend = r.actualBackend;
    await r.setMulti({ a: 'A', b: 'B' });
    let unhandled = 0;
    const onUnhandled = () => unhandled++;
    window.addEventListener('unhandledrejection', onUnhandled);

    // Every read transaction is recorded, with whether it has finished (complete or abort).
    const transactions: Array<{ tx: IDBTransaction; finished: Promise<'complete' | 'abort'>; state: string }> = [];
    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<typeof transaction>) {
      const tx = transaction.apply(this, args);
      const entry = { tx, state: 'open', finished: undefined as unknown as Promise<'complete' | 'abort'> };
      entry.finished = new Promise((resolve) => {
        tx.addEventListener('complete', () => resolve((entry.state = 'complete') as 'complete'));
        tx.addEventListener('abort', () => resolve((entry.state = 'abort') as 'abort'));
      });
      transactions.push(entry);
      return tx;
    } as typeof transaction;

    // 1. A hit resolves while its read-only transaction is still running.
    const hit = await backend.get('a');
    const openAtHit = transactions.at(-1)!.state;
    // Aborting it now cannot change what was read, and nothing may surface as an unhandled rejection.
    transactions.at(-1)!.tx.abort();
    const lateAbort = await transactions.at(-1)!.finished;
    const multi = await backend.getMulti!(['a', 'b', 'missing']);
    transactions.at(-1)!.tx.abort();
    await transactions.at(-1)!.finished;

    // 2. Transactions aborted before their requests succeed: direct calls reject, region reads are misses with an error event.
    const get = IDBObjectStore.prototype.get;
    const getAllKeys = IDBIndex.prototype.getAllKeys;
    IDBObjectStore.prototype.get = function (this: IDBObjectStore, ...args: Parameters<typeof get>) {
      const request = get.apply(this, args);
      const tx = this.transaction;
      queueMicrotask(() => tx.abort());
      return request;
    } as typeof get;
    IDBIndex.prototype.getAllKeys = function (this: IDBIndex, ...args: Parameters<typeof getAllKeys>) {
      const request = getAllKeys.apply(this, args);
      const tx = this.objectStore.transaction;
      queueMicrotask(() => tx.abort());
      return request;
    } as typeof getAllKeys;
    const rejection = async (run: () => Promise<unknown>) => {
      try {
        await run();
        return 'resolved';
      } catch (error) {
        return (error as Error).name;
      }
    };
    const aborted = {
      get: await rejection(() => backend.get('a')),
      getMulti: await rejection(() => backend.getMulti!(['a', 'b'])),
      keys: await rejection(() => backend.keys!() as Promise<string[]>),
      regionGet: (await r.get('a')) === dogpile.NO_VALUE,
      regionGetMulti: (await r.getMulti(['a', 'b'])).every((v) => v === dogpile.NO_VALUE),
    };
    IDBObjectStore.prototype.get = get;
    IDBIndex.prototype.getAllKeys = getAllKeys;
    IDBDatabase.prototype.transaction = transaction;

    // Let every rejection of the aborted transactions be reported, had any gone unhandled.
    await Promise.all(transactions.map((t) => t.finished));
    await sleep(50);
    window.removeEventListener('unhandledrejection', onUnhandled);
    return {
      hit,
      openAtHit,
      lateAbort,
      multi: multi.map((v) => (v === dogpile.NO_VALUE ? 'NO_VALUE' : v)),
      aborted,
      errorEvents: events('r').filter((e) => e.type === 'error').map((e) => e.error),
      unhandled,
      after: await r.getMulti(['a', 'b']),
    };
  }, dbName);
  expect(result).toEqual({
    hit: expect.objectContaining({ payload: 'A' }),
    openAtHit: 'open',
    lateAbort: 'abort',
    multi: [expect.objectContaining({ payload: 'A' }), expect.objectContaining({ payload: 'B' }), 'NO_VALUE'],
    aborted: { get: 'AbortError', getMulti: 'AbortError', keys: 'AbortError', regionGet: true, regionGetMulti: true },
    errorEvents: ['AbortError', 'AbortError'],
    unhandled: 0,
    after: ['A', 'B'],
  });
});
