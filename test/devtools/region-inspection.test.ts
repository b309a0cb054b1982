import { describe, expect, it } from 'vitest';
import { CachedValue, CantDeserializeException, NO_VALUE, makeRegion, sha1MangleKey, type RegionEvent } from 'dogpile-cache';

describe('region inspection by stored key', () => {
  it('peekStored reads an entry without counting a hit or a miss or emitting events', async () => {
    const region = makeRegion({ name: 'r', keyMangler: sha1MangleKey }).configure('memory', { expirationTime: 1000 });
    await region.set('k', { a: 1 });
    const events: RegionEvent[] = [];
    region.subscribe((event) => events.push(event));
    const before = region.stats;
    const stored = sha1MangleKey('k');
    const found = await region.peekStored(stored);
    expect(found.value).toBeInstanceOf(CachedValue);
    expect(found.value?.payload).toEqual({ a: 1 });
    expect(found.raw).toBe(found.value);
    const absent = await region.peekStored('not-there');
    expect(absent).toEqual({ raw: NO_VALUE, value: undefined });
    expect(region.stats).toEqual(before);
    expect(events).toEqual([]);
  });

  it('peekStored reports unreadable data as no value, with the raw data, without counting an error', async () => {
    const region = makeRegion({
      serializer: (value) => JSON.stringify({ p: value.payload, m: value.metadata }),
      deserializer: (data) => {
        if (data === 'garbage') throw new CantDeserializeException('garbage');
        if (data === 'boom') throw new Error('boom');
        const { p, m } = JSON.parse(String(data));
        return new CachedValue(p, m);
      },
    }).configure('memory');
    await region.set('ok', 5);
    await region.actualBackend.set('bad', 'garbage');
    await region.actualBackend.set('worse', 'boom');
    expect((await region.peekStored('ok')).value?.payload).toBe(5);
    expect(await region.peekStored('bad')).toEqual({ raw: 'garbage', value: undefined });
    expect(await region.peekStored('worse')).toEqual({ raw: 'boom', value: undefined });
    expect(region.stats.errors).toBe(0);
  });

  it('storedKeyIsLocked sees the creation lock of a mangled key while a creator runs', async () => {
    const region = makeRegion({ keyMangler: (key) => `m:${key}` }).configure('memory');
    let release!: () => void;
    const pending = region.getOrCreate('k', () => new Promise<string>((resolve) => (release = () => resolve('v'))));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await region.storedKeyIsLocked('m:k')).toBe(true);
    expect(await region.storedKeyIsLocked('k')).toBe(false);
    expect(await region.keyIsLocked('k')).toBe(true);
    release();
    await pending;
    expect(await region.storedKeyIsLocked('m:k')).toBe(false);
  });

  it('deleteStored removes by stored key, counts a delete and reports it', async () => {
    const region = makeRegion({ keyMangler: (key) => `m:${key}` }).configure('memory');
    await region.set('k', 1);
    const events: RegionEvent[] = [];
    region.subscribe((event) => events.push(event));
    await region.deleteStored('m:k');
    expect(await region.get('k')).toBe(NO_VALUE);
    expect(region.stats.deletes).toBe(1);
    expect(events.map((event) => [event.type, 'key' in event ? event.key : undefined])).toEqual([['delete', 'm:k'], ['miss', 'k']]);
  });
});
