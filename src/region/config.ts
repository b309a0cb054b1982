/**
 * Configuring a region: resolving its backend (by name or instance, wrapped
 * in proxies), its key mangler, codec and invalidation strategy, and reading
 * all of that from a flat dictionary as dogpile.cache's `configure_from_config`.
 *
 * @module
 */
import {
  CacheBackend,
  type BackendArguments,
  type Deserializer,
  type KeyMangler,
  type NoValue,
  type RegionBinding,
  type RegionInvalidationStrategy,
  type Serializer,
  type StoredValue,
} from '../api.js';
import { ValidationError } from '../errors.js';
import { checkDuration, checkOptionalFunction } from '../validate.js';
import { DefaultInvalidationStrategy } from '../invalidation.js';
import { ProxyBackend } from '../proxy.js';
import { getBackendFactory, type BackendName, type BackendRegistry } from '../registry.js';
import type { ConfigureOptions } from './types.js';

/** What a region chose itself, before any backend: its options of `makeRegion`. */
export interface RegionCodec {
  readonly keyMangler?: KeyMangler | false | undefined;
  readonly serializer?: Serializer | undefined;
  readonly deserializer?: Deserializer | undefined;
}

/** Checks the options of `makeRegion` (their types; what they mean is checked where they are used). */
export function checkRegionOptions(value: unknown): void {
  if (value === null || typeof value !== 'object') throw new TypeError('dogpile-cache: region options must be an object');
  const options = value as Record<string, unknown>;
  const { name, keyMangler, lockTimeout, version } = options;
  if (name !== undefined && typeof name !== 'string') throw new TypeError('dogpile-cache: region name must be a string');
  for (const option of ['functionKeyGenerator', 'functionMultiKeyGenerator', 'asyncCreationRunner', 'serializer', 'deserializer', 'now'] as const) {
    checkOptionalFunction(options[option], option);
  }
  if (keyMangler !== false) checkOptionalFunction(keyMangler, 'keyMangler');
  if (lockTimeout !== undefined) checkDuration(lockTimeout, 'lockTimeout');
  checkFailureOptions(options);
  if (version !== undefined && typeof version !== 'string' && !(typeof version === 'number' && Number.isFinite(version))) {
    throw new TypeError(`dogpile-cache: region version must be a string or a finite number, got ${String(version)}`);
  }
}

/** Checks the options of `getOrCreate` and `getOrCreateMulti` beyond the expiration time. */
export function checkCreateOptions(options: object): void {
  if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: options must be an object');
  const { shouldCacheFn } = options as { shouldCacheFn?: unknown };
  checkOptionalFunction(shouldCacheFn, 'shouldCacheFn');
  checkFailureOptions(options as Record<string, unknown>);
}

function checkFailureOptions({ staleIfError, errorBackoff }: { staleIfError?: unknown; errorBackoff?: unknown }): void {
  if (staleIfError !== undefined) checkDuration(staleIfError, 'staleIfError');
  if (errorBackoff !== undefined) checkDuration(errorBackoff, 'errorBackoff');
}

/** A backend's synchronous read, with the `get` declared beside it (see {@link findSyncPair}). */
export interface SyncPair {
  readonly get: CacheBackend['get'];
  readonly getSync: (key: string) => StoredValue | NoValue;
}

/** A region's configuration: everything `configure` resolved. */
export interface Configuration {
  /** The backend, proxies included. */
  readonly backend: CacheBackend;
  /** The innermost backend. */
  readonly actual: CacheBackend;
  /** The expiration time as given, and as the region uses it (`undefined`: never). */
  readonly expirationTime: number | undefined;
  readonly expiration: number | undefined;
  readonly mangler: KeyMangler | undefined;
  readonly serializer: Serializer | undefined;
  readonly deserializer: Deserializer | undefined;
  readonly invalidator: RegionInvalidationStrategy;
  /** The strategy the backend made for this region, if it did: it is closed with the configuration. */
  readonly made: RegionInvalidationStrategy | undefined;
  readonly syncPair: SyncPair | undefined;
  readonly binding: RegionBinding;
}

/**
 * Resolves `configure(backend, options)`. Throws before anything is bound
 * when an argument is wrong.
 */
export function resolveConfiguration(
  backend: string | CacheBackend,
  options: ConfigureOptions<object>,
  codec: RegionCodec,
  binding: Omit<RegionBinding, 'expirationTime'>,
  now: () => number,
): Configuration {
  const expiration = normalizeExpiration(options.expirationTime, 'expirationTime');
  let instance: CacheBackend;
  if (typeof backend === 'string') {
    instance = getBackendFactory(backend)((options.arguments ?? {}) as BackendArguments);
    if (!(instance instanceof CacheBackend)) {
      throw new TypeError(`dogpile-cache: the factory of backend "${backend}" did not return a CacheBackend`);
    }
  } else if (backend instanceof CacheBackend) {
    instance = backend;
  } else {
    throw new TypeError('dogpile-cache: configure expects a backend name or a CacheBackend instance');
  }
  const actual = instance;
  for (const wrapper of [...(options.wrap ?? [])].reverse()) {
    const proxy = typeof wrapper === 'function' ? new wrapper() : wrapper;
    if (!(proxy instanceof ProxyBackend)) throw new TypeError('dogpile-cache: wrap expects ProxyBackend instances or classes');
    instance = proxy.wrap(instance);
  }
  const bound: RegionBinding = { ...binding, expirationTime: expiration };
  actual.bindRegion?.(bound);
  const made = options.regionInvalidator ? undefined : actual.createInvalidationStrategy?.(bound);
  const invalidator = options.regionInvalidator ?? made ?? new DefaultInvalidationStrategy(now);
  checkStrategy(invalidator);
  return {
    backend: instance,
    actual,
    expirationTime: options.expirationTime,
    expiration,
    mangler: codec.keyMangler === false ? undefined : (codec.keyMangler ?? actual.keyMangler),
    serializer: codec.serializer ?? actual.serializer,
    deserializer: codec.deserializer ?? actual.deserializer,
    invalidator,
    made,
    syncPair: findSyncPair(instance),
    binding: bound,
  };
}

/**
 * The arguments of `configure` read from a flat dictionary, as
 * dogpile.cache's `configure_from_config`: `${prefix}backend`,
 * `${prefix}expiration_time` (or `expirationTime`), every
 * `${prefix}arguments.NAME`, with string values coerced.
 */
export function readConfig(config: Record<string, unknown>, prefix: string): [BackendName, ConfigureOptions<BackendRegistry[BackendName]>] {
  if (config === null || typeof config !== 'object') throw new TypeError('dogpile-cache: config must be an object');
  if (typeof prefix !== 'string') throw new TypeError('dogpile-cache: prefix must be a string');
  const read = (name: string) => coerceConfigValue(config[prefix + name]);
  const backend = read('backend');
  if (typeof backend !== 'string' || backend === '') {
    throw new ValidationError(`config has no "${prefix}backend" naming a backend`);
  }
  const rawExpiration = read('expiration_time') ?? read('expirationTime');
  if (rawExpiration !== undefined && rawExpiration !== null && typeof rawExpiration !== 'number') {
    throw new ValidationError(`"${prefix}expiration_time" must be a number of ms, got ${JSON.stringify(rawExpiration)}`);
  }
  const args: BackendArguments = {};
  const argPrefix = `${prefix}arguments.`;
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(argPrefix)) args[key.slice(argPrefix.length)] = coerceConfigValue(value);
  }
  const replace = read('replace_existing_backend') ?? read('replaceExistingBackend');
  // The name comes from the config, so it is checked at run time, not by TypeScript.
  return [
    backend as BackendName,
    { expirationTime: rawExpiration ?? undefined, arguments: args as BackendRegistry[BackendName], replaceExistingBackend: replace === true },
  ];
}

/** dogpile.cache's `coerce_string_conf`, for one value. */
export function coerceConfigValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (/^[-+]?\d+$/.test(text)) return Number.parseInt(text, 10);
  if (/^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) return Number.parseFloat(text);
  const lower = text.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  if (lower === 'none' || lower === 'null') return null;
  return text;
}

/** `undefined` (not set), or ms; -1 and `Infinity` mean never (also `undefined` here). */
export function normalizeExpiration(value: number | undefined, name: string): number | undefined {
  if (value === undefined || value === -1 || value === Infinity) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(`${name} must be a finite number of ms >= 0, -1 or Infinity; got ${String(value)}`);
  }
  return value;
}

/** Whether `strategy` is exactly the in-memory default with no invalidation recorded: hits then skip the call into it. */
export function neverInvalidated(strategy: RegionInvalidationStrategy): boolean {
  return strategy.constructor === DefaultInvalidationStrategy && (strategy as DefaultInvalidationStrategy).invalidatedAt() === undefined;
}

function checkStrategy(strategy: RegionInvalidationStrategy): void {
  for (const method of ['invalidate', 'isInvalidated', 'isHardInvalidated', 'isSoftInvalidated', 'wasHardInvalidated', 'wasSoftInvalidated'] as const) {
    if (typeof strategy?.[method] !== 'function') {
      throw new TypeError(`dogpile-cache: regionInvalidator must implement ${method}()`);
    }
  }
}

/**
 * The backend's `getSync` and the `get` declared beside it, if it has one:
 * `getSync` may stand in for `get` only while `get` is that method (not
 * overridden by a subclass or replaced on the instance).
 */
function findSyncPair(backend: CacheBackend): SyncPair | undefined {
  if (typeof backend.getSync !== 'function') return undefined;
  let proto: object | null = Object.getPrototypeOf(backend);
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'getSync')) proto = Object.getPrototypeOf(proto);
  if (!proto || !Object.prototype.hasOwnProperty.call(proto, 'get')) return undefined;
  const { get, getSync } = proto as CacheBackend;
  return getSync ? { get, getSync } : undefined;
}
