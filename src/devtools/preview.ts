/**
 * Value previews: a cached value turned into a small, plain, truncated tree
 * (depth, string length, item count and a total node budget) that can cross
 * `postMessage` whatever the value holds: cycles, getters, class instances,
 * functions, symbols, huge strings. Getters are never called.
 *
 * @module
 */

/** A preview of a value, safe to post and to render as text. */
export type ValuePreview =
  | { t: 'string'; v: string; length: number }
  | { t: 'number'; v: string }
  | { t: 'boolean'; v: boolean }
  | { t: 'null' }
  | { t: 'undefined' }
  | { t: 'bigint'; v: string }
  | { t: 'symbol'; v: string }
  | { t: 'function'; name: string }
  | { t: 'date'; v: string }
  | { t: 'bytes'; length: number; head: string }
  | { t: 'error'; name: string; message: string }
  | { t: 'array'; items: ValuePreview[]; length: number }
  | { t: 'object'; className: string; entries: Array<[string, ValuePreview]>; size: number }
  | { t: 'map'; entries: Array<[ValuePreview, ValuePreview]>; size: number }
  | { t: 'set'; items: ValuePreview[]; size: number }
  | { t: 'truncated'; className: string; size: number | null }
  | { t: 'circular' }
  | { t: 'getter' }
  | { t: 'unreadable'; reason: string };

/** How much of a value a preview keeps. */
export interface PreviewLimits {
  /** Nesting depth; deeper containers become `truncated`. Default 5. */
  maxDepth: number;
  /** Characters kept of each string. Default 1000. */
  maxString: number;
  /** Items kept of each array, object, map or set. Default 100. */
  maxItems: number;
  /** Nodes in the whole preview. Default 2000. */
  maxNodes: number;
}

/** The limits used when none are given. */
export const DEFAULT_PREVIEW_LIMITS: Readonly<PreviewLimits> = { maxDepth: 5, maxString: 1000, maxItems: 100, maxNodes: 2000 };

const BYTES_HEAD = 32;

/** Builds a {@link ValuePreview} of `value` within `limits`. Never throws. */
export function makePreview(value: unknown, limits: Partial<PreviewLimits> = {}): ValuePreview {
  const opts = { ...DEFAULT_PREVIEW_LIMITS, ...limits };
  let nodes = 0;
  const seen = new Set<object>();

  const cut = (text: string) => (text.length > opts.maxString ? text.slice(0, opts.maxString) : text);

  const walk = (input: unknown, depth: number): ValuePreview => {
    nodes++;
    switch (typeof input) {
      case 'string':
        return { t: 'string', v: cut(input), length: input.length };
      case 'number':
        return { t: 'number', v: Object.is(input, -0) ? '-0' : String(input) };
      case 'boolean':
        return { t: 'boolean', v: input };
      case 'undefined':
        return { t: 'undefined' };
      case 'bigint':
        return { t: 'bigint', v: cut(String(input)) };
      case 'symbol':
        return { t: 'symbol', v: cut(input.description ?? '') };
      case 'function':
        return { t: 'function', name: cut(input.name) };
    }
    if (input === null) return { t: 'null' };
    const obj = input as object;
    try {
      if (obj instanceof Date) return { t: 'date', v: Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString() };
      if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) {
        const bytes = obj instanceof ArrayBuffer ? new Uint8Array(obj) : new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength);
        const head = Array.from(bytes.subarray(0, BYTES_HEAD), (b) => b.toString(16).padStart(2, '0')).join(' ');
        return { t: 'bytes', length: bytes.byteLength, head };
      }
      if (obj instanceof Error) return { t: 'error', name: cut(String(obj.name)), message: cut(String(obj.message)) };
      if (seen.has(obj)) return { t: 'circular' };
      const size = sizeOf(obj);
      if (depth >= opts.maxDepth || nodes >= opts.maxNodes) return { t: 'truncated', className: className(obj), size };
      seen.add(obj);
      try {
        return walkContainer(obj, depth, size);
      } finally {
        seen.delete(obj);
      }
    } catch (error) {
      // A Proxy trap or an exotic object refused to be read.
      return { t: 'unreadable', reason: cut(error instanceof Error ? error.message : String(error)) };
    }
  };

  const room = () => nodes < opts.maxNodes;

  const walkContainer = (obj: object, depth: number, size: number | null): ValuePreview => {
    if (Array.isArray(obj)) {
      const items: ValuePreview[] = [];
      for (let i = 0; i < obj.length && i < opts.maxItems && room(); i++) items.push(readIndex(obj, i, depth));
      return { t: 'array', items, length: obj.length };
    }
    if (obj instanceof Map) {
      const entries: Array<[ValuePreview, ValuePreview]> = [];
      for (const [k, v] of obj) {
        if (entries.length >= opts.maxItems || !room()) break;
        entries.push([walk(k, depth + 1), walk(v, depth + 1)]);
      }
      return { t: 'map', entries, size: obj.size };
    }
    if (obj instanceof Set) {
      const items: ValuePreview[] = [];
      for (const v of obj) {
        if (items.length >= opts.maxItems || !room()) break;
        items.push(walk(v, depth + 1));
      }
      return { t: 'set', items, size: obj.size };
    }
    const keys = Object.keys(obj);
    const entries: Array<[string, ValuePreview]> = [];
    for (const key of keys) {
      if (entries.length >= opts.maxItems || !room()) break;
      entries.push([cut(key), readProperty(obj, key, depth)]);
    }
    return { t: 'object', className: className(obj), entries, size: size ?? keys.length };
  };

  const readIndex = (arr: unknown[], i: number, depth: number): ValuePreview => readProperty(arr, String(i), depth);

  const readProperty = (obj: object, key: string, depth: number): ValuePreview => {
    const descriptor = Object.getOwnPropertyDescriptor(obj, key);
    if (!descriptor) return walk(undefined, depth + 1);
    if (!('value' in descriptor)) {
      nodes++;
      return { t: 'getter' };
    }
    return walk(descriptor.value, depth + 1);
  };

  return walk(value, 0);
}

function className(obj: object): string {
  try {
    const proto = Object.getPrototypeOf(obj);
    if (proto === null) return 'Object';
    const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
    const name = typeof ctor === 'function' ? ctor.name : '';
    return typeof name === 'string' && name ? name.slice(0, 100) : 'Object';
  } catch {
    return 'Object';
  }
}

function sizeOf(obj: object): number | null {
  if (Array.isArray(obj)) return obj.length;
  if (obj instanceof Map || obj instanceof Set) return obj.size;
  try {
    return Object.keys(obj).length;
  } catch {
    return null;
  }
}

/**
 * Approximate size in bytes of a stored value: the byte length of serialized
 * data, else roughly its JSON length. Stops counting at `budget` and says so
 * (`capped`), so a huge value costs no more than `budget` steps.
 */
export function approximateSize(value: unknown, budget = 1 << 20): { size: number; capped: boolean } {
  if (typeof value === 'string') return { size: value.length, capped: false };
  if (value instanceof Uint8Array) return { size: value.byteLength, capped: false };
  let size = 0;
  let steps = 0;
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    if (size >= budget || steps++ >= budget) return { size, capped: true };
    const item = stack.pop();
    switch (typeof item) {
      case 'string':
        size += item.length + 2;
        continue;
      case 'number':
      case 'bigint':
      case 'boolean':
        size += String(item).length;
        continue;
      case 'object':
        break;
      default:
        size += 4;
        continue;
    }
    if (item === null) {
      size += 4;
      continue;
    }
    if (seen.has(item)) continue;
    seen.add(item);
    try {
      if (ArrayBuffer.isView(item)) {
        size += item.byteLength;
      } else if (item instanceof Date) {
        size += 26;
      } else if (item instanceof Map) {
        size += 2;
        for (const [k, v] of item) stack.push(k, v);
      } else if (item instanceof Set || Array.isArray(item)) {
        size += 2;
        for (const v of item) {
          size += 1;
          stack.push(v);
        }
      } else {
        size += 2;
        for (const key of Object.keys(item)) {
          const descriptor = Object.getOwnPropertyDescriptor(item, key);
          size += key.length + 4;
          if (descriptor && 'value' in descriptor) stack.push(descriptor.value);
        }
      }
    } catch {
      // An exotic object that refuses to be read adds nothing more.
    }
  }
  return { size, capped: size >= budget };
}

// ---------------------------------------------------------------- validation

const MAX_PARSE_DEPTH = 64;
const MAX_PARSE_NODES = 50_000;
const MAX_PARSE_TEXT = 100_000;

/**
 * Validates a preview received from the page: a clean copy with only known
 * node kinds and well-typed fields, or `undefined`.
 */
export function parsePreview(value: unknown): ValuePreview | undefined {
  let nodes = 0;
  const text = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_PARSE_TEXT;
  const n = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  const own = (obj: Record<string, unknown>, name: string): unknown => {
    const descriptor = Object.getOwnPropertyDescriptor(obj, name);
    return descriptor && 'value' in descriptor ? descriptor.value : undefined;
  };

  const parse = (input: unknown, depth: number): ValuePreview | undefined => {
    if (++nodes > MAX_PARSE_NODES || depth > MAX_PARSE_DEPTH) return undefined;
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
    const obj = input as Record<string, unknown>;
    const t = own(obj, 't');
    const v = own(obj, 'v');
    switch (t) {
      case 'string': {
        const length = own(obj, 'length');
        return text(v) && n(length) ? { t, v, length } : undefined;
      }
      case 'number':
      case 'bigint':
      case 'symbol':
      case 'date':
        return text(v) ? { t, v } : undefined;
      case 'boolean':
        return typeof v === 'boolean' ? { t, v } : undefined;
      case 'null':
      case 'undefined':
      case 'circular':
      case 'getter':
        return { t };
      case 'function': {
        const name = own(obj, 'name');
        return text(name) ? { t, name } : undefined;
      }
      case 'bytes': {
        const length = own(obj, 'length');
        const head = own(obj, 'head');
        return n(length) && text(head) ? { t, length, head } : undefined;
      }
      case 'error': {
        const name = own(obj, 'name');
        const message = own(obj, 'message');
        return text(name) && text(message) ? { t, name, message } : undefined;
      }
      case 'unreadable': {
        const reason = own(obj, 'reason');
        return text(reason) ? { t, reason } : undefined;
      }
      case 'truncated': {
        const name = own(obj, 'className');
        const size = own(obj, 'size');
        return text(name) && (size === null || n(size)) ? { t, className: name, size } : undefined;
      }
      case 'array':
      case 'set': {
        const items = parseList(own(obj, 'items'), (item) => parse(item, depth + 1));
        const size = own(obj, t === 'array' ? 'length' : 'size');
        if (!items || !n(size)) return undefined;
        return t === 'array' ? { t, items, length: size } : { t, items, size };
      }
      case 'object': {
        const name = own(obj, 'className');
        const size = own(obj, 'size');
        const entries = parseList(own(obj, 'entries'), (pair) => {
          if (!Array.isArray(pair) || pair.length !== 2 || !text(pair[0])) return undefined;
          const inner = parse(pair[1], depth + 1);
          return inner && ([pair[0], inner] as [string, ValuePreview]);
        });
        return text(name) && n(size) && entries ? { t, className: name, entries, size } : undefined;
      }
      case 'map': {
        const size = own(obj, 'size');
        const entries = parseList(own(obj, 'entries'), (pair) => {
          if (!Array.isArray(pair) || pair.length !== 2) return undefined;
          const k = parse(pair[0], depth + 1);
          const inner = parse(pair[1], depth + 1);
          return k && inner && ([k, inner] as [ValuePreview, ValuePreview]);
        });
        return n(size) && entries ? { t, entries, size } : undefined;
      }
      default:
        return undefined;
    }
  };
  return parse(value, 0);
}

/** Parses every item of an array, or gives `undefined` if it is not one or any item fails. */
export function parseList<T>(value: unknown, parse: (item: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: T[] = [];
  for (const item of value) {
    const parsed = parse(item);
    if (parsed === undefined) return undefined;
    out.push(parsed);
  }
  return out;
}
