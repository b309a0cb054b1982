// @vitest-environment happy-dom
// A creator belongs to the key it was given for: changing a component's key
// while a creation for the old key is pending must never store the new key's
// value under the old key (issue 17).
import { describe, expect, test, vi } from 'vitest';
import { makeRegion, NO_VALUE, ProxyBackend, type CacheRegion, type NoValue, type StoredValue } from '../../src/index.js';
import { controlledCreator, flush, mountHook } from './helpers.js';

/**
 * The hook's first look at a key is quick, getOrCreate's read takes a few ms
 * (as a real backend's does): the key changes while getOrCreate runs, before
 * it asks for the creator.
 */
class SlowSecondRead extends ProxyBackend {
  readonly #seen = new Set<string>();
  override async get(key: string): Promise<StoredValue | NoValue> {
    if (this.#seen.has(key)) await new Promise((resolve) => setTimeout(resolve, 6));
    this.#seen.add(key);
    return this.proxied.get(key);
  }
}

function memoryRegion(): CacheRegion {
  return makeRegion({ name: 'key-change' }).configure('memory', { expirationTime: 60_000, wrap: [SlowSecondRead] });
}

/** What each key holds now: its own creator's value, or nothing. */
async function stored(region: CacheRegion, keys: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = await region.get(key);
    out[key] = value === NO_VALUE ? 'NO_VALUE' : value;
  }
  return out;
}

describe('useCachedValue (Preact) when the key changes while a creation is pending', () => {
  test('one change: the old key keeps its own creator', async () => {
    const region = memoryRegion();
    const made: string[] = [];
    const creatorFor = (key: string) => async () => {
      made.push(key);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return `value of ${key}`;
    };
    const view = await mountHook({ region, cacheKey: 'a', creator: creatorFor('a') });
    await new Promise((resolve) => setTimeout(resolve, 2));
    await view.rerender({ region, cacheKey: 'b', creator: creatorFor('b') });
    await vi.waitFor(() => expect(view.latest()).toMatchObject({ key: 'b', status: 'fresh', value: 'value of b' }));
    await flush();
    const held = await stored(region, ['a', 'b']);
    expect(held.b).toBe('value of b');
    expect(['NO_VALUE', 'value of a']).toContain(held.a);
    // Each creator ran for its own key only.
    expect(made.filter((k) => k === 'b')).toHaveLength(1);
    await view.unmount();
  });

  test('rapid changes k0..k9: every key holds its own value or nothing', async () => {
    const region = memoryRegion();
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    const creatorFor = (key: string) => async () => {
      await new Promise((resolve) => setTimeout(resolve, 3));
      return `value of ${key}`;
    };
    const view = await mountHook({ region, cacheKey: keys[0], creator: creatorFor(keys[0]!) });
    for (const key of keys.slice(1)) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await view.rerender({ region, cacheKey: key, creator: creatorFor(key) });
    }
    await vi.waitFor(() => expect(view.latest()).toMatchObject({ key: 'k9', status: 'fresh', value: 'value of k9' }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const held = await stored(region, keys);
    for (const key of keys) expect([`value of ${key}`, 'NO_VALUE'], key).toContain(held[key]);
    await view.unmount();
  });

  test('a waiter that switches key and then becomes the creator (the holder failed) runs the old key creator', async () => {
    const region = memoryRegion();
    const holder = controlledCreator<string>();
    // Someone else holds the lock for "a".
    const holding = region.getOrCreate('a', holder.creator);
    holding.catch(() => {});
    await vi.waitFor(() => expect(holder.calls).toBe(1));
    const made: string[] = [];
    const creatorFor = (key: string) => () => {
      made.push(key);
      return `value of ${key}`;
    };
    const view = await mountHook({ region, cacheKey: 'a', creator: creatorFor('a') });
    await vi.waitFor(() => expect(region.stats.waits + region.stats.misses).toBeGreaterThanOrEqual(2));
    await flush();
    await view.rerender({ region, cacheKey: 'b', creator: creatorFor('b') });
    await vi.waitFor(() => expect(view.latest()).toMatchObject({ key: 'b', status: 'fresh', value: 'value of b' }));
    // The holder fails: the old entry's waiting getOrCreate('a') retries and creates.
    holder.reject(new Error('holder failed'));
    await expect(holding).rejects.toThrow('holder failed');
    await vi.waitFor(async () => expect(await region.get('a')).not.toBe(NO_VALUE));
    const held = await stored(region, ['a', 'b']);
    expect(held).toEqual({ a: 'value of a', b: 'value of b' });
    expect(made.filter((k) => k === 'b')).toHaveLength(1);
    await view.unmount();
  });
});
