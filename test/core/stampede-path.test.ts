import { describe, expect, it } from 'vitest';
import { makeRegion } from 'dogpile-cache';

describe('a stampede in one process', () => {
  it('the first caller of a missing key starts its creator before getOrCreate returns', async () => {
    const region = makeRegion().configure('memory', { expirationTime: 60_000 });
    let started = false;
    const pending = region.getOrCreate('k', async () => {
      started = true;
      return 'v';
    });
    // No tick has passed: the other callers of a burst queue while it runs.
    expect(started).toBe(true);
    expect(await pending).toBe('v');
  });

  it('1,000 callers: one creator call, each later caller counted as a miss and a wait, all get the value', async () => {
    const region = makeRegion().configure('memory', { expirationTime: 60_000 });
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const creator = async () => {
      calls++;
      await gate;
      return { made: calls };
    };
    const all = Promise.all(Array.from({ length: 1000 }, () => region.getOrCreate('k', creator)));
    release();
    const values = await all;
    expect(calls).toBe(1);
    expect(new Set(values).size).toBe(1);
    expect(region.stats).toMatchObject({ misses: 1000, waits: 999, creations: 1, hits: 0 });
  });

  it('waiters whose creator failed retry: one of them creates', async () => {
    const region = makeRegion().configure('memory', { expirationTime: 60_000 });
    let calls = 0;
    const creator = async () => {
      calls++;
      await Promise.resolve();
      if (calls === 1) throw new Error('first fails');
      return 'second';
    };
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => region.getOrCreate('k', creator)));
    expect(results[0]).toMatchObject({ status: 'rejected' });
    expect(results.slice(1).map((result) => (result.status === 'fulfilled' ? result.value : 'rejected'))).toEqual(Array(9).fill('second'));
    expect(calls).toBe(2);
  });

  it('with a listener: each later caller reports its own wait', async () => {
    const region = makeRegion().configure('memory', { expirationTime: 60_000 });
    const waited: number[] = [];
    region.subscribe((event) => {
      if (event.type === 'waited') waited.push(event.durationMs);
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const all = Promise.all(Array.from({ length: 20 }, () => region.getOrCreate('k', async () => (await gate, 'v'))));
    release();
    expect(new Set(await all)).toEqual(new Set(['v']));
    expect(waited).toHaveLength(19);
    expect(region.stats).toMatchObject({ misses: 20, waits: 19 });
  });

  it('a creator that fails for every caller: each caller gets an error, none hangs', async () => {
    const region = makeRegion().configure('memory', { expirationTime: 60_000 });
    let calls = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        region.getOrCreate('k', async () => {
          calls++;
          await Promise.resolve();
          throw new Error(`failure ${calls}`);
        }),
      ),
    );
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(calls).toBe(5);
  });
});
