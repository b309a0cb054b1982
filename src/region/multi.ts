/**
 * `region.getOrCreateMulti()`: dogpile's `get_or_create_multi`, over the
 * multi-key lock (lock-multi.ts).
 *
 * @module
 */
import { CachedValue, NO_VALUE, type NoValue, type StoredValue } from '../api.js';
import { runLockMulti } from '../lock/lock-multi.js';
import { createOnRecord } from './failures.js';
import { lockPass, type Pass, type RegionParts } from './parts.js';
import type { GetOrCreateMultiOptions, MaybePromise, ShouldCache } from './types.js';

/**
 * Like `getOrCreate` for many keys. `creator(...missingKeys)` receives each
 * distinct key to create once, in sorted order, and returns their values in
 * that order. The result follows `keys`, repeats included. The caller has
 * checked the arguments and awaited the invalidation strategy.
 */
export async function getOrCreateMulti<V>(
  parts: RegionParts,
  keys: readonly string[],
  creator: (...keys: string[]) => MaybePromise<readonly V[]>,
  expiration: number | undefined,
  options: GetOrCreateMultiOptions<V>,
): Promise<V[]> {
  if (keys.length === 0) return [];
  const { read, passes, recorder, config } = parts;
  const unique = [...new Set(keys)].sort();
  const mangledKeys = unique.map((key) => read.mangle(key));
  const releases = passes.mutexes.releases;
  const loaded = await read.loadMulti(mangledKeys, unique, 'getOrCreateMulti');
  const results = new Map<string, V>();
  // Keys that are not fresh go through the lock in sorted order (so two
  // multi-key callers cannot deadlock); those that must be created are made
  // by one creator call while their locks are held.
  const pending: Array<Pass<V>> = [];
  try {
    for (let i = 0; i < unique.length; i++) {
      const key = unique[i]!;
      const stored = loaded[i]!;
      if (stored !== NO_VALUE && read.isFreshRead(stored, expiration)) {
        recorder.hit(key);
        results.set(key, stored.payload as V);
        continue;
      }
      const mangled = mangledKeys[i]!;
      const { mutex, readIsCurrent } = passes.mutexFor(config.backend.getMutex(mangled), mangled, releases);
      pending.push(lockPass<V>(parts, key, mangled, expiration, mutex, readIsCurrent, stored, 'getOrCreateMulti'));
    }
    if (pending.length > 0) {
      const values = await runLockMulti(
        pending,
        (indexes) => createOrFallBack(parts, indexes.map((index) => pending[index]!), creator, expiration, options),
        (indexes) => read.loadMulti(indexes.map((i) => pending[i]!.key), indexes.map((i) => pending[i]!.caller), 'getOrCreateMulti'),
      );
      values.forEach((value, i) => results.set(pending[i]!.caller, value));
    }
  } finally {
    for (const pass of pending) passes.checkin(pass.key);
  }
  return keys.map((key) => results.get(key) as V);
}

/**
 * {@link createMulti} with the region's answers to failure: under
 * `errorBackoff`, a failure on record for one of the keys is the answer (and
 * a new failure is put on record for each); under `staleIfError`, when every
 * key has a stale value recent enough, the caller gets those instead.
 */
async function createOrFallBack<V>(
  parts: RegionParts,
  batch: ReadonlyArray<Pass<V>>,
  creator: (...keys: string[]) => MaybePromise<readonly V[]>,
  expiration: number | undefined,
  options: GetOrCreateMultiOptions<V>,
): Promise<readonly V[]> {
  const { failures, read, recorder } = parts;
  const staleIfError = options.staleIfError ?? parts.staleIfError;
  const errorBackoff = options.errorBackoff ?? parts.errorBackoff;
  let ran = false;
  try {
    return await createOnRecord(failures, batch, errorBackoff, () => createMulti(parts, batch, creator, options.shouldCacheFn), () => (ran = true));
  } catch (error) {
    if (staleIfError === undefined) throw error;
    const now = read.now();
    const stale = batch.map((pass) => read.lockEntry<V>(pass.first as CachedValue | NoValue, expiration));
    if (!stale.every((entry) => entry?.since !== undefined && now - entry.since < staleIfError)) throw error;
    if (!ran) recorder.error('creator', error, undefined);
    for (const pass of batch) recorder.stale(pass.caller);
    return stale.map((entry) => entry!.value);
  }
}

/** Runs a multi-key creator for the keys that must be created and stores what it made. */
async function createMulti<V>(
  parts: RegionParts,
  pending: ReadonlyArray<{ key: string; caller: string }>,
  creator: (...keys: string[]) => MaybePromise<readonly V[]>,
  shouldCacheFn: ShouldCache<V>,
): Promise<readonly V[]> {
  const { writes, recorder } = parts;
  const started = writes.now();
  const created = await writes.create(undefined, () => creator(...pending.map((pass) => pass.caller)), 'getOrCreateMulti');
  if (!Array.isArray(created) || created.length !== pending.length) {
    throw new TypeError(
      `dogpile-cache: the getOrCreateMulti creator must return an array of ${pending.length} values (one per key it was given), got ${Array.isArray(created) ? `${created.length} values` : typeof created}`,
    );
  }
  const durationMs = writes.now() - started;
  const metadata = writes.metadata(started);
  const toStore = new Map<string, StoredValue>();
  for (let i = 0; i < pending.length; i++) {
    const value = created[i] as V;
    if (!shouldCacheFn || (await shouldCacheFn(value))) toStore.set(pending[i]!.key, writes.stored(new CachedValue(value, metadata)));
  }
  let cached = true;
  if (toStore.size > 0) {
    try {
      await parts.config.backend.setMulti(toStore);
    } catch (error) {
      // The caller still gets the values the creator made.
      cached = false;
      recorder.error('getOrCreateMulti', error, undefined);
    }
  }
  for (const { key, caller } of pending) recorder.created(caller, durationMs, cached && toStore.has(key));
  return created;
}
