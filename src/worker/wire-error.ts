/**
 * Errors as they cross between page and worker: structured clone keeps an
 * error's message but not its class or extra fields, so errors travel as a
 * plain description and are rebuilt with their class on the other side:
 * every built-in error class (`AggregateError` with its `errors`), the
 * `DOMException`s (with their name, hence their code) and the library's own
 * classes, so `instanceof RegionNotConfigured` keeps working in the page. A
 * subclass the other side cannot know (`class HttpError extends TypeError`)
 * arrives as its nearest known class, with its own name. Its own enumerable
 * properties that structured clone can copy (`code`, `status`, ...) and its
 * `cause` chain travel too.
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
  ValueNotStorableError,
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
  /** The nearest class of the error this side knows, by name, when it is not the one `name` says. */
  base?: string;
  /** `AggregateError.errors`, each described. */
  errors?: WireError[];
  /** Whether the error is a `DOMException` (rebuilt as one, whatever its name). */
  dom?: true;
}

// Nested causes are followed this deep (a cycle of causes must not loop).
const MAX_CAUSE_DEPTH = 8;
// Set by the constructor from the message or options; never copied over.
const OWN_FIELDS = new Set(['name', 'message', 'stack', 'cause']);

type ErrorClass = new (message: string) => Error;

// Errors rebuilt with their own class; anything else becomes its nearest of these, with its name.
const classes: Record<string, ErrorClass> = {
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
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
  ValueNotStorableError,
  // Built with its `errors` (see fromWireError).
  AggregateError: AggregateError as unknown as ErrorClass,
};

// The table's names by prototype, to find a thrown error's nearest known class.
const namesByPrototype = new Map<object, string>(Object.entries(classes).map(([name, cls]) => [cls.prototype, name]));

/** The name of the nearest class of `error` in the table (`undefined` when none is, e.g. another realm's error). */
function knownBase(error: object): string | undefined {
  for (let proto = Object.getPrototypeOf(error); proto; proto = Object.getPrototypeOf(proto)) {
    const name = namesByPrototype.get(proto);
    if (name !== undefined) return name;
  }
  return undefined;
}

function isDomException(error: unknown): boolean {
  return (typeof DOMException === 'function' && error instanceof DOMException) || Object.prototype.toString.call(error) === '[object DOMException]';
}

/** Describes a thrown value so that it survives a `postMessage`. */
export function toWireError(error: unknown, depth = 0): WireError {
  if (error instanceof Error || isErrorLike(error)) {
    const { name, message, stack } = error as Error;
    const key = (error as { key?: unknown }).key;
    const props = cloneableProps(error as object);
    const nested = depth < MAX_CAUSE_DEPTH;
    const hasCause = Object.hasOwn(error as object, 'cause') && nested;
    const dom = isDomException(error);
    const base = dom ? undefined : knownBase(error as object);
    const inner = (error as { errors?: unknown }).errors;
    const errors = nested && error instanceof AggregateError && Array.isArray(inner) ? inner.map((each) => toWireError(each, depth + 1)) : undefined;
    return {
      isError: true,
      name: String(name),
      message: String(message),
      ...(typeof stack === 'string' ? { stack } : {}),
      ...(typeof key === 'string' ? { key } : {}),
      ...(props ? { props } : {}),
      ...(hasCause ? { cause: toWireError((error as { cause?: unknown }).cause, depth + 1) } : {}),
      ...(base !== undefined && base !== name ? { base } : {}),
      ...(errors ? { errors } : {}),
      ...(dom ? { dom: true as const } : {}),
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
  const className = wire.base ?? wire.name;
  const cls = Object.hasOwn(classes, className) ? classes[className] : undefined;
  if (typeof DOMException === 'function' && (wire.dom || (!cls && isDomExceptionName(wire.name)))) {
    error = new DOMException(wire.message, wire.name) as unknown as Error;
  } else if (cls === ValueNotCloneableError) {
    error = new ValueNotCloneableError(wire.message, wire.key === undefined ? undefined : { key: wire.key });
  } else if (cls === classes.AggregateError) {
    error = new AggregateError((wire.errors ?? []).map(fromWireError), wire.message);
  } else {
    error = new (cls ?? Error)(wire.message);
  }
  // A subclass this side does not know keeps its name (as an own property, as its class field made it).
  if (error.name !== wire.name) error.name = wire.name;
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
