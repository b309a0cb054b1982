// When localStorage is full, the namespace's dead entries go first: expired,
// unreadable, and hard-invalidated ones (RegionBindings.isDead), all at
// once, before any live entry; a live entry goes only if that is not enough.
import { describe, expect, it } from 'vitest';
import { makeRegion, type RegionEvent } from 'dogpile-cache';
import { LocalStorageBackend } from 'dogpile-cache/browser';
import { MemoryStorage } from '../helpers/memory-storage.js';

describe('localstorage eviction order', () => {
  it('evicts every hard-invalidated entry before any entry written after the invalidation', async () => {
    const storage = new MemoryStorage(14_000);
    const region = makeRegion({ name: 'r' }).configure('localstorage', { arguments: { storage, autoPrune: false }, expirationTime: 3_600_000 });
    const backend = region.actualBackend as LocalStorageBackend;
    const evictions: string[] = [];
    region.subscribe((event: RegionEvent) => event.type === 'notice' && event.kind === 'quota-evicted' && evictions.push(event.message));
    for (const key of ['dead1', 'dead2', 'dead3']) await region.set(key, 'd'.repeat(2_000));
    await new Promise((resolve) => setTimeout(resolve, 2));
    await region.invalidate(true);
    await new Promise((resolve) => setTimeout(resolve, 2));
    for (const key of ['live1', 'live2']) await region.set(key, 'l'.repeat(2_000));
    // About 3,000 characters are free: this write needs one entry's room. Oldest-first would
    // take only dead1; dead-first takes the three hard-invalidated entries and no live one.
    await region.set('new', 'n'.repeat(3_500));
    expect((await backend.keys()).sort()).toEqual(['live1', 'live2', 'new']);
    expect(evictions).toHaveLength(1);
    expect(evictions[0]).toContain('evicted 3 entries');
  });
});

describe('a closed region on a shared backend', () => {
  it('no longer counts in which entries are dead: the remaining region\'s hard invalidation frees them', async () => {
    const storage = new MemoryStorage(14_000);
    const backend = new LocalStorageBackend({ storage, namespace: 'shared', autoPrune: false });
    const leaving = makeRegion({ name: 'leaving' }).configure(backend, { expirationTime: 3_600_000 });
    const region = makeRegion({ name: 'staying' }).configure(backend, { expirationTime: 3_600_000 });
    for (const key of ['dead1', 'dead2', 'dead3']) await region.set(key, 'd'.repeat(2_000));
    leaving.close();
    await new Promise((resolve) => setTimeout(resolve, 2));
    await region.invalidate(true);
    await new Promise((resolve) => setTimeout(resolve, 2));
    for (const key of ['live1', 'live2']) await region.set(key, 'l'.repeat(2_000));
    await region.set('new', 'n'.repeat(3_500));
    expect((await backend.keys()).sort()).toEqual(['live1', 'live2', 'new']);
  });
});
