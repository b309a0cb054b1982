/**
 * The JSON form of a localStorage entry.
 *
 * - a `CachedValue`: `{"ct":<ms>,"v":<version>,"p":<payload>,"w":<write token>}`
 * - a serializer's string: `{"s":"...","w":...}`; its bytes: `{"b":"<base64>","w":...}`
 *
 * The write token `w` (time and random part) lets a tab tell whether it sees
 * a given write yet (see write-markers.ts).
 *
 * @module
 */
import { CachedValue, type CachedValueMetadata, type StoredValue } from '../api.js';

/** A decoded entry. */
export interface DecodedEntry {
  value: StoredValue;
  /** The write token, when the entry has one. */
  token: string | undefined;
  /** Creation time for values, else undefined. */
  ct: number | undefined;
}

/** Encodes a value for `setItem`. Throws `TypeError` for payloads JSON cannot hold (cycles, BigInt). */
export function encodeEntry(value: StoredValue, token: string): string {
  if (value instanceof CachedValue) {
    const { ct, v, st, rv } = value.metadata;
    return JSON.stringify({ ct, v, ...(st === undefined ? {} : { st }), ...(rv === undefined ? {} : { rv }), p: value.payload, w: token });
  }
  if (typeof value === 'string') return JSON.stringify({ s: value, w: token });
  if (value instanceof Uint8Array) return JSON.stringify({ b: toBase64(value), w: token });
  throw new TypeError('dogpile-cache: localstorage can store a CachedValue, a string or a Uint8Array');
}

/**
 * Decodes what `getItem` returned: the entry, `undefined` for no entry, or
 * `'corrupt'` for text that is not an entry of this library (bad JSON, wrong
 * shape), which callers treat as a miss.
 */
export function decodeEntry(text: string | null): DecodedEntry | undefined | 'corrupt' {
  if (text === null) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'corrupt';
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'corrupt';
  const record = data as Record<string, unknown>;
  const token = typeof record.w === 'string' ? record.w : undefined;
  if (typeof record.ct === 'number' && typeof record.v === 'number') {
    const metadata: CachedValueMetadata = { ct: record.ct, v: record.v };
    if (typeof record.st === 'number') metadata.st = record.st;
    if (typeof record.rv === 'string' || typeof record.rv === 'number') metadata.rv = record.rv;
    return { value: new CachedValue(record.p, metadata), token, ct: record.ct };
  }
  if (typeof record.s === 'string') return { value: record.s, token, ct: undefined };
  if (typeof record.b === 'string') {
    const bytes = fromBase64(record.b);
    return bytes ? { value: bytes, token, ct: undefined } : 'corrupt';
  }
  return 'corrupt';
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array | undefined {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}
