import { expect, test } from '@playwright/test';
import { openTab, uniqueName } from './tabs.js';

test('localstorage: a full storage evicts this region\'s expired, then oldest entries; an impossible write rejects typed; getOrCreate still returns its value', async ({ context }) => {
  const page = await openTab(context);
  const prefix = `${uniqueName('quota')}:`;
  const result = await page.evaluate(async (prefix) => {
    const { setup, region, events, dogpile } = window.dc;
    const { CachedValue, VALUE_VERSION, QuotaExceededError, DogpileCacheException } = dogpile;
    setup('q', { backend: 'localstorage', name: 'q', args: { prefix }, expirationTime: 60_000 });
    setup('o', { backend: 'localstorage', name: 'other', args: { prefix }, expirationTime: 60_000 });
    const q = region('q');
    const backend = q.actualBackend as InstanceType<typeof window.dc.browser.LocalStorageBackend>;
    localStorage.setItem('other-app:data', 'o'.repeat(1_000));
    for (let i = 0; i < 3; i++) await region('o').set(`a${i}`, 'x'.repeat(1_000));
    // Five entries created two minutes ago (expired), three fresh ones.
    for (let i = 0; i < 5; i++) await backend.set(`old${i}`, new CachedValue('e'.repeat(10_000), { ct: Date.now() - 120_000, v: VALUE_VERSION }));
    for (let i = 0; i < 3; i++) await q.set(`fresh${i}`, 'f'.repeat(10_000));

    // Fill the rest of the origin's localStorage with another app's data.
    let filler = 0;
    for (let size = 1 << 20; size >= 256; size >>= 1) {
      const chunk = 'z'.repeat(size);
      for (;;) {
        try {
          localStorage.setItem(`filler:${filler}`, chunk);
          filler++;
        } catch {
          break;
        }
      }
    }
    const snapshot = () => Object.keys(localStorage).sort();
    const foreignBefore = snapshot().filter((k) => !k.startsWith(`${prefix}q|`));

    await q.set('big', 'b'.repeat(30_000));
    const afterBig = (await backend.keys()).sort();

    let rejected: { name: string; typed: boolean; base: boolean; message: string } | undefined;
    try {
      await q.set('huge', 'h'.repeat(600_000));
    } catch (error) {
      rejected = { name: (error as Error).name, typed: error instanceof QuotaExceededError, base: error instanceof DogpileCacheException, message: (error as Error).message };
    }
    // More than the namespace plus the free space: refused before anything was evicted.
    const afterHuge = (await backend.keys()).sort();
    const created = await q.getOrCreate('huge2', () => 'H'.repeat(600_000));
    const afterHuge2 = (await backend.keys()).sort();
    const foreignAfter = snapshot().filter((k) => !k.startsWith(`${prefix}q|`));
    return {
      filler,
      afterBig,
      rejected,
      afterHuge,
      afterHuge2,
      createdLength: created.length,
      foreignUntouched: JSON.stringify(foreignBefore) === JSON.stringify(foreignAfter),
      otherRegion: await region('o').getMulti(['a0', 'a1', 'a2']),
      notices: events('q').filter((e) => e.type === 'notice').map((e) => e.kind),
      errors: events('q').filter((e) => e.type === 'error').map((e) => `${e.operation}:${e.key}:${e.error}`),
    };
  }, prefix);

  expect(result.filler).toBeGreaterThan(0);
  // Expired entries went first; the fresh ones stayed.
  expect(result.afterBig).toEqual(['big', 'fresh0', 'fresh1', 'fresh2']);
  expect(result.rejected).toMatchObject({ name: 'QuotaExceededError', typed: true, base: true });
  expect(result.rejected!.message).toContain('nothing was evicted');
  expect(result.afterHuge).toEqual(result.afterBig);
  expect(result.afterHuge2).toEqual(result.afterBig);
  expect(result.createdLength).toBe(600_000);
  expect(result.errors).toEqual(['set:huge2:QuotaExceededError']);
  expect(result.notices).toContain('quota-evicted');
  expect(result.foreignUntouched).toBe(true);
  expect(result.otherRegion).toEqual(['x'.repeat(1_000), 'x'.repeat(1_000), 'x'.repeat(1_000)]);
});

test('indexeddb: over quota, this region\'s expired then oldest entries are evicted; an impossible write rejects typed; getOrCreate still returns its value', async ({ context }) => {
  const page = await openTab(context);
  const dbName = uniqueName('quota');
  const result = await page.evaluate(async (dbName) => {
    const { setup, region, events, dogpile } = window.dc;
    const { CachedValue, VALUE_VERSION, QuotaExceededError } = dogpile;
    setup('q', { backend: 'indexeddb', name: 'q', args: { dbName }, expirationTime: 60_000 });
    setup('o', { backend: 'indexeddb', name: 'other', args: { dbName }, expirationTime: 60_000 });
    const q = region('q');
    const backend = q.actualBackend as InstanceType<typeof window.dc.browser.IndexedDBBackend>;
    for (let i = 0; i < 3; i++) await region('o').set(`a${i}`, 'x'.repeat(1_000));
    for (let i = 0; i < 5; i++) await backend.set(`old${i}`, new CachedValue('e'.repeat(10_000), { ct: Date.now() - 120_000, v: VALUE_VERSION }));
    for (let i = 0; i < 3; i++) await q.set(`fresh${i}`, 'f'.repeat(10_000));
    await q.set('fresh3', 'f'.repeat(10_000));

    // A small quota for this test: the database's real object store, with put()
    // failing as a full disk does once the stored characters pass a limit.
    const size = (v: unknown) => JSON.stringify(v)?.length ?? 0;
    const sizes = new Map<string, number>();
    const read = await new Promise<Array<{ ns: string; key: unknown }>>((resolve, reject) => {
      const open = indexedDB.open(dbName);
      open.onsuccess = () => {
        const all = open.result.transaction('entries').objectStore('entries').getAll();
        all.onsuccess = () => {
          resolve(all.result);
          open.result.close();
        };
        all.onerror = () => reject(all.error);
      };
    });
    for (const record of read) sizes.set(JSON.stringify([record.ns, record.key]), size(record));
    const limit = [...sizes.values()].reduce((a, b) => a + b, 0) + 5_000;
    const total = () => [...sizes.values()].reduce((a, b) => a + b, 0);
    const put = IDBObjectStore.prototype.put;
    const del = IDBObjectStore.prototype.delete;
    const cursorDelete = IDBCursor.prototype.delete;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: { ns: string; key: unknown }, key?: IDBValidKey) {
      const id = JSON.stringify([value.ns, value.key]);
      if (total() - (sizes.get(id) ?? 0) + size(value) > limit) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      sizes.set(id, size(value));
      return put.call(this, value, key);
    } as typeof put;
    IDBObjectStore.prototype.delete = function (this: IDBObjectStore, query: IDBValidKey | IDBKeyRange) {
      sizes.delete(JSON.stringify(query));
      return del.call(this, query);
    };
    IDBCursor.prototype.delete = function (this: IDBCursor) {
      sizes.delete(JSON.stringify(this.primaryKey));
      return cursorDelete.call(this);
    };

    await q.set('big', 'b'.repeat(30_000));
    const afterBig = (await backend.keys()).sort();
    await q.set('big2', 'c'.repeat(26_000));
    const afterBig2 = (await backend.keys()).sort();
    let rejected: { name: string; typed: boolean } | undefined;
    try {
      await q.set('huge', 'h'.repeat(200_000));
    } catch (error) {
      rejected = { name: (error as Error).name, typed: error instanceof QuotaExceededError };
    }
    const created = await q.getOrCreate('huge2', () => 'H'.repeat(200_000));
    IDBObjectStore.prototype.put = put;
    IDBObjectStore.prototype.delete = del;
    IDBCursor.prototype.delete = cursorDelete;
    return {
      afterBig,
      afterBig2,
      rejected,
      createdLength: created.length,
      otherRegion: await region('o').getMulti(['a0', 'a1', 'a2']),
      notices: events('q').filter((e) => e.type === 'notice').map((e) => e.kind),
      errors: events('q').filter((e) => e.type === 'error').map((e) => `${e.operation}:${e.key}:${e.error}`),
    };
  }, dbName);

  // Expired entries go first.
  expect(result.afterBig).toEqual(['big', 'fresh0', 'fresh1', 'fresh2', 'fresh3']);
  // Then the least recently written ones, oldest first, only as many as needed.
  expect(result.afterBig2).toEqual(['big', 'big2', 'fresh1', 'fresh2', 'fresh3']);
  expect(result.rejected).toEqual({ name: 'QuotaExceededError', typed: true });
  expect(result.createdLength).toBe(200_000);
  expect(result.errors).toEqual(['set:huge2:QuotaExceededError']);
  expect(result.notices).toContain('quota-evicted');
  expect(result.otherRegion).toEqual(['x'.repeat(1_000), 'x'.repeat(1_000), 'x'.repeat(1_000)]);
});

test('indexeddb: a write larger than the whole quota rejects typed before evicting anything', async ({ context }) => {
  const page = await openTab(context);
  const dbName = uniqueName('quota-whole');
  const result = await page.evaluate(async (dbName) => {
    const { setup, region, events, dogpile } = window.dc;
    setup('w', { backend: 'indexeddb', name: 'w', args: { dbName }, expirationTime: 60_000 });
    const w = region('w');
    for (let i = 0; i < 5; i++) await w.set(`k${i}`, 'v'.repeat(1_000));
    // A 3 MB origin quota, as a small device reports it. (Chromium's CDP
    // Storage.overrideQuotaForOrigin does not reach estimate() here, so the
    // page's estimate() and put() play that quota over the real database.)
    const QUOTA = 3_000_000;
    const estimate = navigator.storage.estimate.bind(navigator.storage);
    navigator.storage.estimate = async () => ({ ...(await estimate()), quota: QUOTA });
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      const payload = (value as { p?: unknown })?.p;
      if (typeof payload === 'string' && payload.length * 2 > QUOTA) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.call(this, value, key);
    } as typeof put;
    const huge = 'h'.repeat(2_000_000); // about 4 MB as the backend estimates it
    let rejected: { typed: boolean; message: string } | undefined;
    try {
      await w.set('huge', huge);
    } catch (error) {
      rejected = { typed: error instanceof dogpile.QuotaExceededError, message: (error as Error).message };
    }
    const keys = ((await w.actualBackend.keys!()) as string[]).sort();
    const created = await w.getOrCreate('huge2', () => huge);
    const keysAfterCreate = ((await w.actualBackend.keys!()) as string[]).sort();
    IDBObjectStore.prototype.put = put;
    navigator.storage.estimate = estimate;
    return { rejected, keys, keysAfterCreate, createdLength: created.length, notices: events('w').filter((e) => e.type === 'notice').map((e) => e.kind) };
  }, dbName);
  expect(result.rejected?.typed).toBe(true);
  expect(result.rejected?.message).toContain('nothing was evicted');
  expect(result.keys).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
  expect(result.keysAfterCreate).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
  expect(result.createdLength).toBe(2_000_000);
  expect(result.notices).not.toContain('quota-evicted');
});
