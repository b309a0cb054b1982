/**
 * `region.getOrCreateMulti()`, in a module of its own: it loads with the
 * first call, so that regions that never use it do not ship it.
 *
 * @module
 */
import { CachedValue, NO_VALUE, type CacheBackend, type NoValue, type StoredValue } from '../api.js';
import { runLockMulti, type MultiLockKey } from '../lock/lock-multi.js';
import type { GetOrCreateMultiOptions, MaybePromise, RegionInternals } from './region.js';
import { checkKeys, checkOptionalFunction } from './region.js';

/**
 * Like {@link getOrCreate} for many keys. `creator(...missingKeys)` receives
 * each distinct key to create once, in sorted order, and returns their
 * values in that order. The result follows `keys`, repeats included.
 */
export async function getOrCreateMulti<V>(
  r: RegionInternals,
  keys: readonly string[],
  creator: (...keys: string[]) => MaybePromise<readonly V[]>,
  options: GetOrCreateMultiOptions<V> = {},
): Promise<V[]> {
  checkKeys(keys);
  if (typeof creator !== 'function') throw new TypeError(`dogpile-cache: getOrCreateMulti expects a creator function, got ${typeof creator}`);
  const backend = r.backend();
  const expiration = r.expiration(options.expirationTime);
  const shouldCacheFn = options.shouldCacheFn;
  checkOptionalFunction(shouldCacheFn, 'shouldCacheFn');
  await r.ready();
  r.checkSoftInvalidation(expiration);
  if (keys.length === 0) return [];

  const unique = [...new Set(keys)].sort();
  const mangledKeys = unique.map((key) => r.mangle(key));
  const releases = r.releases();
  const loaded = await r.loadMulti(backend, mangledKeys, unique, 'getOrCreateMulti');
  const results = new Map<string, V>();
  // Keys that are not fresh go through the lock one by one, in sorted
  // order (so two multi-key callers cannot deadlock); those that must be
  // created are made by one creator call while their locks are held.
  const passes: Array<MultiLockKey<V, CachedValue | NoValue> & { caller: string }> = [];
  try {
    for (let i = 0; i < unique.length; i++) {
      const key = unique[i]!;
      const stored = loaded[i]!;
      if (stored !== NO_VALUE && r.isFreshRead(stored, expiration)) {
        r.stats().hits++;
        r.emitKey('hit', key);
        results.set(key, stored.payload as V);
        continue;
      }
      const mangled = mangledKeys[i]!;
      const { mutex, readIsCurrent } = r.mutexFor(backend, mangled, releases);
      const pass = r.pass<V>(backend, key, mangled, expiration, mutex, readIsCurrent, stored, 'getOrCreateMulti') as MultiLockKey<V, CachedValue | NoValue> & { caller: string };
      pass.caller = key;
      passes.push(pass);
    }
    if (passes.length > 0) {
      const values = await runLockMulti(
        passes,
        (indexes) => createMulti(r, backend, indexes.map((index) => passes[index]!), creator, shouldCacheFn),
        (indexes) => r.loadMulti(backend, indexes.map((i) => passes[i]!.key), indexes.map((i) => passes[i]!.caller), 'getOrCreateMulti'),
      );
      values.forEach((value, i) => results.set(passes[i]!.caller, value));
    }
  } finally {
    for (const pass of passes) r.checkin(pass.key);
  }
  return keys.map((key) => results.get(key) as V);
}

/** Runs a multi-key creator for the keys that must be created and stores what it made. */
async function createMulti<V>(
  r: RegionInternals,
  backend: CacheBackend,
  passes: ReadonlyArray<{ key: string; caller: string }>,
  creator: (...keys: string[]) => MaybePromise<readonly V[]>,
  shouldCacheFn: ((value: V) => MaybePromise<boolean>) | undefined,
): Promise<readonly V[]> {
  const started = r.now();
  let created: readonly V[];
  try {
    created = await creator(...passes.map((pass) => pass.caller));
  } catch (error) {
    r.recordError('getOrCreateMulti', error, undefined);
    throw error;
  }
  if (!Array.isArray(created) || created.length !== passes.length) {
    throw new TypeError(
      `dogpile-cache: the getOrCreateMulti creator must return an array of ${passes.length} values (one per key it was given), got ${Array.isArray(created) ? `${created.length} values` : typeof created}`,
    );
  }
  const durationMs = r.now() - started;
  const metadata = r.metadata(started);
  const toStore = new Map<string, StoredValue>();
  const stored: string[] = [];
  for (let i = 0; i < passes.length; i++) {
    const value = created[i] as V;
    if (!shouldCacheFn || (await shouldCacheFn(value))) {
      toStore.set(passes[i]!.key, r.serialize(new CachedValue(value, metadata)));
      stored.push(passes[i]!.caller);
    }
  }
  let cached = true;
  if (toStore.size > 0) {
    try {
      await backend.setMulti(toStore);
    } catch (error) {
      // The caller still gets the values the creator made.
      cached = false;
      r.recordError('getOrCreateMulti', error, undefined);
    }
  }
  const storedKeys = new Set(cached ? stored : []);
  for (const { caller } of passes) {
    r.stats().creations++;
    const wasStored = storedKeys.has(caller);
    if (wasStored) r.stats().sets++;
    if (r.listened()) {
      r.emit({ type: 'created', region: r.region.name, time: r.now(), key: caller, durationMs, cached: wasStored });
      if (wasStored) r.emitKey('set', caller);
    }
  }
  return created;
}

