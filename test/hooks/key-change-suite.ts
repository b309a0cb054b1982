// The key-change cases both useCachedValue hooks (Preact, React) must pass:
// a creator belongs to the key it was given for, so a change of key while a
// creation for the old key is pending never stores the new key's value under
// the old key (issue 17).
import { describe, expect, test, vi } from 'vitest';
import { makeRegion, NO_VALUE, ProxyBackend, type CacheRegion, type MaybePromise, type NoValue, type StoredValue } from '../../src/index.js';

/** What the suite needs of a mounted hook. */
export interface MountedHook {
  latest(): { key: string | undefined; status: string; value: unknown };
  rerender(props: { region: CacheRegion; cacheKey: string; creator: () => MaybePromise<string> }): Promise<void>;
  unmount(): Promise<void>;
}

/** A creator whose calls are counted and whose result the test releases. */
export interface Controlled {
  creator: () => Promise<string>;
  readonly calls: number;
  reject(error: unknown): void;
}

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

let n = 0;
const slowRegion = (): CacheRegion => makeRegion({ name: `key-change-${n++}` }).configure('memory', { expirationTime: 60_000, wrap: [SlowSecondRead] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function valueOf(region: CacheRegion, key: string): Promise<unknown> {
  const value = await region.get(key);
  return value === NO_VALUE ? 'NO_VALUE' : value;
}

/** Registers the key-change tests for one hook. */
export function keyChangeSuite(
  name: string,
  mount: (props: { region: CacheRegion; cacheKey: string; creator: () => MaybePromise<string> }) => Promise<MountedHook>,
  controlled: () => Controlled,
  flush: () => Promise<void>,
): void {
  describe(`${name} when the key changes while a creation is pending`, () => {
    test('one change: the old key keeps its own creator', async () => {
      const region = slowRegion();
      const made: string[] = [];
      const creatorFor = (key: string) => async () => {
        made.push(key);
        await sleep(5);
        return `value of ${key}`;
      };
      const view = await mount({ region, cacheKey: 'a', creator: creatorFor('a') });
      await sleep(2);
      await view.rerender({ region, cacheKey: 'b', creator: creatorFor('b') });
      await vi.waitFor(() => expect(view.latest()).toMatchObject({ key: 'b', status: 'fresh', value: 'value of b' }));
      await sleep(30);
      expect(await valueOf(region, 'b')).toBe('value of b');
      expect(['NO_VALUE', 'value of a']).toContain(await valueOf(region, 'a'));
      // Each creator ran for its own key only.
      expect(made.filter((k) => k === 'b')).toHaveLength(1);
      await view.unmount();
    });

    test('rapid changes k0..k9: every key holds its own value or nothing', async () => {
      const region = slowRegion();
      const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
      const creatorFor = (key: string) => async () => {
        await sleep(3);
        return `value of ${key}`;
      };
      const view = await mount({ region, cacheKey: keys[0]!, creator: creatorFor(keys[0]!) });
      for (const key of keys.slice(1)) {
        await sleep(1);
        await view.rerender({ region, cacheKey: key, creator: creatorFor(key) });
      }
      await vi.waitFor(() => expect(view.latest()).toMatchObject({ key: 'k9', status: 'fresh', value: 'value of k9' }));
      await sleep(30);
      for (const key of keys) expect([`value of ${key}`, 'NO_VALUE'], key).toContain(await valueOf(region, key));
      await view.unmount();
    });

    test('a waiter that switches key and then becomes the creator (the holder failed) runs the old key creator', async () => {
      const region = slowRegion();
      const holder = controlled();
      // Someone else holds the lock for "a".
      const holding = region.getOrCreate('a', holder.creator);
      holding.catch(() => {});
      await vi.waitFor(() => expect(holder.calls).toBe(1));
      const made: string[] = [];
      const creatorFor = (key: string) => () => {
        made.push(key);
        return `value of ${key}`;
      };
      const view = await mount({ region, cacheKey: 'a', creator: creatorFor('a') });
      await vi.waitFor(() => expect(region.stats.misses).toBeGreaterThanOrEqual(2));
      await flush();
      await view.rerender({ region, cacheKey: 'b', creator: creatorFor('b') });
      await vi.waitFor(() => expect(view.latest()).toMatchObject({ key: 'b', status: 'fresh', value: 'value of b' }));
      // The holder fails: the old entry's waiting getOrCreate('a') retries and creates.
      holder.reject(new Error('holder failed'));
      await expect(holding).rejects.toThrow('holder failed');
      await vi.waitFor(async () => expect(await region.get('a')).not.toBe(NO_VALUE));
      expect({ a: await valueOf(region, 'a'), b: await valueOf(region, 'b') }).toEqual({ a: 'value of a', b: 'value of b' });
      expect(made.filter((k) => k === 'b')).toHaveLength(1);
      await view.unmount();
    });
  });

  describe(`${name} when the region changes while a creation is pending`, () => {
    test('a waiter that switches region and then becomes the creator (the holder failed) runs its own region creator', async () => {
      const r1 = slowRegion();
      const r2 = slowRegion();
      const holder = controlled();
      // Another component holds the lock for "k" in r1.
      const holding = r1.getOrCreate('k', holder.creator);
      holding.catch(() => {});
      await vi.waitFor(() => expect(holder.calls).toBe(1));
      const made: string[] = [];
      const creatorFor = (tag: string) => () => {
        made.push(tag);
        return `value of ${tag}`;
      };
      const view = await mount({ region: r1, cacheKey: 'k', creator: creatorFor('r1') });
      await vi.waitFor(() => expect(r1.stats.misses).toBeGreaterThanOrEqual(2));
      await flush();
      // Same key, other region: the entry for r1 keeps waiting on r1's lock.
      await view.rerender({ region: r2, cacheKey: 'k', creator: creatorFor('r2') });
      await vi.waitFor(() => expect(view.latest()).toMatchObject({ key: 'k', status: 'fresh', value: 'value of r2' }));
      holder.reject(new Error('holder failed'));
      await expect(holding).rejects.toThrow('holder failed');
      await vi.waitFor(async () => expect(await r1.get('k')).not.toBe(NO_VALUE));
      expect({ r1: await valueOf(r1, 'k'), r2: await valueOf(r2, 'k') }).toEqual({ r1: 'value of r1', r2: 'value of r2' });
      expect(made.filter((tag) => tag === 'r2')).toHaveLength(1);
      await view.unmount();
    });
  });
}
