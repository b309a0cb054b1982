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

/** A problem found in a value: what it is, and the path to it (built only on failure, innermost last). */
interface Problem {
  /** Completes the sentence "value.items[3] …". */
  what: string;
  path: string[];
}

function propertySegment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function problem(what: string): Problem {
  return { what, path: [] };
}

/** Adds the step from a parent to the child a problem was found in. */
function within(found: Problem | undefined, segment: string): Problem | undefined {
  if (found) found.path.push(segment);
  return found;
}

/**
 * Why `value` cannot be stored faithfully, or `undefined` when it can.
 * `platform` decides about values with a native prototype that is not in the
 * common set (a `Blob`, a DOM node): IndexedDB leaves them to the browser's
 * structured clone, which keeps some and throws `DataCloneError` for the
 * rest; localStorage refuses them all. The walk allocates nothing for values
 * that pass (paths are built on the way back from a problem).
 */
export function unstorableReason(value: unknown, platform: 'clone' | 'refuse'): string | undefined {
  const seen = new Set<object>();
  const visit = (item: unknown): Problem | undefined => {
    switch (typeof item) {
      case 'function':
        return problem('is a function');
      case 'symbol':
        return problem('is a symbol');
      case 'object':
        break;
      default:
        return undefined;
    }
    if (item === null || seen.has(item)) return undefined;
    seen.add(item);
    const proto = Object.getPrototypeOf(item) as object | null;
    if (Array.isArray(item)) {
      if (proto !== Array.prototype) return problem('is an instance of an Array subclass, which would come back as a plain Array');
      const list = item as unknown[];
      const length = list.length;
      // Short arrays by index (holes read as undefined and pass); long ones by their keys, so a
      // sparse array costs what it holds, not its length.
      if (length > 4096) {
        for (const key of Object.keys(list)) {
          const found = within(visit((list as unknown as Record<string, unknown>)[key]), `[${key}]`);
          if (found) return found;
        }
        return undefined;
      }
      for (let i = 0; i < length; i++) {
        const entry = list[i];
        if (typeof entry !== 'object' && typeof entry !== 'function' && typeof entry !== 'symbol') continue;
        const found = within(visit(entry), `[${i}]`);
        if (found) return found;
      }
      return undefined;
    }
    if (proto === Object.prototype || proto === null) {
      if (Object.getOwnPropertySymbols(item).length > 0) return problem('has symbol-keyed properties, which would be dropped');
      for (const key in item) {
        if (!Object.hasOwn(item, key)) continue;
        const entry = (item as Record<string, unknown>)[key];
        if (typeof entry !== 'object' && typeof entry !== 'function' && typeof entry !== 'symbol') continue;
        const found = within(visit(entry), propertySegment(key));
        if (found) return found;
      }
      return undefined;
    }
    const tag = Object.prototype.toString.call(item).slice(8, -1);
    const native = (globalThis as Record<string, unknown>)[tag] as { prototype?: unknown } | undefined;
    const isNative = typeof native === 'function' && native.prototype === proto;
    if (item instanceof Error) {
      const ownType = (globalThis as unknown as Record<string, { prototype?: unknown } | undefined>)[item.name];
      if (!ERROR_NAMES.has(item.name) || ownType?.prototype !== proto) return problem(`is an instance of ${describeClass(item)}, which would come back as a plain Error`);
      return undefined;
    }
    if (isNative && CLONEABLE_TAGS.has(tag)) {
      if (item instanceof Map) {
        for (const [key, entry] of item) {
          const found = within(visit(key), '<key>') ?? within(visit(entry), '.get(…)');
          if (found) return found;
        }
      } else if (item instanceof Set) {
        for (const entry of item) {
          const found = within(visit(entry), '<entry>');
          if (found) return found;
        }
      }
      return undefined;
    }
    if (isNative && platform === 'clone') return undefined;
    if (isNative) return problem(`is a ${tag}, which this backend cannot store`);
    return problem(`is an instance of ${describeClass(item)}, which would come back as a plain object (its class would be lost)`);
  };
  const found = visit(value);
  if (!found) return undefined;
  const where = found.path.length === 0 ? 'the value' : `value${found.path.reverse().join('')}`;
  return `${where} ${found.what}`;
}

function describeClass(item: object): string {
  const name = (item as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `class ${name}` : 'a class';
}
