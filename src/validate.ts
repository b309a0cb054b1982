/**
 * Checks of option values, with one rule for every option: a value of the
 * wrong type is a `TypeError`; a number out of range is a `ValidationError`.
 *
 * @module
 */
import { ValidationError } from './errors.js';

/**
 * Checks a duration option (ms): a number, finite, at least `min`.
 *
 * @param name How the message names the option, e.g. `'lockTimeout'`.
 * @param min The smallest allowed value; `exclusive` when it is itself not allowed.
 */
export function checkDuration(value: unknown, name: string, min = 0, exclusive = false): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`dogpile-cache: ${name} must be a number of ms, got ${value === null ? 'null' : typeof value}`);
  if (!Number.isFinite(value) || (exclusive ? !(value > min) : !(value >= min))) {
    throw new ValidationError(`${name} must be a finite number of ms ${exclusive ? '>' : '>='} ${min}, got ${String(value)}`);
  }
}

/** Checks that an optional argument is a function. */
export function checkOptionalFunction(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`dogpile-cache: ${name} must be a function, got ${value === null ? 'null' : typeof value}`);
  }
}

/** Checks that `keys` is an array. */
export function checkKeys(keys: unknown): void {
  if (!Array.isArray(keys)) throw new TypeError(`dogpile-cache: expected an array of keys, got ${keys === null ? 'null' : typeof keys}`);
}

/** Checks that `options` is an object (or absent). */
export function checkOptions(options: unknown, what: string): void {
  if (options !== undefined && (options === null || typeof options !== 'object')) throw new TypeError(`dogpile-cache: ${what} must be an object`);
}
