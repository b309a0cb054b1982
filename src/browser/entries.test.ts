// The single-backend entries: each registers its backend and only it, and
// imports cleanly in Node (browser globals are read at first use).
import { describe, expect, it } from 'vitest';
import { makeRegion, PluginNotFound } from 'dogpile-cache';

describe('dogpile-cache/indexeddb and dogpile-cache/localstorage', () => {
  it('each registers its own backend alone', async () => {
    expect(() => makeRegion().configure('indexeddb')).toThrow(PluginNotFound);
    const { IndexedDBBackend } = await import('dogpile-cache/indexeddb');
    const idb = makeRegion({ name: 'entries-idb' }).configure('indexeddb', { arguments: { autoPrune: false } });
    expect(idb.actualBackend).toBeInstanceOf(IndexedDBBackend);
    expect(() => makeRegion().configure('localstorage')).toThrow(PluginNotFound);
    idb.close();

    const { LocalStorageBackend } = await import('dogpile-cache/localstorage');
    const storage = new Map<string, string>();
    const fake = {
      get length() { return storage.size; },
      key: (i: number) => [...storage.keys()][i] ?? null,
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
      clear: () => storage.clear(),
    };
    const ls = makeRegion({ name: 'entries-ls' }).configure('localstorage', { arguments: { storage: fake, autoPrune: false } });
    expect(ls.actualBackend).toBeInstanceOf(LocalStorageBackend);
    expect(await ls.getOrCreate('k', () => 1)).toBe(1);
    expect([...storage.keys()]).toEqual(['dogpile-cache:entries-ls|k']);
    ls.close();
  });
});
