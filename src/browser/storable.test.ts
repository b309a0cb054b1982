import { describe, expect, it } from 'vitest';
import { CachedValue, ValueNotStorableError, VALUE_VERSION, makeRegion, NO_VALUE } from 'dogpile-cache';
import { LocalStorageBackend } from './index.js';
import { decodeEntry, encodeEntry } from './local-storage/entry.js';
import { unstorableReason } from './storable.js';
import { describeValue, storableValues, unstorableValues } from '../../test/conformance/value-fidelity.js';

/** An in-memory `Storage`, as a second tab would see the same origin's. */
function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (key) => data.get(key) ?? null,
    key: (i) => [...data.keys()][i] ?? null,
    removeItem: (key) => void data.delete(key),
    setItem: (key, value) => void data.set(key, String(value)),
  };
}

describe('storable values', () => {
  it('accepts every value of the fidelity table, for both backends', () => {
    for (const [name, value] of Object.entries(storableValues())) {
      expect(unstorableReason(value, 'refuse'), name).toBeUndefined();
      expect(unstorableReason(value, 'clone'), name).toBeUndefined();
    }
  });

  it('refuses functions, symbols, class instances, subclasses and toJSON methods, saying where', () => {
    for (const [name, value] of Object.entries(unstorableValues())) {
      expect(unstorableReason(value, 'refuse'), name).toBeTypeOf('string');
      expect(unstorableReason(value, 'clone'), name).toBeTypeOf('string');
    }
    expect(unstorableReason({ list: [{ at: new (class Point {})() }] }, 'refuse')).toMatch(/^value\.list\[0\]\.at is an instance of class Point/);
    expect(unstorableReason(new Map([['f', () => 1]]), 'clone')).toMatch(/function/);
  });

  it('leaves platform objects outside the common set to structured clone (IndexedDB) or refuses them (localStorage)', () => {
    const url = new URL('https://example.com/');
    expect(unstorableReason(url, 'clone')).toBeUndefined();
    expect(unstorableReason(url, 'refuse')).toMatch(/URL/);
  });
});

describe('localstorage value fidelity (Node, one Storage read by a second backend)', () => {
  it('gives back every value of the table as it was', async () => {
    const storage = memoryStorage();
    const writer = makeRegion({ name: 'fidelity' }).configure(new LocalStorageBackend({ storage, syncTimeout: 0 }));
    const reader = makeRegion({ name: 'fidelity' }).configure(new LocalStorageBackend({ storage, syncTimeout: 0 }));
    const values = storableValues();
    for (const [name, value] of Object.entries(values)) await writer.set(name, value);
    for (const [name, value] of Object.entries(values)) {
      const back = await reader.get(name);
      expect(back, name).not.toBe(NO_VALUE);
      expect(describeValue(back), name).toEqual(describeValue(value));
    }
  });

  it('rejects values it cannot store with ValueNotStorableError naming the region and the key, and writes nothing', async () => {
    const storage = memoryStorage();
    const region = makeRegion({ name: 'refusing' }).configure(new LocalStorageBackend({ storage, syncTimeout: 0 }));
    for (const [name, value] of Object.entries(unstorableValues())) {
      const error = await region.set(`k ${name}`, value).then(() => undefined, (e: unknown) => e);
      expect(error, name).toBeInstanceOf(ValueNotStorableError);
      expect((error as Error).message, name).toContain('"refusing"');
      expect((error as Error).message, name).toContain(`"k ${name}"`);
    }
    await expect(region.setMulti({ good: 1, bad: () => 2 })).rejects.toBeInstanceOf(ValueNotStorableError);
    expect(storage.length).toBe(0);
  });

  it('getOrCreate still returns a value it cannot store, and reports the error', async () => {
    const region = makeRegion({ name: 'refusing' }).configure(new LocalStorageBackend({ storage: memoryStorage(), syncTimeout: 0 }));
    const errors: unknown[] = [];
    region.subscribe((event) => {
      if (event.type === 'error') errors.push(event.error);
    });
    const fn = () => 1;
    expect(await region.getOrCreate('f', () => fn)).toBe(fn);
    expect(errors.some((e) => e instanceof ValueNotStorableError)).toBe(true);
  });

  it('reads entries of the earlier format as misses', async () => {
    const storage = memoryStorage();
    const backend = new LocalStorageBackend({ storage, syncTimeout: 0 });
    const region = makeRegion({ name: 'old' }).configure(backend);
    storage.setItem(backend.storageKey('k'), JSON.stringify({ ct: Date.now(), v: VALUE_VERSION, p: 'old', w: 'x' }));
    expect(await region.get('k')).toBe(NO_VALUE);
    expect(await region.getOrCreate('k', () => 'new')).toBe('new');
    expect(decodeEntry(storage.getItem(backend.storageKey('k')))).toMatchObject({ kind: 'c' });
  });

  it('does not let toJSON replace a value', () => {
    const date = new Date(0);
    const text = encodeEntry(new CachedValue({ date }, { ct: 1, v: VALUE_VERSION }), 't');
    const back = (decodeEntry(text) as { value: CachedValue<{ date: Date }> }).value.payload.date;
    expect(back).toBeInstanceOf(Date);
    expect(back.getTime()).toBe(0);
  });
});
