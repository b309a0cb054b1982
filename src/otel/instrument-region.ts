/**
 * `instrumentRegion`: a region's activity as OpenTelemetry metrics (and,
 * on request, spans), from its public events. Nothing here reaches into the
 * region: it is an ordinary subscriber, like the devtools inspector.
 *
 * @module
 */
import { metrics, trace, type Attributes, type Counter, type Histogram, type Meter, type MeterProvider, type Tracer, type TracerProvider } from '@opentelemetry/api';
import type { RegionEvent } from '../index.js';
import { CreationSpans, errorType } from './creation-spans.js';
import { ATTR, COUNTERS, DURATION_BUCKETS_MS, HISTOGRAMS, SCOPE } from './names.js';
import { RegionAttributes, type InstrumentedRegion } from './region-attributes.js';

/** Options of {@link instrumentRegion}. */
export interface InstrumentRegionOptions {
  /** The meter to report through. Default: a meter of `meterProvider`. Give this or `meterProvider`, not both. */
  meter?: Meter;
  /** The provider of the meter. Default: the global one (`metrics.getMeterProvider()`), read when `instrumentRegion` is called. */
  meterProvider?: MeterProvider;
  /** Records a span per creator run (`dogpile_cache.create`). Default `false`. */
  spans?: boolean;
  /** The tracer of those spans (with `spans: true`). Default: a tracer of `tracerProvider`. */
  tracer?: Tracer;
  /** The provider of the tracer (with `spans: true`). Default: the global one (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /** Attributes added to every measurement and span (e.g. `{ 'app.cache.tier': 'edge' }`). The library's own attributes win on a clash. */
  attributes?: Attributes;
}

/** The instruments of one `instrumentRegion` call (the SDK shares instruments of the same name between calls). */
interface Instruments {
  counters: { -readonly [K in keyof typeof COUNTERS]: Counter };
  creationDuration: Histogram;
  waitDuration: Histogram;
}

function makeInstruments(meter: Meter): Instruments {
  const counters = Object.fromEntries(
    Object.entries(COUNTERS).map(([id, { name, unit, description }]) => [id, meter.createCounter(name, { unit, description })]),
  ) as Instruments['counters'];
  const histogram = ({ name, unit, description }: { name: string; unit: string; description: string }) =>
    meter.createHistogram(name, { unit, description, advice: { explicitBucketBoundaries: DURATION_BUCKETS_MS } });
  return { counters, creationDuration: histogram(HISTOGRAMS.creationDuration), waitDuration: histogram(HISTOGRAMS.waitDuration) };
}

/**
 * Reports `region`'s activity as OpenTelemetry metrics (and, with `spans: true`, a span per creator run)
 * through `@opentelemetry/api`; returns the function that stops it (idempotent).
 *
 * Every measurement carries `dogpile_cache.region` (the region's name) and `dogpile_cache.backend` (the label
 * of its actual backend, following reconfiguration), never a key. The region may be configured later; a region
 * that is closed reports what is still finishing under its last backend. See the README's "Metrics" table.
 *
 * @throws TypeError when `region` is not a region or an option is malformed.
 */
export function instrumentRegion(region: InstrumentedRegion, options: InstrumentRegionOptions = {}): () => void {
  if (region === null || typeof region !== 'object' || typeof (region as { subscribe?: unknown }).subscribe !== 'function') {
    throw new TypeError('dogpile-cache: instrumentRegion expects a region (from makeRegion)');
  }
  if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: instrumentRegion options must be an object');
  const { meter, meterProvider, spans = false, tracer, tracerProvider, attributes = {} } = options;
  if (meter !== undefined && meterProvider !== undefined) throw new TypeError('dogpile-cache: instrumentRegion takes meter or meterProvider, not both');
  if (tracer !== undefined && tracerProvider !== undefined) throw new TypeError('dogpile-cache: instrumentRegion takes tracer or tracerProvider, not both');
  if (typeof spans !== 'boolean') throw new TypeError('dogpile-cache: instrumentRegion spans must be a boolean');
  if (!spans && (tracer !== undefined || tracerProvider !== undefined)) {
    throw new TypeError('dogpile-cache: instrumentRegion records spans only with spans: true; pass it with tracer or tracerProvider');
  }
  checkAttributes(attributes);

  const regionAttributes = new RegionAttributes(region, attributes);
  const instruments = makeInstruments(meter ?? (meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE));
  const creationSpans = spans ? new CreationSpans(tracer ?? (tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE), regionAttributes) : undefined;

  let unsubscribe: (() => void) | undefined = region.subscribe((event) => {
    record(event, instruments, regionAttributes);
    creationSpans?.observe(event);
  });
  return () => {
    unsubscribe?.();
    unsubscribe = undefined;
    creationSpans?.clear();
  };
}

/** Records one event in the instruments. The key of a keyed event is never read. */
function record(event: RegionEvent, { counters, creationDuration, waitDuration }: Instruments, attributes: RegionAttributes): void {
  switch (event.type) {
    case 'hit':
      counters.hits.add(1, attributes.current());
      break;
    case 'miss':
      counters.misses.add(1, attributes.current());
      break;
    case 'stale':
      counters.staleServes.add(1, attributes.current());
      break;
    case 'created': {
      const withCached = attributes.with(`cached:${event.cached}`, { [ATTR.cached]: event.cached });
      counters.creations.add(1, withCached);
      creationDuration.record(event.durationMs, withCached);
      break;
    }
    case 'waited':
      counters.waits.add(1, attributes.current());
      waitDuration.record(event.durationMs, attributes.with('wait:value', { [ATTR.waitOutcome]: 'value' }));
      break;
    case 'lockTimeout':
      counters.lockTimeouts.add(1, attributes.current());
      waitDuration.record(event.waitedMs, attributes.with('wait:timeout', { [ATTR.waitOutcome]: 'timeout' }));
      break;
    case 'error':
      counters.errors.add(1, { ...attributes.current(), [ATTR.operation]: event.operation, [ATTR.errorType]: errorType(event.error) });
      break;
    case 'set':
      counters.sets.add(1, attributes.with(`remote:${event.remote}`, { [ATTR.remote]: event.remote }));
      break;
    case 'delete':
      counters.deletes.add(1, attributes.with(`remote:${event.remote}`, { [ATTR.remote]: event.remote }));
      break;
    case 'invalidated':
      counters.invalidations.add(1, attributes.with(`invalidated:${event.hard}:${event.remote}`, { [ATTR.hard]: event.hard, [ATTR.remote]: event.remote }));
      break;
    case 'notice':
      counters.notices.add(1, { ...attributes.current(), [ATTR.noticeKind]: event.kind });
      break;
    // lockAcquired / lockReleased: only the spans follow them.
  }
}

/** Attribute values OpenTelemetry accepts: strings, finite numbers, booleans, and arrays of one of them. */
function checkAttributes(attributes: unknown): asserts attributes is Attributes {
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) {
    throw new TypeError('dogpile-cache: instrumentRegion attributes must be an object of attribute values');
  }
  for (const [name, value] of Object.entries(attributes)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (!values.every((item) => typeof item === 'string' || typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item)) || item == null)) {
      throw new TypeError(`dogpile-cache: instrumentRegion attribute "${name}" must be a string, a finite number, a boolean or an array of them`);
    }
  }
}
