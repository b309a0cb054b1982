/**
 * The value-fidelity table: values every storage backend must give back as
 * they were (structured clone's semantics), and values it must refuse with
 * `ValueNotStorableError`. Shared by the Node tests and the Chromium pages,
 * which build the values in one tab and compare their descriptions after
 * reading them back in another.
 *
 * @module
 */

/** The values that must come back as they were, by name. */
export function storableValues(): Record<string, unknown> {
  const cycle: Record<string, unknown> = { name: 'root' };
  cycle.self = cycle;
  const shared = { n: 1 };
  const holes = [1, , 3]; // eslint-disable-line no-sparse-arrays
  const sparse: unknown[] = [];
  sparse[1000] = 'far';
  const bytes = new Uint8Array([0, 1, 254, 255]);
  return {
    'NaN': NaN,
    'Infinity': Infinity,
    '-Infinity': -Infinity,
    '-0': -0,
    'number': 1.5,
    'string': 'héllo\n"quoted"\u2028',
    'empty string': '',
    'true': true,
    'null': null,
    'undefined': undefined,
    'BigInt': 12345678901234567890n,
    'Date': new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
    'invalid Date': new Date(Number.NaN),
    'Map': new Map<unknown, unknown>([['a', 1], [2, { b: [3] }], [{ k: 1 }, 'object key']]),
    'Set': new Set<unknown>([1, 'two', { three: 3 }]),
    'RegExp': /a+b?\//gimsu,
    'Uint8Array': bytes,
    'Float64Array': new Float64Array([1.5, -0, NaN, Infinity]),
    'Int32Array view': new Int32Array(new ArrayBuffer(16), 4, 2),
    'ArrayBuffer': new Uint8Array([9, 8, 7]).buffer,
    'BigInt64Array': new BigInt64Array([1n, -2n]),
    'DataView': new DataView(new Uint8Array([1, 2, 3, 4]).buffer),
    'undefined field': { a: undefined, b: 1 },
    'holes': holes,
    'sparse array': sparse,
    'cycle': cycle,
    'shared reference': { left: shared, right: shared },
    'nested': { users: [{ id: 1, seen: new Date(0), tags: new Set(['x']) }], meta: { total: 1, next: null } },
    'boxed': [Object(1), Object('s'), Object(false)],
    'Error': new RangeError('out of range'),
    'object with toJSON-like data': { toJSON: 'not a function', value: 1 },
  };
}

/** Values a backend must refuse (`ValueNotStorableError`), by name. DOM nodes are added by the browser pages. */
export function unstorableValues(): Record<string, unknown> {
  class Point {
    constructor(public x: number, public y: number) {}
  }
  class TaggedMap extends Map<unknown, unknown> {}
  return {
    'function': () => 1,
    'function field': { load: function load() {} },
    'symbol': Symbol('s'),
    'symbol field': { s: Symbol('s') },
    'symbol key': { [Symbol('k')]: 1 },
    'class instance': new Point(1, 2),
    'nested class instance': { list: [{ at: new Point(0, 0) }] },
    'Map subclass': new TaggedMap([[1, 2]]),
    'object with toJSON': { toJSON: () => 'replaced', value: 1 },
    'Map holding a function': new Map([['f', () => 1]]),
  };
}

/**
 * A JSON description of a value that tells apart everything structured
 * clone keeps: types, `-0`, `NaN`, holes, prototypes, shared references and
 * cycles (as the path first seen).
 */
export function describeValue(value: unknown): unknown {
  const seen = new Map<object, string>();
  const walk = (item: unknown, path: string): unknown => {
    switch (typeof item) {
      case 'number':
        return Object.is(item, -0) ? { number: '-0' } : Number.isFinite(item) ? item : { number: String(item) };
      case 'bigint':
        return { bigint: String(item) };
      case 'undefined':
        return { undefined: true };
      case 'string':
      case 'boolean':
        return item;
      case 'object':
        break;
      default:
        return { unexpected: typeof item };
    }
    if (item === null) return null;
    const ref = seen.get(item);
    if (ref !== undefined) return { ref };
    seen.set(item, path);
    const tag = Object.prototype.toString.call(item).slice(8, -1);
    const proto = Object.getPrototypeOf(item);
    const protoName = proto === null ? 'null' : proto === (globalThis as unknown as Record<string, { prototype?: unknown } | undefined>)[tag]?.prototype ? tag : `other ${tag}`;
    if (Array.isArray(item)) {
      const slots: unknown[] = [];
      for (let i = 0; i < item.length; i++) slots.push(i in item ? walk(item[i], `${path}[${i}]`) : { hole: true });
      return { Array: slots.length > 50 ? { length: item.length, present: Object.keys(item).map((k) => [k, walk(item[Number(k)], `${path}[${k}]`)]) } : slots, proto: protoName };
    }
    if (item instanceof Date) return { Date: Number.isNaN(item.getTime()) ? 'invalid' : item.toISOString(), proto: protoName };
    if (item instanceof RegExp) return { RegExp: [item.source, item.flags], proto: protoName };
    if (item instanceof Map) return { Map: [...item].map(([k, v], i) => [walk(k, `${path}<k${i}>`), walk(v, `${path}<v${i}>`)]), proto: protoName };
    if (item instanceof Set) return { Set: [...item].map((v, i) => walk(v, `${path}<${i}>`)), proto: protoName };
    if (item instanceof ArrayBuffer) return { ArrayBuffer: [...new Uint8Array(item)], proto: protoName };
    if (ArrayBuffer.isView(item)) {
      const view = item as unknown as { buffer: ArrayBuffer; byteOffset: number; byteLength: number; length?: number };
      const values = item instanceof DataView ? [...new Uint8Array(view.buffer, view.byteOffset, view.byteLength)] : [...(item as unknown as Iterable<number | bigint>)].map((v) => walk(v, path));
      return { [tag]: values, offset: view.byteOffset, proto: protoName };
    }
    if (item instanceof Error) return { Error: [item.name, item.message], proto: protoName };
    if (tag === 'Number' || tag === 'String' || tag === 'Boolean' || tag === 'BigInt') return { boxed: tag, value: walk((item as { valueOf(): unknown }).valueOf(), path) };
    const fields: Record<string, unknown> = {};
    for (const key of Object.keys(item)) fields[key] = walk((item as Record<string, unknown>)[key], `${path}.${key}`);
    return { Object: fields, proto: protoName };
  };
  return walk(value, '$');
}
