/**
 * The `maxEntries` backend argument, shared by the backends that take it.
 *
 * @module
 */

/**
 * Checks a `maxEntries` argument: `undefined` or `Infinity` (no cap), or a
 * positive integer. Returns the cap, `undefined` for none.
 */
export function parseMaxEntries(value: unknown, backend: string): number | undefined {
  if (value === undefined || value === null || value === Infinity) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`dogpile-cache: ${backend} maxEntries must be a positive integer (or Infinity), got ${String(value)}`);
  }
  return value;
}
