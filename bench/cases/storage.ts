/**
 * Suite 3, storage (browser only): hits, writes and bulk reads on the
 * `localstorage` and `indexeddb` backends, next to idb-keyval, localforage
 * and the raw platform APIs, all on the same value in the same page.
 *
 * @module
 */
import { NO_VALUE, makeRegion, type CacheRegion } from 'dogpile-cache';
import 'dogpile-cache/browser';
import { openDB, type IDBPDatabase } from 'idb';
import { createStore, get as keyvalGet, getMany as keyvalGetMany, set as keyvalSet, setMany as keyvalSetMany } from 'idb-keyval';
import localforage from 'localforage';
import type { RoundOp, Suite, ThroughputCase } from './harness.js';

/** Keys read per call in the bulk suite. */
export const BULK = 100;

const TTL = 60 * 60_000;

/** A small record, as an app caches them (about 120 bytes of JSON). */
function record(id: number): { id: number; name: string; email: string; roles: string[]; updated: string } {
  return { id, name: `User ${id}`, email: `user${id}@example.com`, roles: ['reader', 'editor'], updated: '2026-01-01T00:00:00.000Z' };
}

const bulkKeys = Array.from({ length: BULK }, (_, i) => `user:${i}`);

/** Each store used here: opened once per page, shared by the suites. */
interface Stores {
  lsRegion: CacheRegion;
  idbRegion: CacheRegion;
  rawDb: IDBPDatabase;
  keyval: ReturnType<typeof createStore>;
  forage: LocalForage;
}

let stores: Promise<Stores> | undefined;

/** Opens (once) and fills every store with `user:0` ... `user:99`. */
export function openStores(): Promise<Stores> {
  stores ??= (async () => {
    localStorage.clear();
    const lsRegion = makeRegion({ name: 'bench-ls' }).configure('localstorage', { expirationTime: TTL, arguments: { prefix: 'bench:' } });
    const idbRegion = makeRegion({ name: 'bench-idb' }).configure('indexeddb', { expirationTime: TTL, arguments: { dbName: 'bench-dogpile' } });
    const rawDb = await openDB('bench-raw', 1, {
      upgrade(db) {
        db.createObjectStore('kv');
      },
    });
    const keyval = createStore('bench-keyval', 'kv');
    const forage = localforage.createInstance({ name: 'bench-localforage', driver: localforage.INDEXEDDB });
    await forage.ready();
    const values = bulkKeys.map((_, i) => record(i));
    const entries = bulkKeys.map((key, i) => [key, values[i]] as [string, ReturnType<typeof record>]);
    await lsRegion.setMulti(new Map(entries));
    await idbRegion.setMulti(new Map(entries));
    const tx = rawDb.transaction('kv', 'readwrite');
    await Promise.all([...entries.map(([key, value]) => tx.store.put(value, key)), tx.done]);
    await keyvalSetMany(entries, keyval);
    for (const [key, value] of entries) await forage.setItem(key, value);
    for (const [key, value] of entries) localStorage.setItem(`raw:${key}`, JSON.stringify(value));
    return { lsRegion, idbRegion, rawDb, keyval, forage };
  })();
  return stores;
}

const creator = () => record(1);

function asyncCase(name: string, library: string, op: (s: Stores) => () => Promise<unknown>, unitsPerOp = 1): ThroughputCase {
  return {
    kind: 'throughput',
    name,
    library,
    async: true,
    unitsPerOp,
    async setup() {
      return op(await openStores());
    },
  };
}

/** Reading one present key. */
export function storageReadSuite(): Suite {
  return {
    id: 'storage-read',
    title: 'Storage hit: read one present key (localStorage and IndexedDB)',
    baseline: 'idb-keyval get',
    metric: 'nsPerUnit',
    cases: [
      {
        kind: 'throughput',
        name: 'localStorage getItem + JSON.parse (raw)',
        library: '(platform)',
        async: false,
        async setup() {
          await openStores();
          return () => JSON.parse(localStorage.getItem('raw:user:1')!) as unknown;
        },
      },
      asyncCase('dogpile localstorage get', 'dogpile-cache', (s) => () => s.lsRegion.get('user:1')),
      asyncCase('dogpile localstorage getOrCreate', 'dogpile-cache', (s) => () => s.lsRegion.getOrCreate('user:1', creator)),
      asyncCase('idb get, 1 per transaction (raw)', 'idb', (s) => () => s.rawDb.get('kv', 'user:1')),
      asyncCase('idb-keyval get', 'idb-keyval', (s) => () => keyvalGet('user:1', s.keyval)),
      asyncCase('localforage getItem', 'localforage', (s) => () => s.forage.getItem('user:1')),
      asyncCase('dogpile indexeddb get', 'dogpile-cache', (s) => () => s.idbRegion.get('user:1')),
      asyncCase('dogpile indexeddb getOrCreate', 'dogpile-cache', (s) => () => s.idbRegion.getOrCreate('user:1', creator)),
    ],
  };
}

/**
 * Waits until an IndexedDB write goes through: Chromium's storage service
 * flushes a burst of localStorage writes before it runs the next IndexedDB
 * transaction (one put after 100,000 setItem calls took 0.7 s), so the
 * localStorage write cases settle here instead of charging the next case.
 */
async function settleStorage(): Promise<void> {
  const db = await openDB('bench-settle', 1, {
    upgrade(upgrading) {
      upgrading.createObjectStore('kv');
    },
  });
  await db.put('kv', 0, 'settle');
  db.close();
}

/** Writing one key (overwriting the same key). */
export function storageWriteSuite(): Suite {
  const value = record(7);
  return {
    id: 'storage-write',
    title: 'Storage write: set one key (localStorage and IndexedDB)',
    baseline: 'idb-keyval set',
    metric: 'nsPerUnit',
    cases: [
      {
        kind: 'throughput',
        name: 'localStorage setItem + JSON.stringify (raw)',
        library: '(platform)',
        async: false,
        async setup() {
          await openStores();
          return () => localStorage.setItem('raw:user:w', JSON.stringify(value));
        },
        settle: settleStorage,
      },
      { ...asyncCase('dogpile localstorage set', 'dogpile-cache', (s) => () => s.lsRegion.set('user:w', value)), settle: settleStorage },
      asyncCase('idb put, 1 per transaction (raw)', 'idb', (s) => () => s.rawDb.put('kv', value, 'user:w')),
      asyncCase('idb-keyval set', 'idb-keyval', (s) => () => keyvalSet('user:w', value, s.keyval)),
      asyncCase('localforage setItem', 'localforage', (s) => () => s.forage.setItem('user:w', value)),
      asyncCase('dogpile indexeddb set', 'dogpile-cache', (s) => () => s.idbRegion.set('user:w', value)),
    ],
  };
}

/** Reading 100 present keys: in one call, or as 100 single reads started together. Figures are per key. */
export function storageBulkSuite(): Suite {
  return {
    id: 'storage-bulk',
    title: `Storage bulk read: ${BULK} present keys, time per key (IndexedDB)`,
    baseline: `dogpile idb ${BULK} x get (concurrent), per key`,
    metric: 'nsPerUnit',
    cases: [
      asyncCase(`idb ${BULK} gets in 1 transaction (raw), per key`, 'idb', (s) => async () => {
        const tx = s.rawDb.transaction('kv');
        return Promise.all(bulkKeys.map((key) => tx.store.get(key)));
      }, BULK),
      asyncCase(`idb ${BULK} gets, 1 per transaction (raw), per key`, 'idb', (s) => () => Promise.all(bulkKeys.map((key) => s.rawDb.get('kv', key))), BULK),
      asyncCase(`idb-keyval getMany(${BULK}), per key`, 'idb-keyval', (s) => () => keyvalGetMany(bulkKeys, s.keyval), BULK),
      asyncCase(`dogpile idb getMulti(${BULK}), per key`, 'dogpile-cache', (s) => () => s.idbRegion.getMulti(bulkKeys), BULK),
      asyncCase(`dogpile idb ${BULK} x get (concurrent), per key`, 'dogpile-cache', (s) => () => Promise.all(bulkKeys.map((key) => s.idbRegion.get(key))), BULK),
      asyncCase(`dogpile idb ${BULK} x get (one after another), per key`, 'dogpile-cache', (s) => async () => {
        for (const key of bulkKeys) await s.idbRegion.get(key);
      }, BULK),
      asyncCase(`dogpile localstorage getMulti(${BULK}), per key`, 'dogpile-cache', (s) => () => s.lsRegion.getMulti(bulkKeys), BULK),
    ],
  };
}

/** Keys per call of the multi-key suite, and how many of them are missing. */
export const MULTI_KEYS = 10_000;
export const MULTI_MISSING = 5_000;

/**
 * One round on a new IndexedDB database holding every other key of
 * `MULTI_KEYS`: the untimed fill, then the timed `run`. Reports `ms`.
 */
function multiRounds(label: string, run: (region: CacheRegion, keys: string[]) => Promise<unknown>): () => Promise<RoundOp> {
  return async () => {
    let round = 0;
    return async () => {
      const name = `bench-multi-${label}-${Date.now().toString(36)}-${round++}`;
      const region = makeRegion({ name }).configure('indexeddb', { expirationTime: TTL, arguments: { dbName: name } });
      const keys = Array.from({ length: MULTI_KEYS }, (_, i) => `item:${i}`);
      const present = keys.filter((_, i) => i % (MULTI_KEYS / (MULTI_KEYS - MULTI_MISSING)) === 0);
      await region.setMulti(Object.fromEntries(present.map((key) => [key, record(Number(key.slice(5)))])));
      const started = performance.now();
      await run(region, keys);
      const ms = performance.now() - started;
      await (region.actualBackend as unknown as { close(): Promise<void> }).close();
      region.close();
      indexedDB.deleteDatabase(name);
      return { ms };
    };
  };
}

/** getOrCreateMulti of many keys, half missing, against reading and writing the same keys by hand. */
export function storageMultiSuite(): Suite {
  return {
    id: 'storage-multi',
    title: `Multi-key get-or-create: ${MULTI_KEYS} keys, ${MULTI_MISSING} missing (IndexedDB)`,
    baseline: 'dogpile idb getMulti + setMulti of the missing',
    metric: 'ms',
    cases: [
      {
        kind: 'rounds',
        name: 'dogpile idb getMulti + setMulti of the missing',
        library: 'dogpile-cache',
        setup: multiRounds('plain', async (region, keys) => {
          const found = await region.getMulti(keys);
          const missing = keys.filter((_, i) => found[i] === NO_VALUE);
          await region.setMulti(Object.fromEntries(missing.map((key) => [key, record(Number(key.slice(5)))])));
        }),
      },
      {
        kind: 'rounds',
        name: 'dogpile idb getOrCreateMulti',
        library: 'dogpile-cache',
        setup: multiRounds('locked', (region, keys) => region.getOrCreateMulti(keys, (...missing) => missing.map((key) => record(Number(key.slice(5)))))),
      },
    ],
  };
}

/**
 * Counts IndexedDB transactions opened by `run` (by wrapping
 * `IDBDatabase.prototype.transaction` for the duration only).
 */
async function countTransactions(run: () => Promise<unknown>): Promise<number> {
  const proto = IDBDatabase.prototype;
  const original = proto.transaction;
  let count = 0;
  proto.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    count++;
    return original.apply(this, args);
  } as IDBDatabase['transaction'];
  try {
    await run();
  } finally {
    proto.transaction = original;
  }
  return count;
}

/** Transactions per hit and per bulk read, counted over 20 calls each. */
export async function transactionNotes(): Promise<Record<string, number>> {
  const s = await openStores();
  const calls = 20;
  const per = async (run: () => Promise<unknown>) =>
    (await countTransactions(async () => {
      for (let i = 0; i < calls; i++) await run();
    })) / calls;
  return {
    'idb transactions per get hit': await per(() => s.idbRegion.get('user:1')),
    'idb transactions per getOrCreate hit': await per(() => s.idbRegion.getOrCreate('user:1', creator)),
    [`idb transactions per getMulti(${BULK})`]: await per(() => s.idbRegion.getMulti(bulkKeys)),
    'idb-keyval transactions per get': await per(() => keyvalGet('user:1', s.keyval)),
  };
}
