import { describe, expect, it } from 'vitest';

// The test backend registered below, known to TypeScript as a user's would be.
declare module '../../src/registry.js' {
  interface BackendRegistry {
    'test-config-backend': Record<string, unknown>;
  }
}
import {
  CachedValue,
  CantDeserializeException,
  DefaultInvalidationStrategy,
  DogpileCacheException,
  MemoryBackend,
  NO_VALUE,
  PluginNotFound,
  ProxyBackend,
  RegionAlreadyConfigured,
  RegionNotConfigured,
  VALUE_VERSION,
  ValidationError,
  makeRegion,
  registerBackend,
  sha1MangleKey,
  type CacheBackend,
  type StoredValue,
} from 'dogpile-cache';
import { CountingProxy, FailingWriteBackend, deferred, flush, testRegion } from './helpers.js';
import { ORIGIN_ID } from '../../src/origin.js';

describe('configure', () => {
  it('configures by name and returns the region', () => {
    const region = makeRegion({ name: 'r' });
    expect(region.isConfigured).toBe(false);
    expect(region.configure('memory', { expirationTime: 500 })).toBe(region);
    expect(region.isConfigured).toBe(true);
    expect(region.backend).toBeInstanceOf(MemoryBackend);
    expect(region.expirationTime).toBe(500);
    expect(region.name).toBe('r');
  });

  it('passes arguments to the backend factory', async () => {
    const cacheDict = new Map<string, StoredValue>();
    const region = makeRegion().configure('memory', { arguments: { cacheDict } });
    await region.set('k', 1);
    expect(cacheDict.has('k')).toBe(true);
  });

  it('throws PluginNotFound for an unknown backend name', () => {
    expect(() => makeRegion().configure('redis')).toThrow(PluginNotFound);
    expect(() => makeRegion().configure('redis')).toThrow(/redis/);
  });

  it('throws RegionAlreadyConfigured on a second configure, unless replaceExistingBackend', () => {
    const region = makeRegion().configure('memory');
    expect(() => region.configure('memory')).toThrow(RegionAlreadyConfigured);
    const replacement = new MemoryBackend();
    region.configure(replacement, { replaceExistingBackend: true });
    expect(region.backend).toBe(replacement);
  });

  it('throws RegionNotConfigured when used before configure', async () => {
    const region = makeRegion({ name: 'early' });
    await expect(region.get('k')).rejects.toThrow(RegionNotConfigured);
    await expect(region.getOrCreate('k', () => 1)).rejects.toThrow(RegionNotConfigured);
    await expect(region.set('k', 1)).rejects.toThrow(RegionNotConfigured);
    expect(() => region.backend).toThrow(RegionNotConfigured);
  });

  it.each([-5, Number.NaN, -Infinity, '10' as unknown as number, null as unknown as number])(
    'rejects expirationTime %s with ValidationError',
    async (bad) => {
      expect(() => makeRegion().configure('memory', { expirationTime: bad })).toThrow(ValidationError);
      const region = makeRegion().configure('memory');
      await expect(region.getOrCreate('k', () => 1, { expirationTime: bad })).rejects.toThrow(ValidationError);
      await expect(region.get('k', { expirationTime: bad })).rejects.toThrow(ValidationError);
    },
  );

  it('rejects a non-function creator and a non-string key without a mangler with a TypeError', async () => {
    const region = makeRegion().configure('memory');
    await expect(region.getOrCreate('k', 'nope' as never)).rejects.toThrow(/creator function/);
    await expect(region.get(42 as never)).rejects.toThrow(TypeError);
    await expect(region.get(42 as never)).rejects.toThrow(/keys must be strings/);
    const mangled = makeRegion({ keyMangler: (key) => `k:${String(key)}` }).configure('memory');
    await mangled.set(42 as never, 'ok');
    expect(await mangled.get(42 as never)).toBe('ok');
  });

  it('wraps proxies, first one outermost; actualBackend skips them', async () => {
    const order: string[] = [];
    class Tag extends ProxyBackend {
      constructor(readonly tag: string) {
        super();
      }
      override set(key: string, value: StoredValue) {
        order.push(this.tag);
        return super.set(key, value);
      }
    }
    class Plain extends ProxyBackend {}
    const inner = new MemoryBackend();
    const region = makeRegion().configure(inner, { wrap: [new Tag('outer'), Plain, new Tag('inner')] });
    await region.set('k', 1);
    expect(order).toEqual(['outer', 'inner']);
    expect(region.actualBackend).toBe(inner);
    expect(region.backend).toBeInstanceOf(Tag);
    expect((region.backend as ProxyBackend).proxied).toBeInstanceOf(Plain);
    expect(() => makeRegion().configure('memory', { wrap: [{} as never] })).toThrow(TypeError);
  });

  it('configureFromConfig reads backend, expiration and coerced arguments', async () => {
    let received: Record<string, unknown> = {};
    registerBackend('test-config-backend', (args) => {
      received = args;
      return new MemoryBackend();
    });
    const region = makeRegion().configureFromConfig(
      {
        'cache.backend': 'test-config-backend',
        'cache.expiration_time': '600000',
        'cache.arguments.size': ' 12 ',
        'cache.arguments.ratio': '0.5',
        'cache.arguments.enabled': 'True',
        'cache.arguments.off': 'false',
        'cache.arguments.nothing': 'None',
        'cache.arguments.nil': 'null',
        'cache.arguments.name': 'hello',
        'other.backend': 'null',
      },
      'cache.',
    );
    expect(region.expirationTime).toBe(600000);
    expect(received).toEqual({ size: 12, ratio: 0.5, enabled: true, off: false, nothing: null, nil: null, name: 'hello' });
    const camel = makeRegion().configureFromConfig({ 'x.backend': 'memory', 'x.expirationTime': '5' }, 'x.');
    expect(camel.expirationTime).toBe(5);
    expect(() => makeRegion().configureFromConfig({}, 'x.')).toThrow(ValidationError);
  });
});

describe('get, expiration and value versions', () => {
  it('returns NO_VALUE for a missing key and the value when fresh', async () => {
    const { region } = testRegion();
    expect(await region.get('k')).toBe(NO_VALUE);
    await region.set('k', { a: 1 });
    expect(await region.get('k')).toEqual({ a: 1 });
  });

  it('expires by the region expiration time, or the per-call one', async () => {
    const { region, clock } = testRegion();
    await region.set('k', 'v');
    clock.advance(1000);
    expect(await region.get('k')).toBe('v');
    clock.advance(1);
    expect(await region.get('k')).toBe(NO_VALUE);
    expect(await region.get('k', { expirationTime: 5000 })).toBe('v');
    expect(await region.get('k', { ignoreExpiration: true })).toBe('v');
  });

  it.each([-1, Infinity])('expirationTime %s means never, on the region and per call', async (never) => {
    const { region, clock } = testRegion({}, { expirationTime: never });
    await region.set('k', 'v');
    clock.advance(10 ** 12);
    expect(await region.get('k')).toBe('v');
    expect(await region.getMulti(['k'])).toEqual(['v']);
    let calls = 0;
    expect(await region.getOrCreate('k', () => ++calls)).toBe('v');
    const short = testRegion({}, { expirationTime: 10 });
    await short.region.set('k', 'v');
    short.clock.advance(10 ** 9);
    expect(await short.region.get('k', { expirationTime: never })).toBe('v');
    expect(await short.region.getMulti(['k'], { expirationTime: never })).toEqual(['v']);
    expect(await short.region.getOrCreate('k', () => ++calls, { expirationTime: never })).toBe('v');
    expect(calls).toBe(0);
  });

  it('treats a value of another format version as a miss everywhere', async () => {
    const { region, dict } = testRegion();
    dict.set('old', new CachedValue('stale format', { ct: Date.now(), v: VALUE_VERSION - 1 }));
    expect(await region.get('old')).toBe(NO_VALUE);
    expect(await region.getMulti(['old'])).toEqual([NO_VALUE]);
    expect(await region.getValueMetadata('old')).toBeUndefined();
    expect(await region.get('old', { ignoreExpiration: true })).toBe(NO_VALUE);
    expect(await region.getOrCreate('old', () => 'fresh')).toBe('fresh');
    expect((dict.get('old') as CachedValue).metadata.v).toBe(VALUE_VERSION);
  });

  it('getValueMetadata returns the CachedValue with creation time', async () => {
    const { region, clock } = testRegion();
    await region.set('k', 'v');
    const value = await region.getValueMetadata('k');
    expect(value).toBeInstanceOf(CachedValue);
    expect(value!.payload).toBe('v');
    expect(value!.metadata).toEqual({ ct: clock.now, v: VALUE_VERSION, o: ORIGIN_ID });
    expect(value!.cachedTime).toBe(clock.now);
    expect(await region.getValueMetadata('missing')).toBeUndefined();
  });

  it('a created value records who created it and when its creator started (provenance)', async () => {
    const { region, clock } = testRegion();
    const started = clock.now;
    await region.getOrCreate('k', async () => {
      clock.advance(250);
      return 'v';
    });
    const { metadata } = (await region.getValueMetadata('k'))!;
    expect(metadata.o).toBe(ORIGIN_ID);
    expect(metadata.st).toBe(started);
    expect(metadata.ct - metadata.st!).toBe(250);
  });

  it('getMulti keeps order and reports misses; one backend call', async () => {
    const { region, counter } = testRegion();
    await region.setMulti({ a: 1, c: 3 });
    counter.calls = {};
    expect(await region.getMulti(['c', 'b', 'a'])).toEqual([3, NO_VALUE, 1]);
    expect(counter.calls).toEqual({ getMulti: 1 });
    expect(await region.getMulti([])).toEqual([]);
  });
});

describe('getOrCreate: the dogpile lock', () => {
  it('1,000 concurrent callers of a missing key run the creator exactly once', async () => {
    const { region } = testRegion();
    let calls = 0;
    const gate = deferred();
    const creator = async () => {
      calls++;
      await gate.promise;
      return { made: calls };
    };
    const pending = Array.from({ length: 1000 }, () => region.getOrCreate('k', creator));
    await flush();
    expect(await region.keyIsLocked('k')).toBe(true);
    gate.resolve();
    const values = await Promise.all(pending);
    expect(calls).toBe(1);
    expect(new Set(values).size).toBe(1);
    expect(values[0]).toEqual({ made: 1 });
    expect(region.stats).toMatchObject({ creations: 1, misses: 1000, waits: 999 });
    expect(await region.keyIsLocked('k')).toBe(false);
  });

  it('returns a fresh value without calling the creator or locking', async () => {
    const { region, types } = testRegion();
    await region.set('k', 'v');
    expect(await region.getOrCreate('k', () => 'new')).toBe('v');
    expect(types('k')).toEqual(['set', 'hit']);
  });

  it('an expired value with a free lock is regenerated after one backend read', async () => {
    const { region, clock, counter } = testRegion();
    await region.set('k', 'old');
    clock.advance(2000);
    counter.calls = {};
    expect(await region.getOrCreate('k', () => 'new')).toBe('new');
    expect(counter.calls).toEqual({ get: 1, set: 1 });
    expect(await region.get('k')).toBe('new');
  });

  it('after a blocking wait it reads again', async () => {
    const { region, counter } = testRegion();
    const gate = deferred();
    const first = region.getOrCreate('k', async () => (await gate.promise, 'made'));
    await flush();
    counter.calls = {};
    const second = region.getOrCreate('k', () => 'second');
    await flush();
    gate.resolve();
    expect(await first).toBe('made');
    expect(await second).toBe('made');
    expect(counter.calls.get).toBe(2);
  });

  it('while one caller regenerates an expired value, the others get the stale value at once', async () => {
    const { region, clock, types } = testRegion();
    await region.set('k', 'stale');
    clock.advance(5000);
    const started = deferred();
    const gate = deferred();
    const regenerating = region.getOrCreate('k', async () => {
      started.resolve();
      await gate.promise;
      return 'fresh';
    });
    await started.promise;
    const others = await Promise.all(Array.from({ length: 20 }, () => region.getOrCreate('k', () => 'never')));
    expect(others).toEqual(Array(20).fill('stale'));
    expect(region.stats.staleServed).toBe(20);
    gate.resolve();
    expect(await regenerating).toBe('fresh');
    expect(await region.get('k')).toBe('fresh');
    expect(types('k').filter((t) => t === 'created')).toHaveLength(1);
  });

  it('shouldCacheFn decides whether the value is stored; it is returned either way', async () => {
    const { region } = testRegion();
    expect(await region.getOrCreate('k', () => 'no', { shouldCacheFn: (v) => v !== 'no' })).toBe('no');
    expect(await region.get('k')).toBe(NO_VALUE);
    expect(await region.getOrCreate('k', () => 'yes', { shouldCacheFn: async (v) => v === 'yes' })).toBe('yes');
    expect(await region.get('k')).toBe('yes');
  });

  it('a creator that throws releases the lock; its caller gets the error; a waiter retries and creates', async () => {
    const { region, events } = testRegion();
    const gate = deferred();
    let calls = 0;
    const failing = region.getOrCreate('k', async () => {
      calls++;
      await gate.promise;
      throw new Error('backend down');
    });
    await flush();
    const waiters = Array.from({ length: 5 }, () => region.getOrCreate('k', async () => (++calls, 'recovered')));
    await flush();
    gate.resolve();
    await expect(failing).rejects.toThrow('backend down');
    expect(await Promise.all(waiters)).toEqual(Array(5).fill('recovered'));
    expect(calls).toBe(2);
    expect(await region.keyIsLocked('k')).toBe(false);
    expect(events.some((e) => e.type === 'error' && e.operation === 'creator')).toBe(true);
  });

  it('a synchronous creator that throws is handled the same way', async () => {
    const { region } = testRegion();
    await expect(
      region.getOrCreate('k', () => {
        throw new TypeError('sync');
      }),
    ).rejects.toThrow('sync');
    expect(await region.getOrCreate('k', () => 'ok')).toBe('ok');
  });

  it('lockTimeout: a waiter stops waiting on a creator that never settles and creates itself', async () => {
    const { region, events } = testRegion({ lockTimeout: 30 });
    const never = region.getOrCreate('k', () => new Promise<string>(() => {}));
    await flush();
    expect(await region.getOrCreate('k', () => 'rescued')).toBe('rescued');
    expect(region.stats.lockTimeouts).toBe(1);
    const timeout = events.find((e) => e.type === 'lockTimeout');
    expect(timeout).toMatchObject({ key: 'k' });
    expect(await region.get('k')).toBe('rescued');
    void never;
  });

  it('rejects a bad lockTimeout option', () => {
    expect(() => makeRegion({ lockTimeout: -1 })).toThrow(ValidationError);
  });
});

describe('invalidation', () => {
  it('hard invalidation makes values look absent: callers wait for a new one', async () => {
    const { region, clock } = testRegion();
    await region.set('k', 'old');
    clock.advance(1);
    await region.invalidate();
    expect(await region.get('k')).toBe(NO_VALUE);
    expect(await region.get('k', { ignoreExpiration: true })).toBe('old');
    const gate = deferred();
    let calls = 0;
    const values = Promise.all(Array.from({ length: 5 }, () => region.getOrCreate('k', async () => (calls++, await gate.promise, 'new'))));
    await flush();
    gate.resolve();
    expect(await values).toEqual(Array(5).fill('new'));
    expect(calls).toBe(1);
    expect(region.regionInvalidator.wasHardInvalidated()).toBe(true);
  });

  it('soft invalidation makes values look expired: one caller regenerates, the others get the old value', async () => {
    const { region, clock } = testRegion();
    await region.set('k', 'old');
    clock.advance(1);
    await region.invalidate(false);
    expect(await region.get('k')).toBe(NO_VALUE);
    const gate = deferred();
    const regenerating = region.getOrCreate('k', async () => (await gate.promise, 'new'));
    await flush();
    expect(await region.getOrCreate('k', () => 'never')).toBe('old');
    gate.resolve();
    expect(await regenerating).toBe('new');
    clock.advance(1);
    expect(await region.getOrCreate('k', () => 'never')).toBe('new');
    expect(region.regionInvalidator.wasSoftInvalidated()).toBe(true);
  });

  it('soft invalidation without an expiration time throws DogpileCacheException before the creator runs', async () => {
    const { region, clock } = testRegion({}, {});
    await region.set('k', 'old');
    clock.advance(1);
    await region.invalidate(false);
    let calls = 0;
    await expect(region.getOrCreate('k', () => ++calls)).rejects.toThrow(DogpileCacheException);
    await expect(region.getOrCreateMulti(['k'], () => [++calls])).rejects.toThrow(DogpileCacheException);
    expect(calls).toBe(0);
  });

  it('invalidate awaits an async strategy and emits an event', async () => {
    const log: string[] = [];
    class SlowStrategy extends DefaultInvalidationStrategy {
      override async invalidate(hard = true) {
        await flush();
        log.push(`strategy ${hard}`);
        super.invalidate(hard);
      }
    }
    const region = makeRegion().configure('memory', { regionInvalidator: new SlowStrategy() });
    const events: string[] = [];
    region.subscribe((e) => events.push(e.type));
    await region.invalidate(false);
    expect(log).toEqual(['strategy false']);
    expect(events).toEqual(['invalidated']);
    expect(region.stats.invalidations).toBe(1);
  });

  it('closes the strategy its backend made when configured anew, never one it was given', async () => {
    const closed: string[] = [];
    class Sharing extends MemoryBackend {
      override createInvalidationStrategy() {
        return Object.assign(new DefaultInvalidationStrategy(), { close: () => closed.push('made') });
      }
    }
    const region = makeRegion().configure(new Sharing());
    region.configure(new Sharing(), { replaceExistingBackend: true, regionInvalidator: Object.assign(new DefaultInvalidationStrategy(), { close: () => closed.push('given') }) });
    expect(closed).toEqual(['made']);
    region.configure('memory', { replaceExistingBackend: true });
    expect(closed).toEqual(['made']);
  });

  it('a custom strategy without subscribe still gets its invalidated event', async () => {
    let at = 0;
    const strategy = {
      invalidate: () => void (at = Date.now() + 1e9),
      isInvalidated: (ts: number) => ts < at,
      isHardInvalidated: (ts: number) => ts < at,
      isSoftInvalidated: () => false,
      wasHardInvalidated: () => at > 0,
      wasSoftInvalidated: () => false,
    };
    const region = makeRegion().configure('memory', { regionInvalidator: strategy });
    const events: string[] = [];
    region.subscribe((e) => events.push(e.type));
    await region.set('k', 1);
    await region.invalidate();
    expect(events).toEqual(['set', 'invalidated']);
    expect(await region.get('k')).toBe(NO_VALUE);
    expect(() => makeRegion().configure('memory', { regionInvalidator: {} as never })).toThrow(TypeError);
  });
});

describe('asyncCreationRunner', () => {
  it('gets the unmangled key, returns the stale value at once, and must store and release', async () => {
    const calls: Array<{ key: string }> = [];
    const done = deferred();
    const { region, clock } = testRegion({
      keyMangler: (key) => `m:${key}`,
      asyncCreationRunner: (reg, key, creator, mutex) => {
        calls.push({ key });
        void (async () => {
          try {
            await reg.set(key, await creator());
          } finally {
            mutex.release();
            done.resolve();
          }
        })();
      },
    });
    // The first caller creates synchronously: the runner is never used without a value.
    expect(await region.getOrCreate('k', () => 'first')).toBe('first');
    expect(calls).toHaveLength(0);
    clock.advance(5000);
    expect(await region.getOrCreate('k', () => 'second')).toBe('first');
    expect(calls).toEqual([{ key: 'k' }]);
    await done.promise;
    expect(await region.keyIsLocked('k')).toBe(false);
    expect(await region.get('k')).toBe('second');
  });

  it('keeps the lock held until the runner releases it; other callers get the stale value meanwhile', async () => {
    let release!: () => void;
    const { region, clock } = testRegion({
      asyncCreationRunner: (_reg, _key, _creator, mutex) => {
        release = () => mutex.release();
      },
    });
    await region.set('k', 'old');
    clock.advance(5000);
    expect(await region.getOrCreate('k', () => 'new')).toBe('old');
    expect(await region.keyIsLocked('k')).toBe(true);
    expect(await region.getOrCreate('k', () => 'new')).toBe('old');
    release();
    release();
    expect(await region.keyIsLocked('k')).toBe(false);
  });

  it('a runner that throws synchronously releases the lock and the caller still gets the stale value', async () => {
    const { region, clock, events } = testRegion({
      asyncCreationRunner: () => {
        throw new Error('runner bug');
      },
    });
    await region.set('k', 'old');
    clock.advance(5000);
    expect(await region.getOrCreate('k', () => 'new')).toBe('old');
    expect(await region.keyIsLocked('k')).toBe(false);
    expect(events.some((e) => e.type === 'error' && e.operation === 'asyncCreationRunner')).toBe(true);
  });
});

describe('getOrCreateMulti', () => {
  it('creates each distinct missing key once, sorted, and repeats values in place', async () => {
    const { region } = testRegion();
    await region.set('b', 'B0');
    const seen: string[][] = [];
    const values = await region.getOrCreateMulti(['d', 'b', 'a', 'd', 'c'], (...keys) => {
      seen.push(keys);
      return keys.map((k) => k.toUpperCase());
    });
    expect(seen).toEqual([['a', 'c', 'd']]);
    expect(values).toEqual(['D', 'B0', 'A', 'D', 'C']);
    expect(await region.getMulti(['a', 'c', 'd'])).toEqual(['A', 'C', 'D']);
  });

  it('racing callers never create the same key twice', async () => {
    const { region } = testRegion();
    const created: string[] = [];
    const gate = deferred();
    const creator = async (...keys: string[]) => {
      created.push(...keys);
      await gate.promise;
      return keys.map((k) => `v:${k}`);
    };
    const first = region.getOrCreateMulti(['a', 'b', 'c'], creator);
    await flush();
    const second = region.getOrCreateMulti(['b', 'c', 'd'], creator);
    const third = region.getOrCreate('a', () => 'single');
    await flush();
    gate.resolve();
    expect(await first).toEqual(['v:a', 'v:b', 'v:c']);
    expect(await second).toEqual(['v:b', 'v:c', 'v:d']);
    expect(await third).toBe('v:a');
    expect(created.sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('serves stale values for expired keys whose lock is busy', async () => {
    const { region, clock } = testRegion();
    await region.setMulti({ a: 'oldA', b: 'oldB' });
    clock.advance(5000);
    const gate = deferred();
    const regenerating = region.getOrCreate('a', async () => (await gate.promise, 'newA'));
    await flush();
    const values = await region.getOrCreateMulti(['a', 'b'], (...keys) => keys.map((k) => `new${k.toUpperCase()}`));
    expect(values).toEqual(['oldA', 'newB']);
    gate.resolve();
    await regenerating;
  });

  it('applies shouldCacheFn per value and stores the rest in one call', async () => {
    const { region, counter } = testRegion();
    counter.calls = {};
    const values = await region.getOrCreateMulti(['a', 'b'], () => [1, -1], { shouldCacheFn: (v) => v > 0 });
    expect(values).toEqual([1, -1]);
    expect(counter.calls).toEqual({ getMulti: 1, setMulti: 1 });
    expect(await region.getMulti(['a', 'b'])).toEqual([1, NO_VALUE]);
  });

  it('a creator returning the wrong number of values gets a TypeError and releases every lock', async () => {
    const { region } = testRegion();
    await expect(region.getOrCreateMulti(['a', 'b'], () => [1])).rejects.toThrow(/array of 2 values/);
    expect(await region.keyIsLocked('a')).toBe(false);
    expect(await region.getOrCreateMulti(['a', 'b'], () => [1, 2])).toEqual([1, 2]);
  });
});

describe('writes, manglers and serializers', () => {
  it('setMulti takes objects and Maps; delete and deleteMulti remove', async () => {
    const { region } = testRegion();
    await region.setMulti({ a: 1 });
    await region.setMulti(new Map([['b', 2], ['c', 3]]));
    expect(await region.getMulti(['a', 'b', 'c'])).toEqual([1, 2, 3]);
    await region.delete('a');
    await region.deleteMulti(['b', 'missing']);
    expect(await region.getMulti(['a', 'b', 'c'])).toEqual([NO_VALUE, NO_VALUE, 3]);
    expect(region.stats).toMatchObject({ sets: 3, deletes: 3 });
  });

  it('uses the region key mangler, else the backend one; false turns both off', async () => {
    class Mangled extends MemoryBackend {
      constructor() {
        super();
        this.keyMangler = (key) => `backend:${key}`;
      }
    }
    const own = makeRegion({ keyMangler: sha1MangleKey }).configure(new Mangled());
    await own.set('k', 1);
    expect([...(own.actualBackend as MemoryBackend).cache.keys()]).toEqual([sha1MangleKey('k')]);
    const inherited = makeRegion().configure(new Mangled());
    await inherited.set('k', 1);
    expect([...(inherited.actualBackend as MemoryBackend).cache.keys()]).toEqual(['backend:k']);
    const off = makeRegion({ keyMangler: false }).configure(new Mangled());
    await off.set('k', 1);
    expect([...(off.actualBackend as MemoryBackend).cache.keys()]).toEqual(['k']);
    expect(await own.get('k')).toBe(1);
    expect(await inherited.get('k')).toBe(1);
  });

  it('a region serializer applies to the memory backend; unreadable entries are misses and get regenerated', async () => {
    const serializer = (cv: CachedValue) => JSON.stringify([cv.payload, cv.metadata]);
    const deserializer = (data: string | Uint8Array) => {
      try {
        const [payload, metadata] = JSON.parse(String(data));
        return new CachedValue(payload, metadata);
      } catch (error) {
        throw new CantDeserializeException('bad entry', { cause: error });
      }
    };
    const dict = new Map<string, StoredValue>();
    const region = makeRegion({ serializer, deserializer }).configure('memory', { arguments: { cacheDict: dict } });
    await region.set('k', { a: 1 });
    expect(typeof dict.get('k')).toBe('string');
    expect(await region.get('k')).toEqual({ a: 1 });
    dict.set('k', '{not json');
    dict.set('j', '{not json');
    expect(await region.get('k')).toBe(NO_VALUE);
    expect(await region.getMulti(['k', 'j'])).toEqual([NO_VALUE, NO_VALUE]);
    expect(await region.getOrCreate('k', () => 'regenerated')).toBe('regenerated');
    expect(await region.get('k')).toBe('regenerated');
  });

  it('a failed write never loses the created value: getOrCreate returns it and emits an error; set rejects', async () => {
    const region = makeRegion().configure(new FailingWriteBackend());
    const errors: unknown[] = [];
    region.subscribe((e) => e.type === 'error' && errors.push(e.error));
    expect(await region.getOrCreate('k', () => 'made')).toBe('made');
    expect(await region.getOrCreateMulti(['a', 'b'], () => ['A', 'B'])).toEqual(['A', 'B']);
    expect(errors).toHaveLength(2);
    await expect(region.set('k', 1)).rejects.toThrow('disk full');
  });

  it('reads synchronous backends without a promise, but never bypasses an overridden get', async () => {
    const calls = { get: 0, getSync: 0 };
    class Both extends MemoryBackend {
      override get(key: string) {
        calls.get++;
        return super.get(key);
      }
      override getSync(key: string) {
        calls.getSync++;
        return super.getSync(key);
      }
    }
    const backend = new Both();
    const region = makeRegion().configure(backend);
    await region.set('k', 1);
    expect(await region.getOrCreate('k', () => 2)).toBe(1);
    expect(await region.get('k')).toBe(1);
    expect(calls).toEqual({ get: 0, getSync: 2 });
    // A get replaced on the instance (a spy, a patch) is honoured from then on.
    let patched = 0;
    backend.get = (key: string) => (patched++, Promise.resolve(backend.getSync(key)));
    expect(await region.getOrCreate('k', () => 2)).toBe(1);
    expect(patched).toBe(1);
    // A subclass overriding only get is called, too.
    class OnlyGet extends MemoryBackend {
      override get(key: string) {
        calls.get++;
        return super.get(key);
      }
    }
    const other = makeRegion().configure(new OnlyGet());
    await other.set('k', 1);
    await other.get('k');
    expect(calls.get).toBe(1);
  });

  it('a failed read is a miss: the region keeps serving', async () => {
    class FailingRead extends MemoryBackend {
      override get(): never {
        throw new Error('read failed');
      }
      override getMulti(): never {
        throw new Error('read failed');
      }
    }
    const region = makeRegion().configure(new FailingRead());
    expect(await region.get('k')).toBe(NO_VALUE);
    expect(await region.getMulti(['k'])).toEqual([NO_VALUE]);
    expect(await region.getOrCreate('k', () => 'made')).toBe('made');
    expect(region.stats.errors).toBeGreaterThanOrEqual(3);
  });
});

describe('events and stats', () => {
  it('reports a miss, the lock, the creation, then hits', async () => {
    const { region, types, events } = testRegion();
    await region.getOrCreate('k', () => 'v');
    await region.getOrCreate('k', () => 'v');
    expect(types('k')).toEqual(['miss', 'lockAcquired', 'created', 'set', 'lockReleased', 'hit']);
    const created = events.find((e) => e.type === 'created');
    expect(created).toMatchObject({ region: 'test', key: 'k', cached: true });
  });

  it('times the creator in the created event', async () => {
    const { region, clock, events } = testRegion();
    await region.getOrCreate('k', () => {
      clock.advance(250);
      return 'v';
    });
    await region.getOrCreateMulti(['a'], () => {
      clock.advance(40);
      return ['A'];
    });
    expect(events.filter((e) => e.type === 'created').map((e) => (e as { durationMs: number }).durationMs)).toEqual([250, 40]);
  });

  it('unsubscribe stops delivery; a throwing listener does not break the cache', async () => {
    const region = makeRegion().configure('memory');
    const seen: string[] = [];
    const off = region.subscribe((e) => seen.push(e.type));
    const offBuggy = region.subscribe(() => {
      throw new Error('listener bug');
    });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      await region.set('a', 1);
      off();
      await region.set('b', 2);
      await new Promise((resolve) => setTimeout(resolve, 5));
    } finally {
      offBuggy();
      process.off('uncaughtException', onUncaught);
    }
    expect(seen).toEqual(['set']);
    expect(await region.get('b')).toBe(2);
    expect(uncaught).toHaveLength(2);
    expect(() => region.subscribe('nope' as never)).toThrow(TypeError);
  });

  it('counts without listeners, and resets', async () => {
    const region = makeRegion().configure('memory');
    await region.getOrCreate('k', () => 1);
    await region.get('k');
    await region.get('missing');
    expect(region.stats).toMatchObject({ hits: 1, misses: 2, creations: 1, sets: 1 });
    region.resetStats();
    expect(region.stats.hits).toBe(0);
  });

  it('forwards backend notices as events', async () => {
    class Noisy extends MemoryBackend {
      shout() {
        this.notify({ kind: 'mutex-fallback', message: 'no Web Locks here' });
      }
    }
    const backend = new Noisy();
    const region = makeRegion({ name: 'n' }).configure(backend, { wrap: [new CountingProxy()] });
    const events: unknown[] = [];
    region.subscribe((e) => events.push(e));
    backend.shout();
    expect(events).toEqual([expect.objectContaining({ type: 'notice', kind: 'mutex-fallback', region: 'n' })]);
    // A replaced backend no longer reaches the region.
    region.configure('memory', { replaceExistingBackend: true });
    backend.shout();
    expect(events).toHaveLength(1);
  });
});

describe('inspection', () => {
  it('storedKeys lists what the backend stores, as stored; undefined when it cannot list', async () => {
    const region = makeRegion({ keyMangler: (key) => `m:${key}` }).configure('memory');
    await region.setMulti({ a: 1, b: 2 });
    expect((await region.storedKeys())?.sort()).toEqual(['m:a', 'm:b']);
    class Unlisted extends MemoryBackend {}
    Object.defineProperty(Unlisted.prototype, 'keys', { value: undefined });
    expect(await makeRegion().configure(new Unlisted()).storedKeys()).toBeUndefined();
    class Streaming extends MemoryBackend {
      override keys(): never {
        return (async function* () {
          yield 'x';
          yield 'y';
        })() as never;
      }
    }
    expect(await makeRegion().configure(new Streaming()).storedKeys()).toEqual(['x', 'y']);
  });
});

describe('in-process locks', () => {
  it('keeps no lock state for keys nobody is creating', async () => {
    const region = makeRegion().configure('memory');
    await Promise.all(Array.from({ length: 500 }, (_, i) => region.getOrCreate(`k${i}`, () => i)));
    for (let i = 0; i < 500; i += 100) expect(await region.keyIsLocked(`k${i}`)).toBe(false);
  });

  it('uses the backend mutex when it offers one', async () => {
    let acquired = 0;
    class Locking extends MemoryBackend {
      override getMutex() {
        return {
          acquire: async () => (++acquired, true),
          release: () => {},
          locked: async () => true,
        };
      }
    }
    const region = makeRegion().configure(new Locking() as CacheBackend);
    await region.getOrCreate('k', () => 1);
    expect(acquired).toBe(1);
    expect(await region.keyIsLocked('k')).toBe(true);
  });
});
