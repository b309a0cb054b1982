/**
 * Errors as they cross between page and worker: structured clone keeps an
 * error's message but not its class or extra fields, so errors travel as a
 * plain description and are rebuilt with their class on the other side
 * (`instanceof RegionNotConfigured` keeps working in the page), with their
 * own enumerable properties that structured clone can copy (`code`,
 * `status`, ...) and their `cause`.
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
  /** The error's own enumerable properties that structured clone could copy (others are left out). */
  props?: Record<string, unknown>;
  /** The error's `cause`, itself described. */
  cause?: WireError;
}

// Nested causes are followed this deep (a cycle of causes must not loop).
const MAX_CAUSE_DEPTH = 8;
// Set by the constructor from the message or options; never copied over.
const OWN_FIELDS = new Set(['name', 'message', 'stack', 'cause']);

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
export function toWireError(error: unknown, depth = 0): WireError {
  if (error instanceof Error || isErrorLike(error)) {
    const { name, message, stack } = error as Error;
    const key = (error as { key?: unknown }).key;
    const props = cloneableProps(error as object);
    const hasCause = Object.hasOwn(error as object, 'cause') && depth < MAX_CAUSE_DEPTH;
    return {
      isError: true,
      name: String(name),
      message: String(message),
      ...(typeof stack === 'string' ? { stack } : {}),
      ...(typeof key === 'string' ? { key } : {}),
      ...(props ? { props } : {}),
      ...(hasCause ? { cause: toWireError((error as { cause?: unknown }).cause, depth + 1) } : {}),
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
  if (wire.cause !== undefined) {
    // As `new Error(message, { cause })` makes it: own, not enumerable.
    Object.defineProperty(error, 'cause', { value: fromWireError(wire.cause), writable: true, configurable: true, enumerable: false });
  }
  if (wire.props) {
    for (const [name, value] of Object.entries(wire.props)) {
      if (OWN_FIELDS.has(name)) continue;
      try {
        Object.defineProperty(error, name, { value, writable: true, configurable: true, enumerable: true });
      } catch {
        // A platform error that refuses a property keeps the rest.
      }
    }
  }
  return error;
}

/** The error's own enumerable properties that survive structured clone, each on its own. */
function cloneableProps(error: object): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  let names: string[];
  try {
    names = Object.keys(error);
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (OWN_FIELDS.has(name)) continue;
    try {
      const value = structuredClone((error as Record<string, unknown>)[name]);
      (out ??= {})[name] = value;
    } catch {
      // A function, a DOM node...: this property cannot travel.
    }
  }
  return out;
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
