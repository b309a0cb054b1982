/**
 * How entries are written into Redis strings: a one-byte tag, then the body.
 *
 * @module
 */
import { deserialize, serialize } from 'node:v8';
import { CachedValue, type StoredValue } from '../api.js';
import { CantDeserializeException, ValueNotStorableError } from '../errors.js';

/** Tag of a {@link CachedValue}: the structured clone of `[metadata, payload]` follows. */
const TAG_VALUE = 0x63; // 'c'
/** Tag of a {@link CachedValue} whose metadata and payload are plain JSON: `[metadata, payload]` as JSON follows. */
const TAG_JSON = 0x6a; // 'j'
/** Tag of a region serializer's string: UTF-8 follows. */
const TAG_STRING = 0x73; // 's'
/** Tag of a region serializer's bytes: the bytes follow. */
const TAG_BYTES = 0x62; // 'b'
/** Tag of a string that UTF-8 cannot carry (lone surrogates): UTF-16LE follows. */
const TAG_UTF16 = 0x75; // 'u'

/**
 * Encodes an entry. A {@link CachedValue} is written as the structured
 * clone (V8's serializer, the algorithm behind `structuredClone` and
 * `postMessage`) of its whole metadata object and its payload, so Date, Map,
 * Set, BigInt, NaN, -0, undefined, typed arrays, sparse arrays and cycles
 * come back as they went in. What structured cloning refuses (functions,
 * symbols, promises, weak collections) throws {@link ValueNotStorableError}
 * naming `where` (the region and key), rather than being stored changed.
 *
 * (`@ungap/structured-clone`'s JSON form is not used: it turns NaN and
 * Infinity into null, -0 after a 0 into 0, and cannot write BigInt64Array.)
 */
export function encodeEntry(value: StoredValue, where: string): Buffer {
  if (value instanceof CachedValue) {
    const pair = [value.metadata, value.payload];
    // Plain JSON data reads back several times faster from JSON than from V8's format, and means the same.
    if (isPlainJson(pair, new Set())) return Buffer.concat([Buffer.of(TAG_JSON), Buffer.from(JSON.stringify(pair), 'utf8')]);
    let body: Buffer;
    try {
      body = serialize(pair);
    } catch (error) {
      throw new ValueNotStorableError(`${where}: the value cannot be stored in Redis (${(error as Error)?.message ?? String(error)})`, { cause: error });
    }
    return Buffer.concat([Buffer.of(TAG_VALUE), body]);
  }
  if (typeof value === 'string') {
    // UTF-8 would replace lone surrogates; such strings are written as UTF-16 instead.
    if (isWellFormed(value)) return Buffer.concat([Buffer.of(TAG_STRING), Buffer.from(value, 'utf8')]);
    return Buffer.concat([Buffer.of(TAG_UTF16), Buffer.from(value, 'utf16le')]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([Buffer.of(TAG_BYTES), value]);
  throw new TypeError('dogpile-cache: redis can store a CachedValue, a string or a Uint8Array');
}

/**
 * Decodes what {@link encodeEntry} wrote. Anything else (a key written by
 * another program, a truncated value) throws {@link CantDeserializeException},
 * which the region reads as a miss.
 */
export function decodeEntry(data: Buffer, key: string): StoredValue {
  const tag = data[0];
  const body = data.subarray(1);
  if (tag === TAG_STRING) return body.toString('utf8');
  if (tag === TAG_UTF16) return body.toString('utf16le');
  if (tag === TAG_BYTES) return new Uint8Array(body);
  if (tag === TAG_VALUE || tag === TAG_JSON) {
    let decoded: unknown;
    try {
      decoded = tag === TAG_JSON ? JSON.parse(body.toString('utf8')) : deserialize(body);
    } catch (error) {
      throw new CantDeserializeException(`Redis entry "${key}" cannot be read`, { cause: error });
    }
    if (Array.isArray(decoded) && decoded.length === 2) {
      const [metadata, payload] = decoded as [unknown, unknown];
      const m = metadata as { ct?: unknown; v?: unknown } | null;
      if (m !== null && typeof m === 'object' && typeof m.ct === 'number' && typeof m.v === 'number') {
        return new CachedValue(payload, metadata as CachedValue['metadata']);
      }
    }
  }
  throw new CantDeserializeException(`Redis entry "${key}" was not written by dogpile-cache`);
}

function isWellFormed(text: string): boolean {
  // Fast path: most strings have no surrogates at all.
  return !/[\uD800-\uDFFF]/.test(text) || (text as { isWellFormed?: () => boolean }).isWellFormed?.() === true;
}

/**
 * Whether JSON would carry `value` exactly: plain objects and arrays (dense,
 * no shared or cyclic references) of strings without lone surrogates,
 * finite numbers other than -0, booleans and null. Anything else (Date,
 * Map, undefined, NaN, a class instance...) goes through V8's serializer.
 */
function isPlainJson(value: unknown, seen: Set<object>): boolean {
  switch (typeof value) {
    case 'string':
      return isWellFormed(value);
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'boolean':
      return true;
    case 'object': {
      if (value === null) return true;
      if (seen.has(value)) return false;
      seen.add(value);
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype || Object.keys(value).length !== value.length) return false;
        for (let i = 0; i < value.length; i++) if (!(i in value) || !isPlainJson(value[i], seen)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      if (Object.getOwnPropertySymbols(value).length > 0) return false;
      for (const key of Object.keys(value)) {
        if (key === '__proto__' || !isWellFormed(key) || !isPlainJson((value as Record<string, unknown>)[key], seen)) return false;
      }
      // Non-enumerable own properties would be dropped by both encodings alike; getters were read above.
      return true;
    }
    default:
      return false;
  }
}
