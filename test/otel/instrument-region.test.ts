/**
 * dogpile-cache/otel over a real memory region and the OpenTelemetry SDK in
 * memory: what each region event adds to which metric, with which
 * attributes (never a key), the spans of creator runs, and stopping.
 */
import { metrics, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackend, NullBackend, ProxyBackend, makeRegion, type CacheRegion, type RegionEventType } from 'dogpile-cache';
import { instrumentRegion } from 'dogpile-cache/otel';
import { deferred, manualClock } from '../core/helpers.js';
import { allAttributeValues, memoryMeter, memoryTracer } from './helpers.js';

const REGION = { 'dogpile_cache.region': 'users', 'dogpile_cache.backend': 'MemoryBackend' };

/** Resolves at the `count`th event of `type` from now on. */
function events(region: CacheRegion, type: RegionEventType, count = 1): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const stop = region.subscribe((event) => {
      if (event.type === type && ++seen === count) {
        stop();
        resolve();
      }
    });
  });
}

const ms = ([seconds, nanos]: HrTime) => seconds * 1e3 + nanos / 1e6;

const stops: Array<() => void> = [];
afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
});

function setup(options: { lockTimeout?: number; manual?: boolean } = {}) {
  const clock = manualClock();
  const region = makeRegion({ name: 'users', ...(options.manual === false ? {} : { now: clock.read }), lockTimeout: options.lockTimeout }).configure('memory', { expirationTime: 1000 });
  const sdk = memoryMeter();
  const stop = instrumentRegion(region, { meter: sdk.meter });
  stops.push(stop);
  return { region, clock, stop, ...sdk };
}

describe('instrumentRegion: counters', () => {
  it('counts misses, creations and hits, with the region and its backend as attributes and never the key', async () => {
    const { region, collect } = setup();
    await region.getOrCreate('user:secret-1', () => 'alice');
    await region.getOrCreate('user:secret-1', () => 'never');
    await region.get('user:secret-1');
    await region.get('user:secret-2');

    const collected = await collect();
    expect(collected.total('dogpile_cache.misses')).toBe(2);
    expect(collected.total('dogpile_cache.hits')).toBe(2);
    expect(collected.total('dogpile_cache.creations', { 'dogpile_cache.cached': true })).toBe(1);
    // A stored creation is also a set, as in region.stats.
    expect(collected.total('dogpile_cache.sets', { 'dogpile_cache.remote': false })).toBe(1);
    expect(collected.points('dogpile_cache.hits')).toEqual([{ attributes: REGION, value: 2 }]);
    expect(collected.points('dogpile_cache.misses')[0]!.attributes).toEqual(REGION);
    expect(allAttributeValues(collected).filter((value) => value.includes('secret'))).toEqual([]);
    // The counters agree with the region's own.
    expect(region.stats).toMatchObject({ hits: 2, misses: 2, creations: 1, sets: 1 });
  });

  it('reports under the dogpile-cache scope, through the meterProvider given, with its units', async () => {
    const region = makeRegion({ name: 'users' }).configure('memory');
    const { meterProvider, collect } = memoryMeter();
    stops.push(instrumentRegion(region, { meterProvider }));
    await region.getOrCreate('k', () => 1);
    const collected = await collect();
    expect(collected.metrics.get('dogpile_cache.hits')).toBeUndefined();
    expect(collected.metrics.get('dogpile_cache.misses')!.descriptor).toMatchObject({ unit: '{miss}' });
    expect(collected.metrics.get('dogpile_cache.creations')!.descriptor).toMatchObject({ unit: '{creation}' });
    expect(collected.metrics.get('dogpile_cache.creation.duration')!.descriptor).toMatchObject({ unit: 'ms' });
    expect(collected.scopes).toEqual(['dogpile-cache']);
  });

  it('counts stale serves while one caller regenerates', async () => {
    const { region, clock, collect } = setup();
    await region.set('k', 'old');
    clock.advance(2_000);
    const gate = deferred();
    const acquired = events(region, 'lockAcquired');
    const regenerating = region.getOrCreate('k', async () => {
      await gate.promise;
      return 'new';
    });
    await acquired;
    expect(await region.getOrCreate('k', () => 'other')).toBe('old');
    gate.resolve();
    expect(await regenerating).toBe('new');

    const collected = await collect();
    expect(collected.points('dogpile_cache.stale_serves')).toEqual([{ attributes: REGION, value: 1 }]);
    expect(collected.total('dogpile_cache.creations')).toBe(1);
  });

  it('counts waits and records how long each waited', async () => {
    const { region, clock, collect } = setup();
    const gate = deferred();
    const misses = events(region, 'miss', 3);
    const callers = [0, 1, 2].map(() =>
      region.getOrCreate('k', async () => {
        await gate.promise;
        clock.advance(120);
        return 'made';
      }),
    );
    await misses;
    gate.resolve();
    expect(await Promise.all(callers)).toEqual(['made', 'made', 'made']);

    const collected = await collect();
    expect(collected.total('dogpile_cache.waits')).toBe(2);
    const [waits] = collected.points('dogpile_cache.wait.duration');
    expect(waits).toMatchObject({ attributes: { ...REGION, 'dogpile_cache.wait.outcome': 'value' }, count: 2 });
    expect(waits!.sum).toBeGreaterThanOrEqual(240);
    const [creation] = collected.points('dogpile_cache.creation.duration');
    expect(creation).toMatchObject({ attributes: { ...REGION, 'dogpile_cache.cached': true }, count: 1, sum: 120 });
  });

  it('counts a lock timeout and records its wait with outcome timeout', async () => {
    const { region, collect } = setup({ lockTimeout: 20, manual: false });
    const gate = deferred();
    const acquired = events(region, 'lockAcquired');
    const holder = region.getOrCreate('k', async () => {
      await gate.promise;
      return 'slow';
    });
    await acquired;
    expect(await region.getOrCreate('k', () => 'impatient')).toBe('impatient');
    gate.resolve();
    await holder;

    const collected = await collect();
    expect(collected.points('dogpile_cache.lock_timeouts')).toEqual([{ attributes: REGION, value: 1 }]);
    expect(collected.points('dogpile_cache.wait.duration')).toMatchObject([{ attributes: { ...REGION, 'dogpile_cache.wait.outcome': 'timeout' }, count: 1 }]);
    expect(collected.total('dogpile_cache.creations')).toBe(2);
  });

  it('counts errors by operation and error type, not by message', async () => {
    const { region, collect } = setup();
    await expect(region.getOrCreate('user:secret-3', () => {
      throw new RangeError('no user:secret-3');
    })).rejects.toThrow(RangeError);

    const collected = await collect();
    expect(collected.points('dogpile_cache.errors')).toEqual([
      { attributes: { ...REGION, 'dogpile_cache.operation': 'creator', 'error.type': 'RangeError' }, value: 1 },
    ]);
    expect(allAttributeValues(collected).filter((value) => value.includes('secret'))).toEqual([]);
  });

  it('counts sets, deletes and invalidations (hard and soft) with their attributes', async () => {
    const { region, clock, collect } = setup();
    await region.set('a', 1);
    await region.setMulti({ b: 2, c: 3 });
    await region.delete('a');
    await region.deleteMulti(['b', 'c']);
    await region.invalidate(true);
    clock.advance(1);
    await region.invalidate(false);
    clock.advance(1);
    await region.invalidate(false);

    const collected = await collect();
    expect(collected.points('dogpile_cache.sets')).toEqual([{ attributes: { ...REGION, 'dogpile_cache.remote': false }, value: 3 }]);
    expect(collected.points('dogpile_cache.deletes')).toEqual([{ attributes: { ...REGION, 'dogpile_cache.remote': false }, value: 3 }]);
    expect(collected.total('dogpile_cache.invalidations', { 'dogpile_cache.invalidation.hard': true, 'dogpile_cache.remote': false })).toBe(1);
    expect(collected.total('dogpile_cache.invalidations', { 'dogpile_cache.invalidation.hard': false, 'dogpile_cache.remote': false })).toBe(2);
  });

  it('counts each key of getOrCreateMulti', async () => {
    const { region, collect } = setup();
    await region.set('a', 1);
    expect(await region.getOrCreateMulti(['a', 'b', 'c', 'b'], (...keys) => keys.map((key) => key.toUpperCase()))).toEqual([1, 'B', 'C', 'B']);
    const collected = await collect();
    expect(collected.total('dogpile_cache.hits')).toBe(1);
    expect(collected.total('dogpile_cache.creations')).toBe(2);
    expect(collected.points('dogpile_cache.creation.duration')[0]).toMatchObject({ count: 2 });
  });

  it('adds the extra attributes, under its own', async () => {
    const region = makeRegion({ name: 'users' }).configure('memory');
    const { meter, collect } = memoryMeter();
    stops.push(instrumentRegion(region, { meter, attributes: { 'deployment.environment.name': 'test', 'dogpile_cache.region': 'not-this' } }));
    await region.get('k');
    expect((await collect()).points('dogpile_cache.misses')[0]!.attributes).toEqual({ ...REGION, 'deployment.environment.name': 'test' });
  });

  it('reports through the global meter provider by default', async () => {
    const { meterProvider, collect } = memoryMeter();
    metrics.setGlobalMeterProvider(meterProvider);
    try {
      const region = makeRegion({ name: 'users' }).configure('memory');
      stops.push(instrumentRegion(region));
      await region.get('k');
      expect((await collect()).total('dogpile_cache.misses')).toBe(1);
    } finally {
      metrics.disable();
    }
  });
});

describe('instrumentRegion: the region changing under it', () => {
  class Tracing extends ProxyBackend {
    static readonly label = 'Tracing';
  }

  it('starts on a region not configured yet, follows reconfiguration, names the actual backend behind proxies', async () => {
    const region = makeRegion({ name: 'users' });
    const { meter, collect } = memoryMeter();
    stops.push(instrumentRegion(region, { meter }));
    region.configure('memory', { wrap: [Tracing] });
    expect(region.backendLabels).toEqual(['Tracing', 'MemoryBackend']);
    await region.get('k');
    region.configure(new NullBackend(), { replaceExistingBackend: true });
    await region.get('k');
    await region.get('k');

    const misses = (await collect()).points('dogpile_cache.misses');
    expect(misses).toHaveLength(2);
    expect(misses).toContainEqual({ attributes: REGION, value: 1 });
    expect(misses).toContainEqual({ attributes: { ...REGION, 'dogpile_cache.backend': 'NullBackend' }, value: 2 });
  });

  it('omits the region attribute of an unnamed region', async () => {
    const region = makeRegion().configure(new MemoryBackend());
    const { meter, collect } = memoryMeter();
    stops.push(instrumentRegion(region, { meter }));
    await region.get('k');
    expect((await collect()).points('dogpile_cache.misses')[0]!.attributes).toEqual({ 'dogpile_cache.backend': 'MemoryBackend' });
  });

  it('does not throw for a region closed while a creator runs, and keeps its last backend', async () => {
    const { region, collect } = setup();
    const gate = deferred();
    const acquired = events(region, 'lockAcquired');
    const creating = region.getOrCreate('k', async () => {
      await gate.promise;
      return 'late';
    });
    await acquired;
    region.close();
    gate.resolve();
    await creating.catch(() => undefined);
    // A listener that threw would surface as an uncaught error on its own task: let it run.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const collected = await collect();
    expect(collected.points('dogpile_cache.misses')).toEqual([{ attributes: REGION, value: 1 }]);
    expect(collected.points('dogpile_cache.creations').every((point) => point.attributes['dogpile_cache.backend'] === 'MemoryBackend')).toBe(true);
  });

  it('can instrument a closed region (it reports nothing more)', async () => {
    const region = makeRegion({ name: 'users' }).configure('memory');
    region.close();
    const { meter, collect } = memoryMeter();
    const stop = instrumentRegion(region, { meter });
    await expect(region.get('k')).rejects.toThrow();
    stop();
    expect((await collect()).total('dogpile_cache.misses')).toBe(0);
  });
});

describe('instrumentRegion: stop', () => {
  it('stops recording, and stopping twice is harmless', async () => {
    const { region, stop, collect } = setup();
    await region.get('k');
    stop();
    stop();
    await region.get('k');
    await region.set('k', 1);
    const collected = await collect();
    expect(collected.total('dogpile_cache.misses')).toBe(1);
    expect(collected.total('dogpile_cache.sets')).toBe(0);
  });

  it('stops only its own instrumentation', async () => {
    const { region, collect } = setup();
    const other = memoryMeter();
    const stopOther = instrumentRegion(region, { meter: other.meter });
    stopOther();
    await region.get('k');
    expect((await collect()).total('dogpile_cache.misses')).toBe(1);
    expect((await other.collect()).total('dogpile_cache.misses')).toBe(0);
  });
});

describe('instrumentRegion: spans', () => {
  function spanSetup() {
    const clock = manualClock();
    const region = makeRegion({ name: 'users', now: clock.read }).configure('memory', { expirationTime: 1000 });
    const { meter } = memoryMeter();
    const traces = memoryTracer();
    stops.push(instrumentRegion(region, { meter, spans: true, tracerProvider: traces.tracerProvider }));
    return { region, clock, ...traces };
  }

  it('records none unless asked', async () => {
    const region = makeRegion({ name: 'users' }).configure('memory');
    const { meter } = memoryMeter();
    const traces = memoryTracer();
    expect(() => instrumentRegion(region, { meter, tracer: traces.tracer })).toThrow(TypeError);
    stops.push(instrumentRegion(region, { meter }));
    await region.getOrCreate('k', () => 1);
    expect(traces.spans()).toEqual([]);
  });

  it('records a span per creator run, from its start to its end on the region clock', async () => {
    const { region, clock, spans } = spanSetup();
    const started = clock.now;
    await region.getOrCreate('user:secret-4', () => {
      clock.advance(250);
      return 'bob';
    });
    await region.getOrCreate('user:secret-4', () => 'cached already');

    const [span, ...more] = spans();
    expect(more).toEqual([]);
    expect(span!.name).toBe('dogpile_cache.create');
    expect(ms(span!.startTime)).toBeCloseTo(started, 3);
    expect(ms(span!.endTime)).toBeCloseTo(started + 250, 3);
    expect(span!.attributes).toEqual({ ...REGION, 'dogpile_cache.cached': true });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.instrumentationScope.name).toBe('dogpile-cache');
  });

  it('marks the span of a creator that threw as an error, from when it took the lock, without the message', async () => {
    const { region, clock, spans } = spanSetup();
    const started = clock.now;
    await expect(region.getOrCreate('user:secret-5', () => {
      clock.advance(40);
      throw new TypeError('user:secret-5 is gone');
    })).rejects.toThrow(TypeError);

    const [span, ...more] = spans();
    expect(more).toEqual([]);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.status.message).toBeUndefined();
    expect(ms(span!.startTime)).toBeCloseTo(started, 3);
    expect(ms(span!.endTime)).toBeCloseTo(started + 40, 3);
    expect(span!.attributes).toEqual({ ...REGION, 'error.type': 'TypeError' });
    expect(span!.events.map((event) => [event.name, event.attributes])).toEqual([['exception', { 'exception.type': 'TypeError' }]]);
    expect(JSON.stringify(span!.attributes) + JSON.stringify(span!.events)).not.toContain('secret');
  });

  it('records the retry after a failed creation as its own span', async () => {
    const { region, spans } = spanSetup();
    await expect(region.getOrCreate('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await region.getOrCreate('k', () => 'up')).toBe('up');
    expect(spans().map((span) => span.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
  });
});

describe('instrumentRegion: bad arguments', () => {
  const region = makeRegion({ name: 'users' }).configure('memory');
  const { meter, meterProvider } = memoryMeter();

  it.each([
    ['no region', () => instrumentRegion(undefined as never)],
    ['not a region', () => instrumentRegion({} as never)],
    ['options not an object', () => instrumentRegion(region, 5 as never)],
    ['meter and meterProvider', () => instrumentRegion(region, { meter, meterProvider })],
    ['spans not a boolean', () => instrumentRegion(region, { meter, spans: 'yes' as never })],
    ['attributes not an object', () => instrumentRegion(region, { meter, attributes: [] as never })],
    ['an attribute that is not a value', () => instrumentRegion(region, { meter, attributes: { tier: { nested: true } } as never })],
  ])('throws a TypeError for %s', (_, call) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(/^dogpile-cache: /);
  });
});
