import { describe, expect, it } from 'vitest';
import { DefaultInvalidationStrategy, NO_VALUE, RegionNotConfigured, ValidationError, makeRegion } from 'dogpile-cache';

describe('getOrCreate on the synchronous hit path', () => {
  it('bad input and an unconfigured region reject the returned promise; nothing throws synchronously', async () => {
    const region = makeRegion().configure('memory');
    let call: Promise<unknown> | undefined;
    expect(() => (call = region.getOrCreate('k', 5 as never))).not.toThrow();
    await expect(call).rejects.toBeInstanceOf(TypeError);
    expect(() => (call = region.getOrCreate('k', () => 1, { expirationTime: -5 }))).not.toThrow();
    await expect(call).rejects.toBeInstanceOf(ValidationError);
    expect(() => (call = region.getOrCreate(42 as never, () => 1))).not.toThrow();
    await expect(call).rejects.toBeInstanceOf(TypeError);
    expect(() => (call = makeRegion().getOrCreate('k', () => 1))).not.toThrow();
    await expect(call).rejects.toBeInstanceOf(RegionNotConfigured);
  });

  it('a hit returns a promise of the stored payload, counted and reported as a hit', async () => {
    const region = makeRegion().configure('memory', { expirationTime: 60_000 });
    const payload = { id: 1 };
    await region.set('k', payload);
    const events: string[] = [];
    region.subscribe((event) => events.push(event.type));
    const hit = region.getOrCreate('k', () => ({ id: 2 }));
    expect(hit).toBeInstanceOf(Promise);
    expect(await hit).toBe(payload);
    expect(region.stats.hits).toBe(1);
    expect(events).toEqual(['hit']);
  });

  it('hits skip the invalidation strategy only until the first invalidation, and never for one invalidated before configure', async () => {
    let time = 1_000;
    const now = () => time;
    const region = makeRegion({ now }).configure('memory', { expirationTime: 60_000 });
    await region.set('k', 'v');
    for (let i = 0; i < 5; i++) expect(await region.get('k')).toBe('v');
    time += 10;
    await region.invalidate();
    expect(await region.get('k')).toBe(NO_VALUE);
    expect(await region.getOrCreate('k', () => 'new')).toBe('new');

    const strategy = new DefaultInvalidationStrategy(now);
    const other = makeRegion({ now }).configure('memory', { expirationTime: 60_000, regionInvalidator: strategy });
    await other.set('k', 'old');
    time += 10;
    strategy.invalidate(true);
    const late = makeRegion({ now }).configure(other.backend, { expirationTime: 60_000, regionInvalidator: strategy });
    expect(await late.get('k')).toBe(NO_VALUE);
    expect(await other.get('k')).toBe(NO_VALUE);
  });
});
