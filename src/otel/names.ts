/**
 * The names `dogpile-cache/otel` reports under, in OpenTelemetry
 * semantic-convention style: everything in the `dogpile_cache` namespace,
 * counters pluralized with a `{thing}` unit, histograms named `*.duration`
 * in `ms` (the library's unit of time everywhere).
 *
 * @module
 */

/** The instrumentation scope (meter and tracer name). */
export const SCOPE = 'dogpile-cache';

/** Attribute names. None of them is ever given a cache key. */
export const ATTR = {
  /** The region's name (absent for an unnamed region). */
  region: 'dogpile_cache.region',
  /** The label of the region's actual backend (proxies skipped): `MemoryBackend`, `RedisBackend`… */
  backend: 'dogpile_cache.backend',
  /** Whether a created value was stored. */
  cached: 'dogpile_cache.cached',
  /** Whether a write, delete or invalidation came from another tab or process. */
  remote: 'dogpile_cache.remote',
  /** Whether an invalidation was hard. */
  hard: 'dogpile_cache.invalidation.hard',
  /** How a lock wait ended: `value` (another caller's value) or `timeout` (gave up, created itself). */
  waitOutcome: 'dogpile_cache.wait.outcome',
  /** Where a fault happened, as the `error` event's `operation`. */
  operation: 'dogpile_cache.operation',
  /** The kind of a backend notice (`quota-evicted`, `mutex-fallback`…). */
  noticeKind: 'dogpile_cache.notice.kind',
  /** The semantic-convention attribute for the class of an error. */
  errorType: 'error.type',
} as const;

/** Counter names and units. */
export const COUNTERS = {
  hits: { name: 'dogpile_cache.hits', unit: '{hit}', description: 'Reads that found a usable value.' },
  misses: { name: 'dogpile_cache.misses', unit: '{miss}', description: 'Reads that found no usable value.' },
  staleServes: { name: 'dogpile_cache.stale_serves', unit: '{serve}', description: 'Expired values served while another caller regenerates them.' },
  creations: { name: 'dogpile_cache.creations', unit: '{creation}', description: 'Creator runs that returned a value.' },
  waits: { name: 'dogpile_cache.waits', unit: '{wait}', description: "Callers that waited for another caller's creator and got its value." },
  lockTimeouts: { name: 'dogpile_cache.lock_timeouts', unit: '{timeout}', description: 'Waiters that gave up after lockTimeout and created the value themselves.' },
  errors: { name: 'dogpile_cache.errors', unit: '{error}', description: 'Faults the region absorbed or passed on (failed writes, unreadable entries, creators that threw).' },
  sets: { name: 'dogpile_cache.sets', unit: '{set}', description: 'Entries written, here or by another tab or process.' },
  deletes: { name: 'dogpile_cache.deletes', unit: '{delete}', description: 'Entries removed, here or by another tab or process.' },
  invalidations: { name: 'dogpile_cache.invalidations', unit: '{invalidation}', description: 'Region invalidations, here or by another tab or process.' },
  notices: { name: 'dogpile_cache.notices', unit: '{notice}', description: 'Fallbacks and evictions the backend reported.' },
} as const;

/** Histogram names and units. */
export const HISTOGRAMS = {
  creationDuration: { name: 'dogpile_cache.creation.duration', unit: 'ms', description: 'Time a creator took, storing its value included.' },
  waitDuration: { name: 'dogpile_cache.wait.duration', unit: 'ms', description: "Time a caller waited for another caller's creator (until its value, or until lockTimeout)." },
} as const;

/** The span of a creator run. */
export const CREATE_SPAN = 'dogpile_cache.create';

/**
 * Bucket boundaries (ms) for both histograms: a memory hit path is well under
 * a millisecond, a creator that calls a service takes tens to thousands.
 */
export const DURATION_BUCKETS_MS = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000];
