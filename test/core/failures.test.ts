// staleIfError and errorBackoff in one process: what a caller gets when a creator fails.
import { describe, expect, it } from 'vitest';
import { MemoryBackend, NO_VALUE, ValidationError, makeRegion, type StoredValue } from 'dogpile-cache';
import { deferred, testRegion } from './helpers.js';

const boom = () => {
  throw new Error('API answered 500');
};

describe('staleIfError', () => {
  it('serves the stale value when its creator fails within staleIfError of its expiry, and reports the error', async () => {
    const { region, clock, events } = testRegion({ staleIfError: 5_000 });
    await region.set('k', 'old');
    clock.advance(1_000 + 4_000); // expired 4 s ago
    await expect(region.getOrCreate('k', boom)).resolves.toBe('old');
    const error = events.find((event) => event.type === 'error');
    expect(error).toMatchObject({ type: 'error', key: 'k', operation: 'creator' });
    expect((error as { error: Error }).error.message).toBe('API answered 500');
    expect(events.filter((event) => event.type === 'stale' && event.key === 'k')).toHaveLength(1);
    expect(region.stats.staleServed).toBe(1);
    // The stale value stays stored: the next success replaces it.
    await expect(region.getOrCreate('k', () => 'new')).resolves.toBe('new');
  });

  it('lets the error through once the value expired staleIfError ago or more', async () => {
    const { region, clock } = testRegion({ staleIfError: 5_000 });
    await region.set('k', 'old');
    clock.advance(1_000 + 5_000);
    await expect(region.getOrCreate('k', boom)).rejects.toThrow('API answered 500');
  });

  it('is off by default: the caller gets the error, as in dogpile', async () => {
    const { region, clock } = testRegion();
    await region.set('k', 'old');
    clock.advance(1_001);
    await expect(region.getOrCreate('k', boom)).rejects.toThrow('API answered 500');
  });

  it('never applies without a value: a miss whose creator fails rejects', async () => {
    const { region } = testRegion({ staleIfError: 60_000 });
    await expect(region.getOrCreate('k', boom)).rejects.toThrow('API answered 500');
  });

  it('counts a soft-invalidated value as stale since the invalidation', async () => {
    const { region, clock } = testRegion({ staleIfError: 2_000 });
    await region.set('k', 'old');
    clock.advance(10);
    await region.invalidate(false);
    clock.advance(1_500);
    await expect(region.getOrCreate('k', boom)).resolves.toBe('old');
    clock.advance(1_000); // 2.5 s since the invalidation, and expired by time since 510 ms
    await expect(region.getOrCreate('k', boom)).rejects.toThrow('API answered 500');
  });

  it('takes a per-call value over the region option', async () => {
    const { region, clock } = testRegion({ staleIfError: 60_000 });
    await region.set('k', 'old');
    clock.advance(3_000);
    await expect(region.getOrCreate('k', boom, { staleIfError: 1_000 })).rejects.toThrow('API answered 500');
    await expect(region.getOrCreate('k', boom, { staleIfError: 10_000 })).resolves.toBe('old');
    const { region: plain, clock: plainClock } = testRegion();
    await plain.set('k', 'old');
    plainClock.advance(3_000);
    await expect(plain.getOrCreate('k', boom, { staleIfError: 10_000 })).resolves.toBe('old');
  });

  it('getOrCreateMulti serves the stale values when every key to create has one recent enough', async () => {
    const { region, clock } = testRegion({ staleIfError: 5_000 });
    await region.setMulti({ a: 'A', b: 'B' });
    clock.advance(2_000);
    const failing = (): string[] => {
      throw new Error('batch API down');
    };
    await expect(region.getOrCreateMulti(['b', 'a'], failing)).resolves.toEqual(['B', 'A']);
    // One key without a value: the error goes through.
    await expect(region.getOrCreateMulti(['a', 'c'], failing)).rejects.toThrow('batch API down');
  });

  it('rejects a staleIfError that is not a duration', () => {
    expect(() => makeRegion({ staleIfError: -1 })).toThrow(ValidationError);
    expect(() => makeRegion({ staleIfError: '5s' as unknown as number })).toThrow(TypeError);
    const { region } = testRegion();
    return expect(region.getOrCreate('k', () => 1, { staleIfError: Number.NaN })).rejects.toThrow(ValidationError);
  });
});

describe('errorBackoff', () => {
  it('answers every caller with the failure for errorBackoff ms, without running the creator again', async () => {
    const { region, clock } = testRegion({ errorBackoff: 1_000 });
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error(`API answered 500 (${calls})`);
    };
    const first = await region.getOrCreate('k', failing).catch((error: unknown) => error);
    expect(calls).toBe(1);
    // Within the back-off: the same error, at once, creator untouched.
    const again = await region.getOrCreate('k', failing).catch((error: unknown) => error);
    expect(again).toBe(first);
    expect(calls).toBe(1);
    clock.advance(1_001);
    await expect(region.getOrCreate('k', failing)).rejects.toThrow('(2)');
    expect(calls).toBe(2);
  });

  it('gives every waiter of a failing holder the holder failure, with one creator call', async () => {
    const { region } = testRegion({ errorBackoff: 1_000 });
    const release = deferred();
    let calls = 0;
    const failing = async () => {
      calls++;
      await release.promise;
      throw new Error('API down');
    };
    const callers = Array.from({ length: 20 }, () => region.getOrCreate('k', failing).then(() => 'value', (error: Error) => error.message));
    release.resolve();
    expect(await Promise.all(callers)).toEqual(Array.from({ length: 20 }, () => 'API down'));
    expect(calls).toBe(1);
  });

  it('without errorBackoff each waiter retries in turn, as in dogpile', async () => {
    const { region } = testRegion();
    const release = deferred();
    let calls = 0;
    const failing = async () => {
      calls++;
      await release.promise;
      throw new Error('API down');
    };
    const callers = Array.from({ length: 5 }, () => region.getOrCreate('k', failing).catch(() => undefined));
    release.resolve();
    await Promise.all(callers);
    expect(calls).toBe(5);
  });

  it('doubles the back-off for each consecutive failure, up to 16 times errorBackoff', async () => {
    const { region, clock } = testRegion({ errorBackoff: 100 });
    let calls = 0;
    const failing = () => {
      calls++;
      throw new Error('down');
    };
    const backoffs: number[] = [];
    for (let failure = 0; failure < 7; failure++) {
      await region.getOrCreate('k', failing).catch(() => undefined);
      const before = calls;
      let waited = 0;
      while (calls === before) {
        clock.advance(50);
        waited += 50;
        await region.getOrCreate('k', failing).catch(() => undefined);
      }
      backoffs.push(waited);
    }
    // 100, 200, 400, 800, 1600 ms, then capped at 16 x 100.
    expect(backoffs).toEqual([100, 200, 400, 800, 1600, 1600, 1600]);
  });

  it('forgets the failure after a success', async () => {
    const { region, clock, dict } = testRegion({ errorBackoff: 100 });
    await region.getOrCreate('k', boom).catch(() => undefined);
    expect([...dict.keys()].some((key) => key.startsWith('k\u0000'))).toBe(true);
    clock.advance(101);
    await expect(region.getOrCreate('k', () => 'ok')).resolves.toBe('ok');
    expect([...dict.keys()]).toEqual(['k']);
  });

  it('with staleIfError, callers get the stale value during the back-off, and an error event each', async () => {
    const { region, clock, events } = testRegion({ errorBackoff: 5_000, staleIfError: 60_000 });
    await region.set('k', 'old');
    clock.advance(2_000);
    let calls = 0;
    const failing = () => {
      calls++;
      throw new Error('down');
    };
    await expect(region.getOrCreate('k', failing)).resolves.toBe('old');
    await expect(region.getOrCreate('k', failing)).resolves.toBe('old');
    expect(calls).toBe(1);
    expect(events.filter((event) => event.type === 'error' && event.key === 'k')).toHaveLength(2);
  });

  it('is shared through the backend: another region (another tab or process) on the same storage gets the failure', async () => {
    const dict = new Map<string, StoredValue>();
    const make = () => makeRegion({ name: 'shared', errorBackoff: 10_000 }).configure(new MemoryBackend({ cacheDict: dict }));
    const [one, other] = [make(), make()];
    let calls = 0;
    const failing = () => {
      calls++;
      throw new TypeError('bad payload');
    };
    await expect(one.getOrCreate('k', failing)).rejects.toThrow('bad payload');
    const elsewhere = await other.getOrCreate('k', failing).catch((error: unknown) => error);
    expect(calls).toBe(1);
    expect(elsewhere).toBeInstanceOf(TypeError);
    expect((elsewhere as Error).message).toBe('bad payload');
    // The record is not a value: get() and the other region's reads see no value.
    expect(await other.get('k')).toBe(NO_VALUE);
  });

  it('getOrCreateMulti: a failure of the batch is on record for each of its keys', async () => {
    const { region } = testRegion({ errorBackoff: 1_000 });
    let calls = 0;
    const failing = (): string[] => {
      calls++;
      throw new Error('batch down');
    };
    await expect(region.getOrCreateMulti(['a', 'b'], failing)).rejects.toThrow('batch down');
    await expect(region.getOrCreate('b', () => 'B')).rejects.toThrow('batch down');
    await expect(region.getOrCreateMulti(['a'], failing)).rejects.toThrow('batch down');
    expect(calls).toBe(1);
  });

  it('rejects an errorBackoff that is not a duration', () => {
    expect(() => makeRegion({ errorBackoff: -5 })).toThrow(ValidationError);
    expect(() => makeRegion({ errorBackoff: null as unknown as number })).toThrow(TypeError);
  });
});
