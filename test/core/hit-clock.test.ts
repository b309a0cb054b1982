import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeRegion } from 'dogpile-cache';
import { hitNow } from '../../src/clock.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Dense hits (many in one millisecond), the pattern that makes the default clock reuse its reading. */
async function denseHits(read: () => Promise<unknown>, times = 50): Promise<void> {
  for (let i = 0; i < times; i++) await read();
}

describe('the reading reused by hits (hitNow)', () => {
  it('is reused while reads are dense, and read again once a timer has run', async () => {
    const first = hitNow();
    const second = hitNow();
    // Two reads within 1 ms: the second one arms the reuse.
    expect(hitNow()).toBe(second);
    expect(second).toBeGreaterThan(first);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(hitNow()).toBeGreaterThan(second);
  });

  it('with fake timers: a moved system time is seen by the next hit, and the region sets no timer', async () => {
    const region = makeRegion().configure('memory', { expirationTime: 1_000 });
    let calls = 0;
    const creator = () => ++calls;
    await region.getOrCreate('k', creator);
    // Dense hits just before the fakes are installed: a reading is reused by then.
    await denseHits(() => region.getOrCreate('k', creator));
    vi.useFakeTimers();
    vi.setSystemTime(Date.now() + 2_000);
    expect(await region.getOrCreate('k', creator)).toBe(2);
    await denseHits(() => region.getOrCreate('k', creator));
    expect(calls).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with a spied Date.now: a moved time is seen by the next hit', async () => {
    const region = makeRegion().configure('memory', { expirationTime: 1_000 });
    const creator = vi.fn(() => 'v');
    await region.getOrCreate('k', creator);
    await denseHits(() => region.get('k'));
    const later = Date.now() + 5_000;
    vi.spyOn(Date, 'now').mockImplementation(() => later);
    await denseHits(() => region.getOrCreate('k', creator), 1);
    expect(creator).toHaveBeenCalledTimes(2);
  });

  it('an injected clock is read at every hit', async () => {
    let time = 1_000;
    const now = vi.fn(() => time);
    const region = makeRegion({ now }).configure('memory', { expirationTime: 100 });
    await region.set('k', 'v');
    now.mockClear();
    await denseHits(() => region.get('k'), 10);
    expect(now).toHaveBeenCalledTimes(10);
    time += 101;
    expect(await region.getOrCreate('k', () => 'new')).toBe('new');
  });

  it('a value written after the reused reading is judged by the exact clock (expirationTime 0 regenerates)', async () => {
    const region = makeRegion().configure('memory', { expirationTime: 0 });
    await denseHits(() => region.get('other'));
    let calls = 0;
    for (let i = 0; i < 5; i++) await region.getOrCreate('k', () => ++calls);
    expect(calls).toBe(5);
  });
});
