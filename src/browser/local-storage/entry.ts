/**
 * The text form of a localStorage entry (format 3):
 *
 * ```text
 * dc3{"k":"c","ct":…,"v":…,"w":"<write token>","a":<written at>,"o":"<tab>"}\n<payload>
 * ```
 *
 * A JSON header, one line (JSON never writes a raw newline), then the body:
 * for a `CachedValue` (`k: "c"`) its payload encoded with devalue, which keeps
 * what structured clone keeps (`NaN`, `-0`, `Date`, `Map`, `Set`, `RegExp`,
 * typed arrays, `BigInt`, `undefined`, holes, cycles); for a serializer's
 * string (`k: "s"`) the string itself; for its bytes (`k: "b"`) base64.
 * Readers that only need the header (eviction, other tabs' change feed) do
 * not parse the body.
 *
 * The write token `w` (time and random part) lets a tab tell whether it sees
 * a given write yet (see write-markers.ts); `a` is when it was written (epoch
 * ms, strictly increasing within a tab: it orders evictions); `o` names the
 * tab that wrote it.
 * Entries of earlier formats (plain JSON objects) read as `'outdated'`.
 *
 * @module
 */
import { parse as devalueParse, stringify as devalueStringify } from 'devalue';
import { CachedValue, type CachedValueMetadata, type StoredValue } from '../../api.js';
import { monotonicNow } from '../../clock.js';
import type { SeenState } from '../catch-up.js';
import { ERROR_NAMES } from '../storable.js';

/** The marker every entry of this format starts with. */
export const ENTRY_FORMAT = 'dc3';

/** What the header line holds. */
export interface EntryHeader {
  /** What the body is: a value's payload, a serializer's string, or its bytes. */
  kind: 'c' | 's' | 'b';
  /** The write token, when the entry has one. */
  token: string | undefined;
  /** The tab that wrote the entry, when known. */
  origin: string | undefined;
  /** Creation time for values, else undefined. */
  ct: number | undefined;
  /** When the entry was written (epoch ms), when known. */
  at: number | undefined;
  /** For values: who ran the creator (`metadata.o`), when known. */
  createdBy: string | undefined;
  /** For values: when the creator started (`metadata.st`), when known. */
  startedAt: number | undefined;
}

/** A decoded entry. */
export interface DecodedEntry extends EntryHeader {
  value: StoredValue;
}

/** Errors travel as structured clone keeps them: type, message, stack. */
const reducers = {
  Error: (value: unknown) => value instanceof Error && [value.name, value.message, value.stack],
};
const revivers = {
  Error: ([name, message, stack]: [string, string, string | undefined]) => {
    const Type = (ERROR_NAMES.has(name) ? (globalThis as Record<string, unknown>)[name] : Error) as ErrorConstructor;
    const error = new Type(message);
    if (stack === undefined) delete error.stack;
    else error.stack = stack;
    return error;
  },
};

/**
 * Encodes a value for `setItem`. Throws devalue's error for a payload it
 * cannot encode; callers check values with `unstorableReason` first.
 */
export function encodeEntry(value: StoredValue, token: string, origin?: string): string {
  const written = { w: token, a: monotonicNow(), ...(origin === undefined ? {} : { o: origin }) };
  if (value instanceof CachedValue) {
    const { ct, v, st, rv, o } = value.metadata;
    const header = { k: 'c', ct, v, ...(st === undefined ? {} : { st }), ...(rv === undefined ? {} : { rv }), ...(o === undefined ? {} : { mo: o }), ...written };
    return `${ENTRY_FORMAT}${JSON.stringify(header)}\n${devalueStringify(value.payload, reducers)}`;
  }
  const head = (k: 's' | 'b') => `${ENTRY_FORMAT}${JSON.stringify({ k, ...written })}\n`;
  if (typeof value === 'string') return head('s') + value;
  if (value instanceof Uint8Array) return head('b') + toBase64(value);
  throw new TypeError('dogpile-cache: localstorage can store a CachedValue, a string or a Uint8Array');
}

/** What a reader gets for text that is not a current entry. */
export type Unreadable = 'corrupt' | 'outdated';

/** The header and where the body starts, or why there is none. */
function splitEntry(text: string): { header: Record<string, unknown>; body: number } | Unreadable {
  if (!text.startsWith(ENTRY_FORMAT)) return isEarlierFormat(text) ? 'outdated' : 'corrupt';
  const end = text.indexOf('\n', ENTRY_FORMAT.length);
  if (end < 0) return 'corrupt';
  let header: unknown;
  try {
    header = JSON.parse(text.slice(ENTRY_FORMAT.length, end));
  } catch {
    return 'corrupt';
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return 'corrupt';
  return { header: header as Record<string, unknown>, body: end + 1 };
}

/** Whether `text` is an entry of format 2 (a JSON object `{ct, v, p}`, `{s}` or `{b}`). */
function isEarlierFormat(text: string): boolean {
  if (!text.startsWith('{')) return false;
  try {
    const { ct, v, s, b } = JSON.parse(text) as Record<string, unknown>;
    return (typeof ct === 'number' && typeof v === 'number') || typeof s === 'string' || typeof b === 'string';
  } catch {
    return false;
  }
}

function headerOf(record: Record<string, unknown>): EntryHeader | 'corrupt' {
  const { k, w, o, ct, v, a, mo, st } = record;
  if (k !== 'c' && k !== 's' && k !== 'b') return 'corrupt';
  if (k === 'c' && (typeof ct !== 'number' || typeof v !== 'number')) return 'corrupt';
  return {
    kind: k,
    token: typeof w === 'string' ? w : undefined,
    origin: typeof o === 'string' ? o : undefined,
    ct: k === 'c' ? (ct as number) : undefined,
    at: typeof a === 'number' ? a : undefined,
    createdBy: k === 'c' && typeof mo === 'string' ? mo : undefined,
    startedAt: k === 'c' && typeof st === 'number' ? st : undefined,
  };
}

/**
 * Reads only the header of what `getItem` returned: `undefined` for no
 * entry, `'outdated'` for an entry of an earlier format, `'corrupt'` for text
 * that is not an entry of this library.
 */
export function decodeHeader(text: string | null): EntryHeader | undefined | Unreadable {
  if (text === null) return undefined;
  const split = splitEntry(text);
  return typeof split === 'string' ? split : headerOf(split.header);
}

/**
 * Decodes what `getItem` returned: the entry, `undefined` for no entry,
 * `'outdated'` for an entry of an earlier format, or `'corrupt'` for text
 * that is not an entry of this library (bad header, unreadable body). Callers
 * treat the last two as misses.
 */
export function decodeEntry(text: string | null): DecodedEntry | undefined | Unreadable {
  if (text === null) return undefined;
  const split = splitEntry(text);
  if (typeof split === 'string') return split;
  const header = headerOf(split.header);
  if (header === 'corrupt') return header;
  const body = text.slice(split.body);
  switch (header.kind) {
    case 'c': {
      let payload: unknown;
      try {
        payload = devalueParse(body, revivers);
      } catch {
        return 'corrupt';
      }
      const { st, rv, mo } = split.header;
      const metadata: CachedValueMetadata = { ct: header.ct!, v: split.header.v as number };
      if (typeof st === 'number') metadata.st = st;
      if (typeof rv === 'string' || typeof rv === 'number') metadata.rv = rv;
      if (typeof mo === 'string') metadata.o = mo;
      return { ...header, value: new CachedValue(payload, metadata) };
    }
    case 's':
      return { ...header, value: body };
    case 'b': {
      const bytes = fromBase64(body);
      return bytes ? { ...header, value: bytes } : 'corrupt';
    }
  }
}

/** What catching up compares: an entry's creation time (a serializer's entry: its write time), `null` when absent or unreadable. */
export function entryState(header: EntryHeader | undefined | Unreadable): SeenState {
  if (header === undefined || typeof header === 'string') return null;
  return header.ct ?? header.at ?? null;
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
