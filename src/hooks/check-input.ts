/**
 * The arguments a hook or component is given, checked as it renders: a
 * wrong region or creator fails there, with a message naming the argument,
 * rather than later inside a load or with a raw property error.
 *
 * @module
 */
import type { CacheRegion, MaybePromise } from '../index.js';

/** What a hook was given, for a message: `undefined`, `null`, `a string ("…")`, `an object`... */
export function describeGiven(value: unknown): string {
  if (value === null) return 'null';
  const type = typeof value;
  if (type === 'string') return `a string (${JSON.stringify((value as string).slice(0, 40))})`;
  if (type === 'number' || type === 'boolean' || type === 'bigint') return `${type} ${String(value)}`;
  if (type === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return type === 'undefined' ? 'undefined' : `a ${type}`;
}

/**
 * Throws unless `region` has the methods in `uses` (a region from
 * `makeRegion`, or a worker-hosted one); `hook` names the caller.
 */
export function checkRegion(hook: string, region: unknown, uses: readonly string[] = ['getOrCreate', 'subscribe']): asserts region is CacheRegion {
  const missing = typeof region === 'object' && region !== null ? uses.filter((name) => typeof (region as Record<string, unknown>)[name] !== 'function') : uses;
  if (missing.length === 0) return;
  const given = typeof region === 'object' && region !== null ? `${describeGiven(region)} without ${missing.map((name) => `${name}()`).join(', ')}` : describeGiven(region);
  throw new TypeError(`dogpile-cache: ${hook}: region must be a cache region (from makeRegion), got ${given}`);
}

/** Throws unless `creator` is a function; `hook` names the caller. */
export function checkCreator<V>(hook: string, creator: unknown): asserts creator is () => MaybePromise<V> {
  if (typeof creator !== 'function') throw new TypeError(`dogpile-cache: ${hook}: creator must be a function, got ${describeGiven(creator)}`);
}

/** Throws unless `key` is a string (or, when `optional`, `null`/`undefined`); `hook` names the caller. */
export function checkKey(hook: string, key: unknown, optional: boolean): void {
  if (typeof key === 'string' || (optional && key == null)) return;
  throw new TypeError(`dogpile-cache: ${hook}: key must be a string${optional ? ', null or undefined' : ''}, got ${describeGiven(key)}`);
}
