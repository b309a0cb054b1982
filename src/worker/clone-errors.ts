/**
 * Values that structured clone refuses to copy between page and worker,
 * found on either side and reported as {@link ValueNotCloneableError}s that
 * name the cache key.
 *
 * @module
 */
import { ValueNotCloneableError } from './errors.js';
import { isDataCloneError } from './wire-error.js';

/** comlink's answer when a return value could not be posted. */
const UNSERIALIZABLE = 'Unserializable return value';

/** Whether comlink could not post the other side's answer. */
export function isUnserializable(error: unknown): boolean {
  return error instanceof Error && error.message === UNSERIALIZABLE;
}

/** The first entry whose value structured clone refuses, and its reason. */
export function findUncloneable(entries: ReadonlyArray<readonly [string, unknown]>): { key: string; message: string } | undefined {
  for (const [key, value] of entries) {
    try {
      structuredClone(value);
    } catch (error) {
      return { key, message: String((error as Error)?.message ?? error) };
    }
  }
  return undefined;
}

/**
 * The page's error for a call that failed to travel: an argument it could
 * not send (`sent` lists the values it sent, by key), or an answer the worker
 * could not post back; any other error as is.
 */
export function callError(error: unknown, keys: readonly string[], sent: ReadonlyArray<readonly [string, unknown]>): unknown {
  if (isDataCloneError(error)) {
    const found = findUncloneable(sent);
    if (found) {
      return new ValueNotCloneableError(`The value for key "${found.key}" cannot be copied to the worker by structured clone: ${found.message}`, { key: found.key, cause: error });
    }
    return new ValueNotCloneableError(`An argument cannot be copied to the worker by structured clone: ${String((error as Error)?.message ?? error)}`, { cause: error });
  }
  if (isUnserializable(error)) {
    return new ValueNotCloneableError(
      `The value stored for ${describeKeys(keys)} cannot be copied from the worker to the page by structured clone.`,
      keys.length === 1 ? { key: keys[0]! } : {},
    );
  }
  return error;
}

/** The worker's error for a page creator's value that could not travel; `found` is what the page said of it. */
export function createdNotCloneable(keys: readonly string[], found: { key: string; message: string } | undefined): ValueNotCloneableError {
  const key = found?.key ?? (keys.length === 1 ? keys[0] : undefined);
  const detail = found ? `: ${found.message}` : '';
  const which = key !== undefined ? `key "${key}"` : `one of the keys ${keys.map((k) => `"${k}"`).join(', ')}`;
  return new ValueNotCloneableError(`The value created for ${which} cannot be copied between page and worker by structured clone${detail}`, key === undefined ? {} : { key });
}

/** A worker-side creator's values must reach pages: checked before they are cached. */
export function checkCloneable(keys: readonly string[], values: readonly unknown[]): unknown[] {
  if (typeof structuredClone !== 'function') return [...values];
  values.forEach((value, i) => {
    try {
      structuredClone(value);
    } catch (error) {
      if (!isDataCloneError(error)) throw error;
      const key = keys[i];
      throw new ValueNotCloneableError(
        `The value created for key "${String(key)}" cannot be copied between worker and page by structured clone: ${(error as Error).message}`,
        { cause: error, ...(key === undefined ? {} : { key }) },
      );
    }
  });
  return [...values];
}

function describeKeys(keys: readonly string[]): string {
  if (keys.length === 1) return `key "${keys[0]}"`;
  const shown = keys.slice(0, 5).map((key) => `"${key}"`).join(', ');
  return `one of the keys ${shown}${keys.length > 5 ? ', ...' : ''}`;
}
