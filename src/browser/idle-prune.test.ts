import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError, makeRegion, type RegionEvent } from 'dogpile-cache';
import { LocalStorageBackend } from 'dogpile-cache/browser';
import { MemoryStorage } from '../../test/helpers/memory-storage.js';
import { parseAutoPrune } from './idle-prune.js';

describe('pruning by itself (autoPrune)', () => {
  afterEach(() => vi.useRealTimers());

  const entries = (storage: MemoryStorage) => Object.keys(Object.fromEntries(Array.from({ length: storage.length }, (_, i) => [storage.key(i)!, 1]))).filter((k) => k.startsWith('p:r|'));

  it("removes another version's entries and long-expired values after its delay, in batches, without a call to prune()", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const storage = new MemoryStorage();
    const old = makeRegion({ name: 'r', version: 1 }).configure(new LocalStorageBackend({ storage, prefix: 'p:', autoPrune: false }), { expirationTime: 1_000 });
    await old.setMulti({ a: 1, b: 2, c: 3 });
    old.close();
    const region = makeRegion({ name: 'r', version: 2 }).configure(new LocalStorageBackend({ storage, prefix: 'p:', autoPrune: { delay: 5_000, interval: 60_000, expiredFor: 10_000, batchSize: 2 } }), { expirationTime: 1_000 });
    await region.set('kept-expired', 'x');
    const deletes: string[] = [];
    region.subscribe((event: RegionEvent) => event.type === 'delete' && deletes.push(event.key));
    expect(entries(storage)).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(entries(storage)).toHaveLength(4); // not before its delay
    await vi.advanceTimersByTimeAsync(1_100);
    expect(entries(storage)).toEqual(['p:r|kept-expired']);
    expect(deletes.sort()).toEqual(['a', 'b', 'c']);
    // Expired only 5 s ago: kept (served stale); once expired 10 s, the next pass removes it.
    await vi.advanceTimersByTimeAsync(60_100);
    expect(entries(storage)).toEqual([]);
    region.close();
  });

  it('stops when the region closes, and reports a failed pass as a notice instead of throwing', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const storage = new MemoryStorage();
    const backend = new LocalStorageBackend({ storage, prefix: 'p:', autoPrune: { delay: 1_000, interval: 1_000 } });
    const region = makeRegion({ name: 'r' }).configure(backend, { expirationTime: 1_000 });
    const notices: string[] = [];
    region.subscribe((event: RegionEvent) => event.type === 'notice' && notices.push(event.kind));
    await region.set('k', 1);
    const keys = backend.keys.bind(backend);
    backend.keys = () => Promise.reject(new Error('storage went away'));
    await vi.advanceTimersByTimeAsync(1_100);
    expect(notices).toEqual(['prune-failed']);
    backend.keys = keys;
    const listed = vi.spyOn(backend, 'keys');
    region.close();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(listed).not.toHaveBeenCalled();
  });

  it('is on by default with bounded settings; false turns it off; wrong settings are typed errors', () => {
    expect(parseAutoPrune(undefined)).toEqual({ delay: 30_000, interval: 600_000, expiredFor: 86_400_000, batchSize: 100 });
    expect(parseAutoPrune(false)).toBeUndefined();
    expect(parseAutoPrune({ expiredFor: -1 })?.expiredFor).toBeUndefined();
    expect(() => parseAutoPrune('yes')).toThrow(TypeError);
    expect(() => parseAutoPrune({ delay: '1' })).toThrow(TypeError);
    expect(() => parseAutoPrune({ interval: -2 })).toThrow(ValidationError);
    expect(() => parseAutoPrune({ batchSize: 0 })).toThrow(ValidationError);
    expect(() => new LocalStorageBackend({ storage: new MemoryStorage(), autoPrune: { delay: NaN } })).toThrow(ValidationError);
  });
});
