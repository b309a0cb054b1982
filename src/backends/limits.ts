/**
 * The `maxEntries` and `maxBytes` backend arguments, and the byte sizes
 * `maxBytes` is measured in.
 *
 * @module
 */

/**
 * Checks a cap argument: `undefined`, `null` or `Infinity` (no cap), or a
 * positive integer. Returns the cap, `undefined` for none. `what` names it in
 * the error, e.g. `'indexeddb maxBytes'`.
 */
export function parseCap(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null || value === Infinity) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`dogpile-cache: ${what} must be a positive integer (or Infinity), got ${String(value)}`);
  }
  return value;
}

/** Checks a `maxEntries` argument of `backend` (see {@link parseCap}). */
export const parseMaxEntries = (value: unknown, backend: string): number | undefined => parseCap(value, `${backend} maxEntries`);

/** Checks a `maxBytes` argument of `backend` (see {@link parseCap}). */
export const parseMaxBytes = (value: unknown, backend: string): number | undefined => parseCap(value, `${backend} maxBytes`);

/** Bytes of a string as browsers count localStorage: UTF-16, two bytes a code unit. */
export function utf16Bytes(text: string): number {
  return text.length * 2;
}

/**
 * An estimate of the bytes a structured-clonable value takes in IndexedDB:
 * strings at two bytes a code unit, numbers 8, binary data its byteLength,
 * objects the sum of their keys and values. Each object counts once (cycles
 * and shared references). An estimate, not the browser's on-disk size, which
 * compression and record overhead change; it is what `maxBytes` caps.
 */
export function estimateBytes(value: unknown, seen: Set<object> = new Set()): number {
  switch (typeof value) {
    case 'string':
      return utf16Bytes(value);
    case 'number':
      return 8;
    case 'bigint':
      return 8 + Math.ceil(value.toString(16).length / 2);
    case 'boolean':
    case 'undefined':
      return 1;
    case 'object': {
      if (value === null) return 1;
      if (seen.has(value)) return 1;
      seen.add(value);
      if (ArrayBuffer.isView(value)) return value.byteLength;
      if (value instanceof ArrayBuffer) return value.byteLength;
      // Read lazily: there is no Blob in the core's environments (and none before Node 18).
      const BlobType = (globalThis as { Blob?: new () => { size: number } }).Blob;
      if (BlobType !== undefined && value instanceof BlobType) return value.size;
      if (value instanceof Date) return 8;
      if (value instanceof RegExp) return utf16Bytes(value.source) + 2;
      let total = 2;
      if (value instanceof Map) {
        for (const [k, v] of value) total += estimateBytes(k, seen) + estimateBytes(v, seen);
        return total;
      }
      if (value instanceof Set) {
        for (const v of value) total += estimateBytes(v, seen);
        return total;
      }
      for (const key of Object.keys(value)) total += utf16Bytes(key) + estimateBytes((value as Record<string, unknown>)[key], seen);
      return total;
    }
    default:
      return 1;
  }
}
