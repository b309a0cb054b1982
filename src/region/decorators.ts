/**
 * Function decorators: dogpile.cache's `cache_on_arguments` and
 * `cache_multi_on_arguments`. Reached through `region.cacheOnArguments()`.
 *
 * @module
 */
import { NO_VALUE, type NoValue } from '../api.js';
import { ValidationError } from '../errors.js';
import { defaultToStr, keyPrefix, type AnyFunction, type KeyGenerator, type MultiKeyGenerator, type ToStr } from '../keys.js';
import type { GetOrCreateOptions, MaybePromise } from './types.js';

/**
 * What the decorators use of a region: a narrow view, so that this module
 * does not depend on the region class (which depends on it).
 */
export interface DecoratedRegion {
  readonly name: string | undefined;
  readonly functionKeyGenerator: KeyGenerator;
  readonly functionMultiKeyGenerator: MultiKeyGenerator;
  getOrCreate<V>(key: string, creator: () => MaybePromise<V>, options?: GetOrCreateOptions<V>): Promise<V>;
  getOrCreateMulti<V>(keys: readonly string[], creator: (...keys: string[]) => MaybePromise<readonly V[]>, options?: GetOrCreateOptions<V>): Promise<V[]>;
  get<V>(key: string): Promise<V | NoValue>;
  getMulti<V>(keys: readonly string[]): Promise<Array<V | NoValue>>;
  set(key: string, value: unknown): Promise<void>;
  setMulti(mapping: ReadonlyMap<string, unknown>): Promise<void>;
  delete(key: string): Promise<void>;
  deleteMulti(keys: readonly string[]): Promise<void>;
}

/** An expiration time in ms, or a function returning one, asked on every call. */
export type ExpirationOption = number | (() => number);

/** Options of `region.cacheOnArguments()`. */
export interface CacheOnArgumentsOptions {
  /**
   * Added to the key, to tell apart functions of the same name. Give one to
   * every cached function in code that is minified (minifiers rename
   * functions) or whose keys persist (`localstorage`, `indexeddb`): the key
   * then no longer depends on the function's name. Two decorated functions
   * of one region with the same name and namespace are refused.
   */
  namespace?: string;
  /** Overrides the region's expiration time for this function. */
  expirationTime?: ExpirationOption;
  /** Decides whether a result is stored. */
  shouldCacheFn?: (value: any) => MaybePromise<boolean>;
  /** Turns each argument into its part of the key. */
  toStr?: ToStr;
  /** Overrides the region's key generator. */
  functionKeyGenerator?: KeyGenerator;
}

/** Options of `region.cacheMultiOnArguments()`. */
export interface CacheMultiOnArgumentsOptions {
  namespace?: string;
  expirationTime?: ExpirationOption;
  shouldCacheFn?: (value: any) => MaybePromise<boolean>;
  /**
   * The function returns a plain object keyed by argument instead of an
   * array; the wrapper returns a plain object too, without the keys the
   * function left out.
   */
  asdict?: boolean;
  toStr?: ToStr;
  functionMultiKeyGenerator?: MultiKeyGenerator;
}

type Result<F extends AnyFunction> = Awaited<ReturnType<F>>;

/** A function wrapped by `cacheOnArguments`. */
export interface CachedFunction<F extends AnyFunction> {
  /** The cached call. */
  (...args: Parameters<F>): Promise<Result<F>>;
  /** Removes the cached value for these arguments. */
  invalidate(...args: Parameters<F>): Promise<void>;
  /** Stores `value` as the result for these arguments. */
  set(value: Result<F>, ...args: Parameters<F>): Promise<void>;
  /** The cached value for these arguments, or `NO_VALUE`. */
  get(...args: Parameters<F>): Promise<Result<F> | NoValue>;
  /** Calls the function and stores its result, whatever is cached. */
  refresh(...args: Parameters<F>): Promise<Result<F>>;
  /** The function as given. */
  original: F;
}

type Element<F extends AnyFunction> = Result<F> extends ReadonlyArray<infer E> ? E : Result<F> extends Record<string, infer E> ? E : unknown;

/** A function wrapped by `cacheMultiOnArguments`. */
export interface CachedMultiFunction<F extends AnyFunction> {
  /** The cached call: one value per argument (or an object with `asdict`). */
  (...args: Parameters<F>): Promise<Result<F>>;
  /** Removes the cached values for these arguments. */
  invalidate(...args: Parameters<F>): Promise<void>;
  /** Stores values by argument: `{ [arg]: value }`. */
  set(mapping: Record<string, Element<F>>): Promise<void>;
  /** The cached values for these arguments (`NO_VALUE` where missing). */
  get(...args: Parameters<F>): Promise<Array<Element<F> | NoValue>>;
  /** Calls the function and stores every result, whatever is cached. */
  refresh(...args: Parameters<F>): Promise<Result<F>>;
  original: F;
}

function expirationOf(option: ExpirationOption | undefined): number | undefined {
  return typeof option === 'function' ? option() : option;
}

function checkFunction(fn: unknown, decorator: string): void {
  if (typeof fn !== 'function') throw new TypeError(`dogpile-cache: ${decorator} decorates functions, got ${typeof fn}`);
}

/** The key prefixes taken in each region, with the source text of the function that took each. */
const takenPrefixes = new WeakMap<DecoratedRegion, Map<string, string>>();

/**
 * Claims `fn`'s key prefix in `region`, or throws {@link ValidationError} when
 * another decorated function of the region has it: the two would read each
 * other's values (two functions named `load`, or two a minifier renamed `e`).
 * The same code decorated again is allowed (same source text: a method
 * decorated per instance, a module evaluated again): like dogpile, keys
 * leave out `this` and closures, so such copies share values on purpose.
 */
function claimPrefix(region: DecoratedRegion, generator: unknown, namespace: string | undefined, fn: AnyFunction, decorator: string): void {
  const prefix = keyPrefix(generator, namespace, fn, decorator);
  if (prefix === undefined) return;
  let taken = takenPrefixes.get(region);
  if (!taken) takenPrefixes.set(region, (taken = new Map()));
  const source = Function.prototype.toString.call(fn);
  const holder = taken.get(prefix);
  if (holder === undefined) {
    taken.set(prefix, source);
    return;
  }
  if (holder === source) return;
  const where = region.name === undefined ? 'this region' : `region "${region.name}"`;
  const minified = fn.name.length <= 2 ? ` A name like "${fn.name}" usually comes from a minifier, which renames functions: in minified code give every cached function a namespace.` : '';
  throw new ValidationError(
    `dogpile-cache: ${decorator}: another function of ${where} already has the keys "${prefix}…", so the two would return each other's values. Give one of them a namespace, e.g. ${decorator}({ namespace: '${fn.name || 'module'}.v2' }).${minified}`,
  );
}

/** Implements `region.cacheOnArguments(options)(fn)`. */
export function cacheOnArguments<F extends AnyFunction>(region: DecoratedRegion, fn: F, options: CacheOnArgumentsOptions): CachedFunction<F> {
  checkFunction(fn, 'cacheOnArguments');
  const generator = options.functionKeyGenerator ?? region.functionKeyGenerator;
  claimPrefix(region, generator, options.namespace, fn, 'cacheOnArguments');
  const keyFor = generator(options.namespace, fn, { toStr: options.toStr ?? defaultToStr });
  const { shouldCacheFn } = options;

  const cached = function (this: unknown, ...args: Parameters<F>): Promise<Result<F>> {
    let key: string;
    let expirationTime: number | undefined;
    try {
      key = keyFor(...args);
      expirationTime = expirationOf(options.expirationTime);
    } catch (error) {
      // Callers await the wrapper: a bad argument rejects rather than throws.
      return Promise.reject(error);
    }
    return region.getOrCreate<Result<F>>(key, () => fn.apply(this, args), { expirationTime, shouldCacheFn });
  } as CachedFunction<F>;

  cached.invalidate = async (...args) => region.delete(keyFor(...args));
  cached.set = async (value, ...args) => region.set(keyFor(...args), value);
  cached.get = async (...args) => region.get<Result<F>>(keyFor(...args));
  cached.refresh = async function (this: unknown, ...args: Parameters<F>): Promise<Result<F>> {
    const key = keyFor(...args);
    const value = (await fn.apply(this, args)) as Result<F>;
    await region.set(key, value);
    return value;
  };
  cached.original = fn;
  Object.defineProperty(cached, 'name', { value: fn.name });
  return cached;
}

/** Implements `region.cacheMultiOnArguments(options)(fn)`. */
export function cacheMultiOnArguments<F extends AnyFunction>(
  region: DecoratedRegion,
  fn: F,
  options: CacheMultiOnArgumentsOptions,
): CachedMultiFunction<F> {
  checkFunction(fn, 'cacheMultiOnArguments');
  const generator = options.functionMultiKeyGenerator ?? region.functionMultiKeyGenerator;
  claimPrefix(region, generator, options.namespace, fn, 'cacheMultiOnArguments');
  const keysFor = generator(options.namespace, fn, { toStr: options.toStr ?? defaultToStr });
  const { asdict = false, shouldCacheFn } = options;

  const cached = async function (this: unknown, ...args: Parameters<F>): Promise<Result<F>> {
    const keys = keysFor(...args);
    const argOf = new Map<string, unknown>();
    keys.forEach((key, i) => argOf.set(key, args[i]));
    const create = (...keysToCreate: string[]) => fn.apply(this, keysToCreate.map((key) => argOf.get(key)));
    const expirationTime = expirationOf(options.expirationTime);

    if (!asdict) {
      return (await region.getOrCreateMulti(keys, create, { expirationTime, shouldCacheFn })) as Result<F>;
    }
    const values = await region.getOrCreateMulti<unknown>(
      keys,
      async (...keysToCreate) => {
        const byArg = toRecord(await create(...keysToCreate), 'cacheMultiOnArguments with asdict');
        return keysToCreate.map((key) => {
          const arg = String(argOf.get(key));
          return Object.hasOwn(byArg, arg) ? byArg[arg] : NO_VALUE;
        });
      },
      {
        expirationTime,
        shouldCacheFn: (value) => value !== NO_VALUE && (!shouldCacheFn || shouldCacheFn(value)),
      },
    );
    const result: Record<string, unknown> = {};
    args.forEach((arg, i) => {
      if (values[i] !== NO_VALUE) result[String(arg)] = values[i];
    });
    return result as Result<F>;
  } as CachedMultiFunction<F>;

  cached.invalidate = async (...args) => region.deleteMulti(keysFor(...args));
  cached.set = async (mapping) => {
    const args = Object.keys(toRecord(mapping, 'set'));
    const keys = keysFor(...args);
    return region.setMulti(new Map(keys.map((key, i) => [key, mapping[args[i]!]])));
  };
  cached.get = async (...args) => region.getMulti(keysFor(...args));
  cached.refresh = async function (this: unknown, ...args: Parameters<F>): Promise<Result<F>> {
    const keys = keysFor(...args);
    const values = (await fn.apply(this, args)) as Result<F>;
    if (asdict) {
      const byArg = toRecord(values, 'refresh with asdict');
      await region.setMulti(new Map(keys.map((key, i) => [key, byArg[String(args[i])]])));
    } else {
      if (!Array.isArray(values) || values.length !== keys.length) {
        throw new TypeError(`dogpile-cache: ${fn.name || 'the function'} must return one value per argument`);
      }
      await region.setMulti(new Map(keys.map((key, i) => [key, values[i]])));
    }
    return values;
  };
  cached.original = fn;
  Object.defineProperty(cached, 'name', { value: fn.name });
  return cached;
}

function toRecord(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`dogpile-cache: ${where} expects a plain object keyed by argument`);
  }
  return value as Record<string, unknown>;
}
