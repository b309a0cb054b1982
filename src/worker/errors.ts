/**
 * Errors of the worker-hosted region. All extend `DogpileCacheException`.
 *
 * @module
 */
import { DogpileCacheException, ValidationError } from '../errors.js';

/**
 * The worker that hosts the region is gone (crashed, terminated, closed, or
 * never started), so the call could not complete. Calls made after a loss
 * reconnect when the client was given a way to start a new worker; otherwise
 * they fail with this error too.
 */
export class WorkerUnavailableError extends DogpileCacheException {
  static readonly errorName: string = 'WorkerUnavailableError';
}

/**
 * A value that structured clone cannot copy (a function, a DOM node, a class
 * instance holding one...) had to cross between page and worker. `key` names
 * the cache key it belongs to.
 */
export class ValueNotCloneableError extends DogpileCacheException {
  static readonly errorName: string = 'ValueNotCloneableError';
  /** The cache key whose value could not be copied. */
  readonly key: string | undefined;

  constructor(message: string, options?: { cause?: unknown; key?: string }) {
    super(message, options);
    this.key = options?.key;
  }
}

/**
 * The page whose creator was making a value closed (or disconnected) before
 * the creator finished. Callers that were waiting for that value retry: one
 * of them becomes the creator.
 */
export class CreatorGoneError extends DogpileCacheException {
  static readonly errorName: string = 'CreatorGoneError';
}

/** `getOrCreate(key, 'name')` named a creator the worker was not given. */
export class UnknownCreatorError extends ValidationError {
  static override readonly errorName: string = 'UnknownCreatorError';
}

/** `text` without its final full stop, so that it can be quoted inside a sentence of its own. */
export function withoutFinalStop(text: string): string {
  return text.replace(/[\s.]+$/u, '');
}

/** The error every failed connection or lost worker gives: one sentence, one full stop. */
export function workerUnavailable(reason: string, cause?: unknown): WorkerUnavailableError {
  return new WorkerUnavailableError(`Worker-hosted region unavailable: ${withoutFinalStop(reason)}.`, cause === undefined ? undefined : { cause });
}
