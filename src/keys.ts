/**
 * Cache keys for decorated functions, and key manglers.
 *
 * @module
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { KeyMangler } from './api.js';
import { ValidationError } from './errors.js';

/** Turns one function argument into its part of a cache key. */
export type ToStr = (arg: unknown) => string;

/** Options a key generator receives from the decorator. */
export interface KeyGeneratorOptions {
  toStr?: ToStr;
}

/** Any function a decorator can wrap. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => any;

/**
 * Makes the per-call key function for a decorated function: dogpile.cache's
 * `function_key_generator` protocol. Called once per decorated function as
 * `generator(namespace | undefined, fn, { toStr })`.
 */
export type KeyGenerator = (
  namespace: string | undefined,
  fn: AnyFunction,
  options?: KeyGeneratorOptions,
) => (...args: any[]) => string;

/** Like {@link KeyGenerator}, for `cacheMultiOnArguments`: one key per argument. */
export type MultiKeyGenerator = (
  namespace: string | undefined,
  fn: AnyFunction,
  options?: KeyGeneratorOptions,
) => (...args: any[]) => string[];

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function canonicalJson(value: unknown, seen: Set<object>): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value));
  if (typeof value === 'bigint') return JSON.stringify(`${value}n`);
  if (typeof value !== 'object') throw unkeyable(value);
  if (value instanceof Date) return JSON.stringify(dateToStr(value));
  if (seen.has(value)) throw new TypeError('dogpile-cache: cannot derive a cache key from a circular structure; pass toStr');
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item, seen))).join(',')}]`;
    }
    if (!isPlainObject(value)) {
      const toJSON = (value as { toJSON?: () => unknown }).toJSON;
      if (typeof toJSON === 'function') return canonicalJson(toJSON.call(value), seen);
      throw unkeyable(value);
    }
    const parts: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      parts.push(`${JSON.stringify(key)}:${canonicalJson(item, seen)}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    seen.delete(value);
  }
}

function dateToStr(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'Invalid Date' : date.toISOString();
}

function unkeyable(value: unknown): TypeError {
  const what = typeof value === 'object' ? (value as object).constructor?.name ?? 'object' : typeof value;
  return new TypeError(
    `dogpile-cache: cannot derive a cache key from a ${what} argument without risking collisions; pass a toStr option`,
  );
}

/**
 * The default {@link ToStr}. Strings and numbers as `String(x)`; booleans,
 * `null` and `undefined` likewise; Dates as ISO strings; plain objects and
 * arrays as compact JSON with sorted keys. Values that have no faithful string
 * form (functions, symbols, class instances without `toJSON` or `toString`)
 * throw a `TypeError` rather than collide as `[object Object]`.
 */
export function defaultToStr(arg: unknown): string {
  switch (typeof arg) {
    case 'string':
      return arg;
    case 'number':
    case 'boolean':
    case 'undefined':
    case 'bigint':
      return String(arg);
    case 'object':
      if (arg === null) return 'null';
      if (arg instanceof Date) return dateToStr(arg);
      if (Array.isArray(arg) || isPlainObject(arg)) return canonicalJson(arg, new Set());
      if (typeof (arg as { toJSON?: unknown }).toJSON === 'function') return canonicalJson(arg, new Set());
      if ((arg as object).toString !== Object.prototype.toString) return String(arg);
      throw unkeyable(arg);
    default:
      throw unkeyable(arg);
  }
}

function functionNamespace(namespace: string | undefined, fn: AnyFunction, generator: string): string {
  if (typeof fn !== 'function') throw new TypeError(`dogpile-cache: ${generator} expects a function, got ${typeof fn}`);
  if (!fn.name && namespace === undefined) {
    throw new ValidationError(
      `dogpile-cache: ${generator} needs a named function or a namespace: this function has no name (an anonymous function, or one a minifier renamed), so its keys would be shared with any other such function. Pass a namespace, e.g. cacheOnArguments({ namespace: 'users.load' }).`,
    );
  }
  return namespace === undefined ? fn.name : `${fn.name}|${namespace}`;
}

/** The key generators of this module, whose keys all start with {@link keyPrefix}. */
const PREFIXED_GENERATORS = new WeakSet<object>();

/** Marks one of this module's generators; pure, so that a bundle drops the generators an app does not use. */
function prefixed<G extends object>(generator: G): G {
  PREFIXED_GENERATORS.add(generator);
  return generator;
}

/**
 * The part every key of a decorated function starts with, under the default
 * generators (`functionKeyGenerator`, `kwargFunctionKeyGenerator`,
 * `functionMultiKeyGenerator`): `name|` or `name|namespace|`. For another
 * generator, `undefined`: its keys are its own business. Throws
 * `ValidationError` (naming `caller`) for a nameless function without a namespace.
 */
export function keyPrefix(generator: unknown, namespace: string | undefined, fn: AnyFunction, caller = 'the key generator'): string | undefined {
  return typeof generator === 'function' && PREFIXED_GENERATORS.has(generator) ? functionNamespace(namespace, fn, caller) + '|' : undefined;
}

/**
 * dogpile.cache's `function_key_generator`: keys of the form
 * `name|arg1 arg2`, or `name|namespace|arg1 arg2` with a namespace.
 */
export const functionKeyGenerator: KeyGenerator = /* @__PURE__ */ prefixed<KeyGenerator>((namespace, fn, options) => {
  const prefix = functionNamespace(namespace, fn, 'functionKeyGenerator') + '|';
  const toStr = options?.toStr ?? defaultToStr;
  return (...args) => prefix + args.map(toStr).join(' ');
});

/**
 * For functions that take one plain-object argument: the key is `name|` (or
 * `name|namespace|`) plus the object's values, sorted by key name, joined by
 * single spaces.
 */
export const kwargFunctionKeyGenerator: KeyGenerator = /* @__PURE__ */ prefixed<KeyGenerator>((namespace, fn, options) => {
  const prefix = functionNamespace(namespace, fn, 'kwargFunctionKeyGenerator') + '|';
  const toStr = options?.toStr ?? defaultToStr;
  return (...args) => {
    const [kwargs] = args;
    if (args.length !== 1 || kwargs === null || typeof kwargs !== 'object' || !isPlainObject(kwargs)) {
      throw new TypeError('dogpile-cache: kwargFunctionKeyGenerator expects exactly one plain-object argument');
    }
    const record = kwargs as Record<string, unknown>;
    return prefix + Object.keys(record).sort().map((key) => toStr(record[key])).join(' ');
  };
});

/**
 * dogpile.cache's `function_multi_key_generator`: one key per argument,
 * `name|arg` (or `name|namespace|arg`).
 */
export const functionMultiKeyGenerator: MultiKeyGenerator = /* @__PURE__ */ prefixed<MultiKeyGenerator>((namespace, fn, options) => {
  const prefix = functionNamespace(namespace, fn, 'functionMultiKeyGenerator') + '|';
  const toStr = options?.toStr ?? defaultToStr;
  return (...args) => args.map((arg) => prefix + toStr(arg));
});

/** SHA-1 of the key's UTF-8 bytes, as 40 hex digits. Synchronous. */
export function sha1MangleKey(key: string): string {
  return bytesToHex(sha1(utf8ToBytes(key)));
}

/** A mangler that applies `mangler` only to keys of `length` characters or more. */
export function lengthConditionalMangler(length: number, mangler: KeyMangler): KeyMangler {
  if (!Number.isInteger(length) || length < 0) throw new TypeError('dogpile-cache: length must be a non-negative integer');
  if (typeof mangler !== 'function') throw new TypeError('dogpile-cache: mangler must be a function');
  return (key) => (key.length >= length ? mangler(key) : key);
}
