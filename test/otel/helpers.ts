/**
 * An OpenTelemetry SDK in memory for the otel tests: a meter provider whose
 * reader is collected on demand, and a tracer provider whose spans are kept.
 */
import type { Attributes } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** A reader the test collects from (cumulative: each collection holds every measurement so far). */
class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** One data point: its attributes and its value (a sum, or a histogram's count and sum). */
export interface Point {
  attributes: Attributes;
  value: number;
  count?: number;
  sum?: number;
}

/** What a collection found, by metric name. */
export interface Collected {
  metrics: Map<string, MetricData>;
  /** The instrumentation scopes that reported. */
  scopes: string[];
  /** The points of `name` (none when it was not reported). */
  points(name: string): Point[];
  /** The sum of the points of `name` whose attributes include `match`. */
  total(name: string, match?: Attributes): number;
}

/** A meter provider over a reader the test collects from. */
export function memoryMeter() {
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  async function collect(): Promise<Collected> {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length) throw errors[0];
    const metrics = new Map<string, MetricData>();
    const scopes = resourceMetrics.scopeMetrics.map((scope) => scope.scope.name);
    for (const scope of resourceMetrics.scopeMetrics) for (const metric of scope.metrics) metrics.set(metric.descriptor.name, metric);
    const points = (name: string): Point[] => {
      const metric = metrics.get(name);
      if (!metric) return [];
      return metric.dataPoints.map((point) => {
        if (metric.dataPointType === DataPointType.HISTOGRAM) {
          const value = point.value as { count: number; sum?: number };
          return { attributes: point.attributes, value: value.count, count: value.count, sum: value.sum };
        }
        return { attributes: point.attributes, value: point.value as number };
      });
    };
    const total = (name: string, match: Attributes = {}) =>
      points(name)
        .filter((point) => Object.entries(match).every(([attr, value]) => point.attributes[attr] === value))
        .reduce((sum, point) => sum + point.value, 0);
    return { metrics, scopes, points, total };
  }
  return { meterProvider, meter: meterProvider.getMeter('test'), collect, shutdown: () => meterProvider.shutdown() };
}

/** A tracer provider that keeps every ended span. */
export function memoryTracer() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { tracerProvider, tracer: tracerProvider.getTracer('test'), spans: () => exporter.getFinishedSpans() };
}

/** Every attribute value of every point of every metric collected, as strings. */
export function allAttributeValues(collected: Collected): string[] {
  const values: string[] = [];
  for (const metric of collected.metrics.values()) for (const point of metric.dataPoints) values.push(...Object.values(point.attributes).map(String));
  return values;
}
