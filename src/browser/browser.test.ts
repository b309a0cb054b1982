// The browser entry in Node: it imports cleanly, and without navigator.locks,
// localStorage or indexedDB every backend has a defined outcome.
import { describe, expect, it } from 'vitest';
import { CachedValue, NO_VALUE, QuotaExceededError, StorageUnavailableError, VALUE_VERSION, makeRegion, type RegionEvent } from 'dogpile-cache';
import { IndexedDBBackend, LocalStorageBackend, SharedInvalidationStrategy, isQuotaError } from 'dogpile-cache/browser';
import { applicableChecks, type ConformanceTarget } from '../../test/conformance/backend-suite.js';
import { decodeEntry, decodeHeader, encodeEntry } from './local-storage/entry.js';
import { MemoryStorage } from '../../test/helpers/memory-storage.js';
import { latestMarker, newWriteToken, placeMarker, writeTokenTime } from './local-storage/write-markers.js';


const value = (payload: unknown, ct = Date.now()) => new CachedValue(payload, { ct, v: VALUE_VERSION });

describe('the browser entry in Node', () => {
  it('registers localstorage and indexeddb by name', () => {
    const region = makeRegion({ name: 'n' }).configure('localstorage', { arguments: { storage: new MemoryStorage(), prefix: 'p:' } });
    expect(region.actualBackend).toBeInstanceOf(LocalStorageBackend);
    expect(makeRegion().configure('indexeddb', { arguments: { dbName: 'x' } }).actualBackend).toBeInstanceOf(IndexedDBBackend);
  });

  const target: ConformanceTarget = { name: 'localstorage over a Storage in memory', create: () => new LocalStorageBackend({ storage: new MemoryStorage() }) };
  describe(`backend conformance: ${target.name}`, () => {
    for (const check of applicableChecks(target.create() as LocalStorageBackend)) {
      it(check.name, () => check.run(target));
    }
  });

  it('without navigator.locks, localstorage locks in-process, says so once, and still creates once per process', async () => {
    const region = makeRegion({ name: 'fallback' }).configure('localstorage', { arguments: { storage: new MemoryStorage() }, expirationTime: 60_000 });
    const events: RegionEvent[] = [];
    region.subscribe((event) => events.push(event));
    let calls = 0;
    const values = await Promise.all(
      Array.from({ length: 20 }, () =>
        region.getOrCreate('k', async () => {
          calls++;
          await new Promise((resolve) => setTimeout(resolve, 10));
          return 'v';
        }),
      ),
    );
    expect(values).toEqual(Array(20).fill('v'));
    expect(calls).toBe(1);
    expect((region.actualBackend as LocalStorageBackend).lockMode).toBe('in-process');
    expect(events.filter((e) => e.type === 'notice' && e.kind === 'mutex-fallback')).toHaveLength(1);
  });

  it('without indexedDB, operations reject with StorageUnavailableError and getOrCreate still returns its value', async () => {
    const region = makeRegion({ name: 'no-idb' }).configure('indexeddb', { expirationTime: 60_000 });
    const errors: unknown[] = [];
    region.subscribe((event) => {
      if (event.type === 'error') errors.push(event.error);
    });
    await expect(region.actualBackend.get('k')).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(region.set('k', 1)).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(await region.getOrCreate('k', () => 'made')).toBe('made');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e instanceof StorageUnavailableError)).toBe(true);
  });

  it('without localStorage (and no storage argument), operations reject with StorageUnavailableError', async () => {
    const backend = new LocalStorageBackend();
    await expect(backend.get('k')).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(backend.set('k', value(1))).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});

describe('localstorage entries', () => {
  it('round-trip values, strings and bytes with their write token', () => {
    const token = newWriteToken();
    const cv = value({ a: [1, 'two'] }, 1_700_000_000_000.25);
    const decoded = decodeEntry(encodeEntry(cv, token));
    expect(decoded).toMatchObject({ token, ct: cv.metadata.ct });
    expect((decoded as { value: CachedValue }).value).toEqual(cv);
    expect(decodeEntry(encodeEntry('text', token, 'tab1'))).toEqual({ kind: 's', value: 'text', token, origin: 'tab1', ct: undefined, at: expect.any(Number) });
    const bytes = new Uint8Array(70_000).map((_, i) => i % 256);
    expect((decodeEntry(encodeEntry(bytes, token)) as { value: Uint8Array }).value).toEqual(bytes);
  });

  it('read bad JSON, wrong shapes, bad bodies and bad base64 as corrupt, never throwing', () => {
    const bad = ['{', '[1]', 'null', '42', '"s"', '{"foo":1}', '{"ct":"1","v":2}', 'dc3', 'dc3{"k":"c"}\n1', 'dc3{"k":"c","ct":1,"v":2}\n[oops', 'dc3{"k":"b"}\n***', 'dc3[1]\n1', 'dc3{"k":"x"}\n'];
    for (const text of bad) expect(decodeEntry(text)).toBe('corrupt');
    expect(decodeEntry(null)).toBeUndefined();
  });

  it('read entries of the earlier JSON format as outdated (a miss), header and all', () => {
    for (const text of ['{"ct":1,"v":2,"p":{"a":1},"w":"t"}', '{"s":"x","w":"t"}', '{"b":"AAE=","w":"t"}']) {
      expect(decodeEntry(text)).toBe('outdated');
      expect(decodeHeader(text)).toBe('outdated');
    }
  });

  it('keep metadata beside the payload, and read the header without the body', () => {
    const cv = new CachedValue(new Map([[1, { d: new Date(0) }]]), { ct: 5, v: 2, st: 4, rv: 'build-7' });
    const text = encodeEntry(cv, 'tok', 'tab1');
    expect((decodeEntry(text) as { value: CachedValue }).value).toEqual(cv);
    // The header carries provenance for other tabs' change feeds: who ran the creator, and when it started.
    expect(decodeHeader(text)).toEqual({ kind: 'c', token: 'tok', origin: 'tab1', ct: 5, at: expect.any(Number), startedAt: 4 });
    const made = encodeEntry(new CachedValue(1, { ct: 9, v: 2, st: 2, o: 'creator-tab' }), 'tok', 'writer-tab');
    expect(decodeHeader(made)).toMatchObject({ origin: 'writer-tab', createdBy: 'creator-tab', startedAt: 2, ct: 9 });
    // Write times order this tab's writes strictly, even within one millisecond.
    const [first, second] = [encodeEntry(cv, 't1'), encodeEntry(cv, 't2')].map((t) => (decodeHeader(t) as { at: number }).at);
    expect(second).toBeGreaterThan(first!);
    // The header is read even when the body is not readable.
    expect(decodeHeader(text.replace(/\n.*$/s, '\n[oops'))).toMatchObject({ ct: 5 });
  });

  it('write tokens carry their time and sort by it', () => {
    const before = Date.now();
    const token = newWriteToken();
    expect(token).not.toContain(':');
    expect(writeTokenTime(token)).toBeGreaterThanOrEqual(before);
    expect(writeTokenTime(token)).toBeLessThanOrEqual(Date.now());
    expect(Number.isNaN(writeTokenTime('garbage'))).toBe(true);
  });

  it('the newest marker of a key wins, writes and deletes alike; a delete wins a tie of the same millisecond', async () => {
    // A LockManager whose held locks are the requested names, enough for placeMarker and latestMarker.
    const held: string[] = [];
    const locks = {
      request: async (name: string, callback: () => Promise<void>) => {
        held.push(name);
        await callback();
      },
      query: async () => ({ held: held.map((name) => ({ name, mode: 'exclusive' as const })), pending: [] }),
    } as unknown as LockManager;
    const token = (time: number, rest: string) => `${time.toString(36)}-${rest}`;
    const lock = 'dogpile-cache:ls:p|:k';
    expect(await latestMarker(locks, lock)).toBeUndefined();
    await placeMarker('write', locks, lock, token(1_000, 'a'), 0);
    await placeMarker('delete', locks, `${lock}2`, token(9_000, 'other-key'), 0);
    held.push(lock, 'unrelated', `dogpile-cache:written:${token(9_000, 'x')}:y:${lock}`);
    expect(await latestMarker(locks, lock)).toEqual({ kind: 'write', token: token(1_000, 'a') });
    await placeMarker('delete', locks, lock, token(2_000, 'b'), 0);
    expect(await latestMarker(locks, lock)).toEqual({ kind: 'delete', token: token(2_000, 'b') });
    await placeMarker('write', locks, lock, token(3_000, 'c'), 0);
    expect(await latestMarker(locks, lock)).toEqual({ kind: 'write', token: token(3_000, 'c') });
    await placeMarker('delete', locks, lock, token(3_000, 'd'), 0);
    await placeMarker('write', locks, lock, token(3_000, 'e'), 0);
    expect(await latestMarker(locks, lock)).toEqual({ kind: 'delete', token: token(3_000, 'd') });
  });
});

describe('localstorage quota', () => {
  it('evicts expired and unreadable entries of its namespace first, then the oldest, never other keys; then rejects typed', async () => {
    const storage = new MemoryStorage(20_000);
    storage.setItem('other-app', 'o'.repeat(2_000));
    const other = makeRegion({ name: 'other' }).configure('localstorage', { arguments: { storage }, expirationTime: 60_000 });
    await other.set('x', 'x'.repeat(2_000));
    const region = makeRegion({ name: 'mine' }).configure('localstorage', { arguments: { storage }, expirationTime: 60_000 });
    const backend = region.actualBackend as LocalStorageBackend;
    const notices: string[] = [];
    region.subscribe((event) => {
      if (event.type === 'notice') notices.push(event.kind);
    });
    await backend.set('expired', value('e'.repeat(3_000), Date.now() - 120_000));
    storage.setItem(backend.storageKey('corrupt'), '{not json' + 'c'.repeat(2_000));
    await region.set('older', 'a'.repeat(3_000));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await region.set('newer', 'b'.repeat(3_000));

    await region.set('big', 'B'.repeat(6_000));
    expect((await backend.keys()).sort()).toEqual(['big', 'newer', 'older']);
    await region.set('big2', 'C'.repeat(4_000));
    expect((await backend.keys()).sort()).toEqual(['big', 'big2', 'newer']);
    expect(notices).toContain('quota-evicted');

    await expect(region.set('huge', 'H'.repeat(19_000))).rejects.toBeInstanceOf(QuotaExceededError);
    expect(storage.getItem('other-app')).toBe('o'.repeat(2_000));
    expect(await other.get('x')).toBe('x'.repeat(2_000));
    expect(await region.getOrCreate('huge2', () => 'made')).toBe('made');
  });

  it('recognises quota errors by name and legacy code', () => {
    expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(isQuotaError(new TypeError('x'))).toBe(false);
    expect(isQuotaError(undefined)).toBe(false);
  });
});

describe('shared invalidation over BroadcastChannel (Node has one)', () => {
  it('reaches the other strategy at once, persists, and is loaded by a later one', async () => {
    let saved: { hard: boolean; at: number } | undefined;
    const store = { load: async () => saved, save: async (record: { hard: boolean; at: number }) => void (saved = record) };
    const channel = `test-${Math.random()}`;
    const a = new SharedInvalidationStrategy({ channel, store });
    const b = new SharedInvalidationStrategy({ channel, store });
    await Promise.all([a.ready(), b.ready()]);
    const heard = new Promise((resolve) => b.subscribe(resolve));
    const before = Date.now() - 1;
    await a.invalidate(false);
    expect(await heard).toMatchObject({ hard: false, remote: true });
    expect(b.isSoftInvalidated(before)).toBe(true);
    expect(b.isHardInvalidated(before)).toBe(false);

    const later = new SharedInvalidationStrategy({ channel: `${channel}-later`, store });
    expect(later.isInvalidated(before)).toBe(false);
    await later.ready();
    expect(later.isSoftInvalidated(before)).toBe(true);
    expect(later.invalidatedAt()).toBe(a.invalidatedAt());
    for (const s of [a, b, later]) s.close();
  });

  it('keeps serving when the record cannot be saved, and reports it', async () => {
    const faults: string[] = [];
    const strategy = new SharedInvalidationStrategy({
      channel: `test-${Math.random()}`,
      store: { load: async () => undefined, save: async () => Promise.reject(new Error('disk full')) },
      onFault: (kind) => faults.push(kind),
    });
    await strategy.invalidate(true);
    expect(strategy.wasHardInvalidated()).toBe(true);
    expect(faults).toEqual(['invalidation-not-saved']);
    strategy.close();
  });

  it('localstorage: a garbage invalidation record is ignored, a valid one applies before the first read', async () => {
    const storage = new MemoryStorage();
    storage.setItem('dogpile-cache:r#invalidated', '{garbage');
    const region = makeRegion({ name: 'r' }).configure('localstorage', { arguments: { storage }, expirationTime: 60_000 });
    await region.set('k', 1);
    expect(await region.get('k')).toBe(1);
    expect(region.regionInvalidator.invalidatedAt?.()).toBeUndefined();

    storage.setItem('dogpile-cache:r#invalidated', JSON.stringify({ hard: true, at: Date.now() + 1 }));
    const later = makeRegion({ name: 'r' }).configure('localstorage', { arguments: { storage }, expirationTime: 60_000 });
    expect(await later.get('k')).toBe(NO_VALUE);
    (region.regionInvalidator as SharedInvalidationStrategy).close();
    (later.regionInvalidator as SharedInvalidationStrategy).close();
  });
});
