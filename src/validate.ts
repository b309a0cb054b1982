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
