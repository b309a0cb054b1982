/**
 * One span per creator run, recorded after the fact from the region's
 * events: a `created` event carries the run's duration, so its span goes
 * from `time - durationMs` to `time`. A creator that throws reports only an
 * `error` event (operation `creator`), so its span starts when the run
 * could start: when the caller took the creation lock of that key (or gave
 * up waiting for it, after `lockTimeout`). Spans are children of the
 * context active where the event is emitted, i.e. of the caller's span.
 *
 * @module
 */
import { context, SpanKind, SpanStatusCode, type Attributes, type Tracer } from '@opentelemetry/api';
import type { RegionEvent } from '../index.js';
import { ATTR, CREATE_SPAN } from './names.js';
import type { RegionAttributes } from './region-attributes.js';

/** Keys whose creation may be under way, at most this many (a creator that never settles must not grow it forever). */
const MAX_PENDING = 1_000;

/** Records the creator spans of one region. */
export class CreationSpans {
  readonly #tracer: Tracer;
  readonly #attributes: RegionAttributes;
  /** When a creation of each key could have started (region clock, ms). Keys stay in memory only, never in a span. */
  readonly #starts = new Map<string, number>();

  constructor(tracer: Tracer, attributes: RegionAttributes) {
    this.#tracer = tracer;
    this.#attributes = attributes;
  }

  /** Follows one region event. */
  observe(event: RegionEvent): void {
    switch (event.type) {
      case 'lockAcquired':
      case 'lockTimeout':
        this.#starting(event.key, event.time);
        break;
      case 'lockReleased':
        this.#starts.delete(event.key);
        break;
      case 'created':
        this.#starts.delete(event.key);
        this.#record(event.time - event.durationMs, event.time, this.#attributes.with(`cached:${event.cached}`, { [ATTR.cached]: event.cached }));
        break;
      case 'error':
        if (event.operation !== 'creator' || event.key === undefined) break;
        {
          const start = this.#starts.get(event.key) ?? event.time;
          this.#starts.delete(event.key);
          this.#record(start, event.time, this.#attributes.current(), errorType(event.error));
        }
        break;
    }
  }

  /** Forgets the creations under way. */
  clear(): void {
    this.#starts.clear();
  }

  #starting(key: string, time: number): void {
    const starts = this.#starts;
    starts.delete(key);
    starts.set(key, time);
    if (starts.size > MAX_PENDING) starts.delete(starts.keys().next().value!);
  }

  #record(start: number, end: number, attributes: Attributes, error?: string): void {
    const span = this.#tracer.startSpan(CREATE_SPAN, { kind: SpanKind.INTERNAL, startTime: start, attributes }, context.active());
    if (error !== undefined) {
      span.setAttribute(ATTR.errorType, error);
      // The type only: an error's message or stack may name the key.
      span.addEvent('exception', { 'exception.type': error }, end);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end(end);
  }
}

/** The `error.type` of a thrown value: its `name` (`TypeError`, `RedisUnavailableError`…), else `_OTHER`. */
export function errorType(error: unknown): string {
  const name = (error as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name : '_OTHER';
}
