// The region surface is declared once (src/worker/methods.ts): both clients and
// the host's session are made from it, and every wire conversion round-trips.
import { afterEach, describe, expect, it } from 'vitest';
import { CachedValue, NO_VALUE, makeRegion, type RegionEvent } from 'dogpile-cache';
import { InPageRegionClient, WorkerRegionClient, WorkerUnavailableError } from 'dogpile-cache/worker';
import { wrap } from 'comlink';
import { METHODS } from '../../src/worker/methods.js';
import type { HostApi } from '../../src/worker/protocol.js';
import { cachedValue, event, found, getOptions, peek } from '../../src/worker/wire.js';
import { Harness } from './helpers.js';

let h: Harness;
afterEach(() => h?.close());

const names = Object.keys(METHODS);

describe('the method table', () => {
  it('gives both clients every method, named as the region names it', () => {
    expect(names).toContain('storedKeys');
    expect(names).not.toContain('keys');
    for (const client of [WorkerRegionClient, InPageRegionClient]) {
      for (const name of names) {
        const method = (client.prototype as unknown as Record<string, unknown>)[name] as { name: string };
        expect(typeof method, `${client.name}.${name}`).toBe('function');
        expect(method.name).toBe(name);
      }
    }
  });

  it("serves every method on the host's side of a connection", async () => {
    h = new Harness();
    const region = h.region('served');
    await region.set('k', 1);
    const { port } = h.connectPort(h.host(region));
    const remote = wrap<HostApi>(port);
    // Each answers a WireResult (not a comlink "no such method" error).
    expect(await remote.get('k', {})).toEqual({ ok: true, value: { found: true, value: 1 } });
    expect(await remote.storedKeys()).toEqual({ ok: true, value: ['k'] });
    expect(await remote.getStats()).toMatchObject({ ok: true });
    expect(await remote.getOrCreate('x', { id: 1 }, {})).toMatchObject({ ok: false, error: { name: 'CreatorGoneError' } });
  });
});

describe('the in-page fallback, made from the same table', () => {
  it('runs the region in the page: function and named creators, shouldCacheFn, inspection', async () => {
    const region = makeRegion({ name: 'local' }).configure('memory');
    const client = new InPageRegionClient(region, { creators: { double: (key) => `${key}${key}` }, multiCreators: { upper: (...keys) => keys.map((k) => k.toUpperCase()) } });
    const made = { value: 1 };
    // Nothing is copied: the creator's own object is cached and returned.
    expect(await client.getOrCreate('a', () => made)).toBe(made);
    expect(await client.get('a')).toBe(made);
    expect(await client.getOrCreate('b', 'double')).toBe('bb');
    expect(await client.getOrCreateMulti(['c', 'd'], 'upper')).toEqual(['C', 'D']);
    expect(await client.getOrCreateMulti(['e'], 'double')).toEqual(['ee']);
    expect(await client.getOrCreate('f', () => 6, { shouldCacheFn: () => false })).toBe(6);
    expect(await client.get('f')).toBe(NO_VALUE);
    await expect(client.getOrCreate('g', 'nobody')).rejects.toThrow(/No creator named "nobody"/);
    const failure = new Error('boom');
    await expect(client.getOrCreate('h', () => Promise.reject(failure))).rejects.toBe(failure);
    expect((await client.storedKeys())?.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect((await client.peekStored('b')).value?.payload).toBe('bb');
    expect(await client.getStats()).toEqual(region.stats);
    await client.invalidate();
    expect(await client.invalidation()).toMatchObject({ hard: true, soft: false });
    client.close();
    await expect(client.get('a')).rejects.toBeInstanceOf(WorkerUnavailableError);
  });
});

describe('wire conversions', () => {
  it('round-trip: found values, cached values, peeked entries, events with errors, read options', () => {
    expect(found.from(found.to(NO_VALUE))).toBe(NO_VALUE);
    expect(found.from(found.to(0))).toBe(0);
    const value = new CachedValue({ a: 1 }, { ct: 5, v: 1 });
    const back = cachedValue.from(structuredClone(cachedValue.to(value)));
    expect(back).toBeInstanceOf(CachedValue);
    expect(back).toEqual(value);
    expect(cachedValue.from(cachedValue.to(undefined))).toBeUndefined();
    expect(peek.from(structuredClone(peek.to({ raw: NO_VALUE, value: undefined })))).toEqual({ raw: NO_VALUE, value: undefined });
    expect(peek.from(structuredClone(peek.to({ raw: 'data', value })))).toEqual({ raw: 'data', value });
    expect(peek.from(structuredClone(peek.to({ raw: value, value }))).raw).toBeInstanceOf(CachedValue);
    const error = new TypeError('bad');
    const wired = event.from(structuredClone(event.to({ type: 'error', region: 'r', time: 1, key: 'k', error } as unknown as RegionEvent)));
    expect((wired as { error: unknown }).error).toBeInstanceOf(TypeError);
    expect(getOptions.from(getOptions.to({ expirationTime: 5, ignoreExpiration: 1 as unknown as boolean }))).toEqual({ expirationTime: 5, ignoreExpiration: true });
    expect(getOptions.from({ expirationTime: 1, extra: 2 } as never)).toEqual({ expirationTime: 1 });
    expect(() => getOptions.to(null as never)).toThrow(TypeError);
  });
});
