import { describe, expect, it } from 'vitest';
import { MemoryBackend, makeRegion, type CacheMutex } from 'dogpile-cache';
import { deferred, flush, testRegion } from './helpers.js';

/** A memory backend whose per-key mutex counts acquisitions (a stand-in for a shared lock). */
class CountingLockBackend extends MemoryBackend {
  acquisitions = 0;
  #held = new Set<string>();
  #waiters = new Map<string, Array<() => void>>();
  override getMutex(key: string): CacheMutex {
    return {
      acquire: async (wait = true) => {
        if (this.#held.has(key)) {
          if (!wait) return false;
          await new Promise<void>((resolve) => this.#waiters.set(key, [...(this.#waiters.get(key) ?? []), resolve]));
        }
        this.#held.add(key);
        this.acquisitions++;
        return true;
      },
      release: () => {
        this.#held.delete(key);
        this.#waiters.get(key)?.shift()?.();
      },
      locked: async () => this.#held.has(key),
    };
  }
}

describe('waiters of one process share a pass through the lock', () => {
  it('1,000 callers of a missing key: one creator, one lock acquisition, a bounded number of reads', async () => {
    const { region, counter } = testRegion();
    const gate = deferred();
    let calls = 0;
    const creator = async () => {
      calls++;
      await gate.promise;
      return 'made';
    };
    const all = Promise.all(Array.from({ length: 1000 }, () => region.getOrCreate('k', creator)));
    await flush();
    gate.resolve();
    expect(new Set(await all)).toEqual(new Set(['made']));
    expect(calls).toBe(1);
    expect(region.stats).toMatchObject({ creations: 1, misses: 1000, waits: 999 });
    // One first read per caller, then one shared read for the 999 that waited
    // (they used to take the lock and read again one after another).
    expect(counter.calls.get).toBeLessThanOrEqual(1000 + 2);
  });

  it('takes a backend-provided lock once for all the callers of this process', async () => {
    const backend = new CountingLockBackend();
    const region = makeRegion().configure(backend);
    const gate = deferred();
    const all = Promise.all(Array.from({ length: 50 }, () => region.getOrCreate('k', async () => (await gate.promise, 'v'))));
    await flush();
    gate.resolve();
    await all;
    expect(backend.acquisitions).toBe(1);
  });

  it('a creator that fails: the waiting callers retry and one of them creates', async () => {
    const { region } = testRegion();
    const gate = deferred();
    let calls = 0;
    const first = region.getOrCreate('k', async () => {
      calls++;
      await gate.promise;
      throw new Error('boom');
    });
    const others = Array.from({ length: 10 }, () =>
      region.getOrCreate('k', () => {
        calls++;
        return 'second';
      }),
    );
    await flush();
    gate.resolve();
    await expect(first).rejects.toThrow('boom');
    expect(await Promise.all(others)).toEqual(Array(10).fill('second'));
    expect(calls).toBe(2);
  });

  it('a value the creator did not store: each waiting caller goes through the lock and creates, as dogpile does', async () => {
    const { region } = testRegion();
    const gate = deferred();
    let calls = 0;
    const creator = async () => {
      calls++;
      await gate.promise;
      return calls;
    };
    const all = Promise.all(Array.from({ length: 3 }, () => region.getOrCreate('k', creator, { shouldCacheFn: () => false })));
    await flush();
    gate.resolve();
    expect((await all).sort()).toEqual([1, 2, 3]);
    expect(calls).toBe(3);
  });
});
