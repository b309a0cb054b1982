/**
 * Which values the storage backends keep faithfully: one rule for
 * localStorage and IndexedDB, so both give back what they were given or
 * refuse it up front.
 *
 * The rule is the structured clone algorithm's (what IndexedDB stores),
 * narrowed where a clone would silently change the value: a class instance
 * would come back as a plain object, a `Map` subclass as a `Map`, and
 * symbol-keyed properties would be dropped. Those are refused, as are
 * functions and symbols (which structured clone refuses too).
 *
 * @module
 */

/** Native prototypes whose instances structured clone keeps as they are. */
const CLONEABLE_TAGS = new Set([
  'Date', 'RegExp', 'Map', 'Set', 'ArrayBuffer', 'DataView',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
  'Boolean', 'Number', 'String', 'BigInt',
]);

/** The error types structured clone keeps (others come back as plain `Error`). */
export const ERROR_NAMES: ReadonlySet<string> = new Set(['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError']);

/** Where in a value a problem was found, for error messages: `value.items[3].owner`. */
function at(path: string): string {
  return path === '' ? 'the value' : `value${path}`;
}

function propertyPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Why `value` cannot be stored faithfully, or `undefined` when it can.
 * `platform` decides about values with a native prototype that is not in the
 * common set (a `Blob`, a DOM node): IndexedDB leaves them to the browser's
 * structured clone, which keeps some and throws `DataCloneError` for the
 * rest; localStorage refuses them all.
 */
export function unstorableReason(value: unknown, platform: 'clone' | 'refuse'): string | undefined {
  const seen = new Set<object>();
  const visit = (item: unknown, path: string): string | undefined => {
    switch (typeof item) {
      case 'function':
        return `${at(path)} is a function`;
      case 'symbol':
        return `${at(path)} is a symbol`;
      case 'object':
        break;
      default:
        return undefined;
    }
    if (item === null || seen.has(item)) return undefined;
    seen.add(item);
    const proto = Object.getPrototypeOf(item) as object | null;
    if (Array.isArray(item)) {
      if (proto !== Array.prototype) return `${at(path)} is an instance of an Array subclass, which would come back as a plain Array`;
      // Object.keys skips holes, so a sparse array costs what it holds, not its length.
      for (const key of Object.keys(item)) {
        const reason = visit((item as unknown as Record<string, unknown>)[key], `${path}[${key}]`);
        if (reason) return reason;
      }
      return undefined;
    }
    if (proto === Object.prototype || proto === null) {
      if (Object.getOwnPropertySymbols(item).length > 0) return `${at(path)} has symbol-keyed properties, which would be dropped`;
      for (const key of Object.keys(item)) {
        const reason = visit((item as Record<string, unknown>)[key], propertyPath(path, key));
        if (reason) return reason;
      }
      return undefined;
    }
    const tag = Object.prototype.toString.call(item).slice(8, -1);
    const native = (globalThis as Record<string, unknown>)[tag] as { prototype?: unknown } | undefined;
    const isNative = typeof native === 'function' && native.prototype === proto;
    if (item instanceof Error) {
      const ownType = (globalThis as unknown as Record<string, { prototype?: unknown } | undefined>)[item.name];
      if (!ERROR_NAMES.has(item.name) || ownType?.prototype !== proto) return `${at(path)} is an instance of ${describeClass(item)}, which would come back as a plain Error`;
      return undefined;
    }
    if (isNative && CLONEABLE_TAGS.has(tag)) {
      if (item instanceof Map) {
        for (const [key, entry] of item) {
          const reason = visit(key, `${path}<key>`) ?? visit(entry, `${path}.get(…)`);
          if (reason) return reason;
        }
      } else if (item instanceof Set) {
        for (const entry of item) {
          const reason = visit(entry, `${path}<entry>`);
          if (reason) return reason;
        }
      }
      return undefined;
    }
    if (isNative && platform === 'clone') return undefined;
    if (isNative) return `${at(path)} is a ${tag}, which this backend cannot store`;
    return `${at(path)} is an instance of ${describeClass(item)}, which would come back as a plain object (its class would be lost)`;
  };
  return visit(value, '');
}

function describeClass(item: object): string {
  const name = (item as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `class ${name}` : 'a class';
}
