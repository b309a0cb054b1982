import { afterEach, describe, expect, it } from 'vitest';
import { CachedValue, NO_VALUE, RegionNotConfigured, ValidationError, makeRegion, type RegionEvent } from 'dogpile-cache';
import { UnknownCreatorError, exposeRegion, wrapRegion } from 'dogpile-cache/worker';
import { Harness, deferred, until } from './helpers.js';

let h: Harness;
afterEach(() => h?.close());

describe('region API over a MessageChannel', () => {
  it('reads and writes through the worker, NO_VALUE and CachedValue included', async () => {
    h = new Harness();
    const region = h.region('api', 60_000);
    const { client } = h.connect(h.host(region));
    await client.ready;
    expect(client.name).toBe('api');
    expect(client.expirationTime).toBe(60_000);
    expect(client.backendName).toBe('MemoryBackend');

    expect(await client.get('a')).toBe(NO_VALUE);
    await client.set('a', { n: 1, list: [1, 2], when: new Date(5) });
    expect(await client.get('a')).toEqual({ n: 1, list: [1, 2], when: new Date(5) });
    expect(await region.get('a')).toEqual({ n: 1, list: [1, 2], when: new Date(5) });

    await client.setMulti({ b: 2, c: 3 });
    await client.setMulti(new Map([['d', 4]]));
    expect(await client.getMulti(['a', 'b', 'x', 'd'])).toEqual([{ n: 1, list: [1, 2], when: new Date(5) }, 2, NO_VALUE, 4]);

    const meta = await client.getValueMetadata('b');
    expect(meta).toBeInstanceOf(CachedValue);
    expect(meta?.payload).toBe(2);
    expect(typeof meta?.metadata.ct).toBe('number');
    expect(await client.getValueMetadata('nope')).toBeUndefined();

    await client.delete('a');
    await client.deleteMulti(['b', 'c']);
    expect(await client.getMulti(['a', 'b', 'c', 'd'])).toEqual([NO_VALUE, NO_VALUE, NO_VALUE, 4]);
    expect(await client.getStats()).toEqual(region.stats);
    expect(client.stats).toEqual(region.stats);
  });

  it('invalidates in the worker: hard makes values absent, soft makes them stale', async () => {
    h = new Harness();
    const region = h.region('inv', 60_000);
    const { client } = h.connect(h.host(region));
    await client.set('k', 1);
    await client.invalidate();
    expect(await client.get('k')).toBe(NO_VALUE);
    expect(client.invalidationState).toMatchObject({ hard: true, soft: false });
    expect(typeof client.invalidationState.at).toBe('number');
    await client.set('k', 2);
    await client.invalidate(false);
    expect(await client.invalidation()).toMatchObject({ hard: false, soft: true });
    expect(await client.get('k', { ignoreExpiration: true })).toBe(2);
    // Soft: one caller regenerates, the value it returns is the new one.
    expect(await client.getOrCreate('k', () => 3)).toBe(3);
  });

  it('revives the worker errors with their classes', async () => {
    h = new Harness();
    const { client } = h.connect(h.host(makeRegion({ name: 'unconfigured' })));
    await client.ready;
    const failure = await client.get('k').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RegionNotConfigured);
    expect((failure as Error).message).toMatch(/not configured/);

    h.close();
    h = new Harness();
    const { client: other } = h.connect(h.host(h.region()));
    await expect(other.get('k', { expirationTime: -5 })).rejects.toBeInstanceOf(ValidationError);
    await expect(other.getOrCreate('k', 'nobody')).rejects.toBeInstanceOf(UnknownCreatorError);
    await expect(other.getOrCreate('k', 'nobody')).rejects.toThrow(/no creator named "nobody"/);
  });

  it('keyIsLocked is true while a page creator runs in the worker region', async () => {
    h = new Harness();
    const host = h.host(h.region());
    const { client: a } = h.connect(host);
    const { client: b } = h.connect(host);
    const gate = deferred<string>();
    const pending = a.getOrCreate('k', () => gate.promise);
    await until(() => b.keyIsLocked('k'), 'the lock');
    expect(await a.keyIsLocked('other')).toBe(false);
    gate.resolve('v');
    expect(await pending).toBe('v');
    expect(await b.keyIsLocked('k')).toBe(false);
  });

  it('exposes inspection by stored key: keys, peekStored, storedKeyIsLocked, deleteStored', async () => {
    h = new Harness();
    const region = makeRegion({ name: 'm', keyMangler: (key) => `m:${key}` }).configure('memory');
    const { client } = h.connect(h.host(region));
    await client.set('a', { x: 1 });
    expect(await client.storedKeys()).toEqual(['m:a']);
    const peek = await client.peekStored('m:a');
    expect(peek.raw).toBeInstanceOf(CachedValue);
    expect(peek.value?.payload).toEqual({ x: 1 });
    expect(await client.peekStored('m:zz')).toEqual({ raw: NO_VALUE, value: undefined });
    expect(await client.storedKeyIsLocked('m:a')).toBe(false);
    await client.deleteStored('m:a');
    expect(await client.storedKeys()).toEqual([]);
  });

  it('exposeRegion serves a port given directly, and rejects what is not a region', async () => {
    h = new Harness();
    const { port1, port2 } = new MessageChannel();
    h.ports.push(port1, port2);
    const host = exposeRegion(h.region('direct'), port1);
    h.hosts.push(host);
    const client = wrapRegion(port2);
    h.clients.push(client);
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
    expect(host.connections).toBe(1);
    expect(client.mode).toBe('endpoint');
    expect(() => exposeRegion({} as never, port1)).toThrow(TypeError);
  });
});

describe('one creator for every connected page', () => {
  it('2 pages x 20 concurrent getOrCreate: exactly one creator call, everyone gets its value', async () => {
    h = new Harness();
    const region = h.region('stampede');
    const host = h.host(region);
    const pages = [h.connect(host).client, h.connect(host).client];
    const gate = deferred();
    const calls = [0, 0];
    const all = pages.flatMap((client, page) =>
      Array.from({ length: 20 }, () =>
        client.getOrCreate('k', async () => {
          calls[page]!++;
          await gate.promise;
          return `made by ${page}`;
        }),
      ),
    );
    await until(() => region.stats.misses === 40, 'every caller to reach the lock');
    gate.resolve();
    const values = await Promise.all(all);
    expect(calls[0]! + calls[1]!).toBe(1);
    expect(new Set(values).size).toBe(1);
    expect(region.stats.creations).toBe(1);
    expect(region.stats.waits).toBe(39);
  });

  it('runs named creators in the worker, single and multi', async () => {
    h = new Harness();
    const seen: string[][] = [];
    const host = h.host(h.region('named'), {
      creators: { square: (key) => Number(key) ** 2 },
      multiCreators: {
        double: (...keys) => {
          seen.push(keys);
          return keys.map((key) => Number(key) * 2);
        },
      },
    });
    const { client } = h.connect(host);
    await client.ready;
    expect(client.workerCreators).toEqual({ single: ['square'], multi: ['double'] });
    expect(await client.getOrCreate('3', 'square')).toBe(9);
    expect(await client.getOrCreateMulti(['5', '4', '5'], 'double')).toEqual([10, 8, 10]);
    expect(seen).toEqual([['4', '5']]);
    // A single-key creator also serves getOrCreateMulti, once per missing key.
    expect(await client.getOrCreateMulti(['3', '7'], 'square')).toEqual([9, 49]);
  });

  it('getOrCreateMulti with a page creator gets the missing keys, sorted, once each', async () => {
    h = new Harness();
    const { client } = h.connect(h.host(h.region()));
    await client.set('b', 'old-b');
    const asked: string[][] = [];
    const values = await client.getOrCreateMulti(['c', 'b', 'a', 'c'], (...keys) => {
      asked.push(keys);
      return keys.map((key) => key.toUpperCase());
    });
    expect(values).toEqual(['C', 'old-b', 'A', 'C']);
    expect(asked).toEqual([['a', 'c']]);
  });

  it('calls the page shouldCacheFn: a value it refuses is returned but not stored', async () => {
    h = new Harness();
    const region = h.region();
    const { client } = h.connect(h.host(region, { creators: { named: () => 'from worker' } }));
    const checked: unknown[] = [];
    const shouldCacheFn = (value: string) => {
      checked.push(value);
      return value !== 'skip';
    };
    expect(await client.getOrCreate('a', () => 'skip', { shouldCacheFn })).toBe('skip');
    expect(await client.getOrCreate('b', () => 'keep', { shouldCacheFn })).toBe('keep');
    expect(await client.getOrCreate('c', 'named', { shouldCacheFn })).toBe('from worker');
    expect(checked).toEqual(['skip', 'keep', 'from worker']);
    expect(await region.get('a')).toBe(NO_VALUE);
    expect(await region.get('b')).toBe('keep');
    expect(await region.get('c')).toBe('from worker');
  });
});

describe('creator errors', () => {
  it('reach their own caller as thrown; callers waiting in other pages retry with their creator', async () => {
    h = new Harness();
    const region = h.region();
    const host = h.host(region);
    const { client: a } = h.connect(host);
    const { client: b } = h.connect(host);
    class LoadError extends Error {}
    const gate = deferred();
    const thrown = new LoadError('backend down');
    const failing = a.getOrCreate('k', async () => {
      await gate.promise;
      throw thrown;
    });
    await until(() => region.keyIsLocked('k'), 'a to hold the lock');
    let bCalls = 0;
    const waiting = b.getOrCreate('k', () => {
      bCalls++;
      return 'from b';
    });
    await until(() => region.stats.misses === 2, 'b to wait');
    gate.resolve();
    const error = await failing.catch((caught: unknown) => caught);
    expect(error).toBe(thrown);
    expect(await waiting).toBe('from b');
    expect(bCalls).toBe(1);
  });

  it('a worker-side creator error reaches the page with its message and class name', async () => {
    h = new Harness();
    const { client } = h.connect(
      h.host(h.region(), {
        creators: {
          broken: () => {
            throw new RangeError('no such user: 7');
          },
        },
      }),
    );
    const error = await client.getOrCreate('7', 'broken').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe('no such user: 7');
  });

  it('non-Error throws travel as they are', async () => {
    h = new Harness();
    const { client } = h.connect(h.host(h.region(), { creators: { odd: () => Promise.reject({ code: 42 }) } }));
    await expect(client.getOrCreate('k', 'odd')).rejects.toEqual({ code: 42 });
  });
});

describe('events', () => {
  it('forwards region events only while someone subscribes, in batches with the counters', async () => {
    h = new Harness();
    const region = h.region('ev');
    const host = h.host(region);
    const { client } = h.connect(host);
    const { client: other } = h.connect(host);
    await client.ready;
    const events: RegionEvent[] = [];
    const unsubscribe = client.subscribe((event) => events.push(event));
    await until(() => host.eventWatchers === 1, 'forwarding to start');
    await other.getOrCreate('k', () => 'v');
    await other.get('k');
    await until(() => events.some((event) => event.type === 'hit'), 'the hit event');
    expect(events.map((event) => event.type)).toEqual(['miss', 'lockAcquired', 'created', 'set', 'lockReleased', 'hit']);
    expect(events.every((event) => event.region === 'ev')).toBe(true);
    expect(client.stats).toMatchObject({ misses: 1, hits: 1, creations: 1 });

    unsubscribe();
    await until(() => host.eventWatchers === 0, 'forwarding to stop');
    const before = events.length;
    await other.get('k');
    await other.set('x', 1);
    // A round trip through the same connection: any batch would have been delivered first.
    await client.getStats();
    expect(events.length).toBe(before);
  });

  it('revives error events as errors', async () => {
    h = new Harness();
    const { client } = h.connect(h.host(h.region()));
    const errors: unknown[] = [];
    client.subscribe((event) => {
      if (event.type === 'error') errors.push(event.error);
    });
    await client.ready;
    await client.getOrCreate('k', () => {
      throw new TypeError('bad input');
    }).catch(() => {});
    await until(() => errors.length === 1, 'the error event');
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect((errors[0] as Error).message).toBe('bad input');
  });
});
