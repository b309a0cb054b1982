/**
 * dogpile-cache/otel over a Redis region: the backend attribute names the
 * Redis backend, and what another process writes or invalidates is counted
 * with `dogpile_cache.remote: true`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { makeRegion, type CacheRegion, type RegionEvent } from 'dogpile-cache';
import { instrumentRegion } from 'dogpile-cache/otel';
import 'dogpile-cache/redis';
import { allAttributeValues, memoryMeter } from '../otel/helpers.js';
import { RegionProcess, uniquePrefix } from './helpers.js';

const started: RegionProcess[] = [];
const regions: CacheRegion[] = [];
afterAll(async () => {
  regions.forEach((region) => region.close());
  await Promise.all(started.map((child) => child.kill('SIGKILL')));
});

/** Resolves at the first event that `match` accepts. */
function event(region: CacheRegion, match: (event: RegionEvent) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const stop = region.subscribe((e) => {
      if (match(e)) {
        stop();
        resolve();
      }
    });
  });
}

describe('instrumentRegion over redis', () => {
  it('labels the backend RedisBackend and counts another process\'s writes and invalidations as remote', async () => {
    const prefix = uniquePrefix();
    const region = makeRegion({ name: 'shared' }).configure('redis', { expirationTime: 60_000, arguments: { url: inject('redisUrl'), prefix } });
    regions.push(region);
    const { meter, collect } = memoryMeter();
    const stop = instrumentRegion(region, { meter });
    const child = await RegionProcess.start({ prefix });
    started.push(child);

    expect(await region.getOrCreate('user:secret-1', () => 'local')).toBe('local');
    expect(await region.getOrCreate('user:secret-1', () => 'never')).toBe('local');
    const remoteSet = event(region, (e) => e.type === 'set' && e.remote);
    await child.request('set', { key: 'user:secret-2', value: 'theirs' });
    await remoteSet;
    const remoteInvalidation = event(region, (e) => e.type === 'invalidated' && e.remote);
    await child.request('invalidate', { hard: false });
    await remoteInvalidation;
    stop();

    const collected = await collect();
    const base = { 'dogpile_cache.region': 'shared', 'dogpile_cache.backend': 'RedisBackend' };
    expect(collected.points('dogpile_cache.misses')).toEqual([{ attributes: base, value: 1 }]);
    expect(collected.points('dogpile_cache.hits')).toEqual([{ attributes: base, value: 1 }]);
    expect(collected.points('dogpile_cache.creation.duration')).toMatchObject([{ attributes: { ...base, 'dogpile_cache.cached': true }, count: 1 }]);
    expect(collected.total('dogpile_cache.sets', { ...base, 'dogpile_cache.remote': false })).toBe(1);
    expect(collected.total('dogpile_cache.sets', { ...base, 'dogpile_cache.remote': true })).toBeGreaterThanOrEqual(1);
    expect(collected.total('dogpile_cache.invalidations', { ...base, 'dogpile_cache.remote': true, 'dogpile_cache.invalidation.hard': false })).toBe(1);
    expect(allAttributeValues(collected).filter((value) => value.includes('secret'))).toEqual([]);
  });
});
