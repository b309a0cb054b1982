/**
 * Errors as they cross between page and worker: structured clone keeps an
 * error's message but not its class or extra fields, so errors travel as a
 * plain description and are rebuilt with their class on the other side
 * (`instanceof RegionNotConfigured` keeps working in the page).
 *
 * @module
 */
import {
  CantDeserializeException,
  DogpileCacheException,
  PluginNotFound,
  QuotaExceededError,
  RegionAlreadyConfigured,
  RegionNotConfigured,
  StorageUnavailableError,
  ValidationError,
} from '../errors.js';
import { CreatorGoneError, UnknownCreatorError, ValueNotCloneableError, WorkerUnavailableError } from './errors.js';

/** An error (or any thrown value) as it travels. */
export interface WireError {
  /** Whether an `Error` was thrown (else `thrown` holds the thrown value). */
  isError: boolean;
  name: string;
  message: string;
  stack?: string;
  /** `ValueNotCloneableError.key`. */
  key?: string;
  /** A thrown non-error value, when structured clone can copy it. */
  thrown?: unknown;
}

type ErrorClass = new (message: string) => Error;

// Errors rebuilt with their own class; anything else becomes an Error with its name.
const classes: Record<string, ErrorClass> = {
  DogpileCacheException,
  RegionAlreadyConfigured,
  RegionNotConfigured,
  ValidationError,
  PluginNotFound,
  CantDeserializeException,
  QuotaExceededError,
  StorageUnavailableError,
  WorkerUnavailableError,
  ValueNotCloneableError,
  CreatorGoneError,
  UnknownCreatorError,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
};

/** Describes a thrown value so that it survives a `postMessage`. */
export function toWireError(error: unknown): WireError {
  if (error instanceof Error || isErrorLike(error)) {
    const { name, message, stack } = error as Error;
    const key = (error as { key?: unknown }).key;
    return {
      isError: true,
      name: String(name),
      message: String(message),
      ...(typeof stack === 'string' ? { stack } : {}),
      ...(typeof key === 'string' ? { key } : {}),
    };
  }
  try {
    return { isError: false, name: 'Error', message: String(error), thrown: structuredClone(error) };
  } catch {
    return { isError: false, name: 'Error', message: safeString(error) };
  }
}

/** Rebuilds a thrown value described by {@link toWireError}. */
export function fromWireError(wire: WireError): unknown {
  if (!wire.isError) return 'thrown' in wire ? wire.thrown : wire.message;
  let error: Error;
  const cls = Object.hasOwn(classes, wire.name) ? classes[wire.name] : undefined;
  if (cls === ValueNotCloneableError) {
    error = new ValueNotCloneableError(wire.message, wire.key === undefined ? undefined : { key: wire.key });
  } else if (cls) {
    error = new cls(wire.message);
  } else if (typeof DOMException === 'function' && isDomExceptionName(wire.name)) {
    error = new DOMException(wire.message, wire.name) as unknown as Error;
  } else {
    error = new Error(wire.message);
    error.name = wire.name;
  }
  if (wire.stack !== undefined) {
    try {
      error.stack = wire.stack;
    } catch {
      // Some engines make DOMException.stack read-only; the message is what matters.
    }
  }
  return error;
}

/** Whether a thrown value is structured clone's refusal to copy something. */
export function isDataCloneError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'DataCloneError';
}

function isErrorLike(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { message?: unknown }).message === 'string' &&
    // DOMExceptions from another realm are not `instanceof Error` everywhere.
    Object.prototype.toString.call(value) !== '[object Object]'
  );
}

// Platform errors that callers commonly test by name and class.
const domExceptionNames = new Set([
  'AbortError',
  'DataCloneError',
  'DataError',
  'InvalidStateError',
  'NotFoundError',
  'NotSupportedError',
  'SecurityError',
  'TimeoutError',
  'UnknownError',
  'VersionError',
]);

function isDomExceptionName(name: string): boolean {
  return domExceptionNames.has(name);
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
