/**
 * dogpile-cache/otel: a region's activity as OpenTelemetry metrics and
 * spans, through `@opentelemetry/api` (an optional peer dependency; only this
 * entry imports it). Bring your own SDK: `instrumentRegion` reports through
 * the meter and tracer you give it, else the global providers.
 *
 * @module
 */
export { instrumentRegion, type InstrumentRegionOptions } from './instrument-region.js';
export type { InstrumentedRegion } from './region-attributes.js';
