/**
 * `region.getOrCreate()` past its fast path (a fresh value read at once from
 * a synchronous backend, which stays in the region): the asynchronous read, joining the wait a stampede's callers share,
 * and the pass through dogpile's lock.
 *
 * @module
 */
import { NO_VALUE, type CachedValue, type NoValue } from '../api.js';
import { runLock, type SharedWait } from '../lock/lock.js';
import { createOnRecord } from './failures.js';
import { lockPass, type RegionParts } from './parts.js';
import type { Creator, GetOrCreateOptions, ShouldCache } from './types.js';

type Read = CachedValue | NoValue;
const payloadOf = (read: Read): unknown => (read as CachedValue).payload;

/**
 * A stampede's later caller that found nothing while another caller of the
 * region is inside the lock: joins the wait they share, without an async
 * frame of its own. Counted as a miss now and as a wait when the value
 * arrives; taken only while nobody listens (`waited` events carry each
 * caller's own duration) and without `lockTimeout`. `undefined` when the
 * caller cannot join (it then goes on with {@link getOrCreateMissed}).
 */
export function joinStampede<V>(parts: RegionParts, key: string, mangled: string, creator: Creator<V>, expiration: number | undefined, options: GetOrCreateOptions<V> | undefined, releases: number): Promise<V> | undefined {
  const { passes, recorder } = parts;
  if (parts.lockTimeout !== undefined || recorder.listened || !passes.passing(mangled)) return undefined;
  const wait = passes.sharedWait(mangled) ?? startWait(parts, key, mangled, expiration);
  if (wait === undefined || wait.tag !== expiration) return undefined;
  recorder.miss(key);
  const retry = () => getOrCreateLocked(parts, key, mangled, creator, expiration, options, releases, NO_VALUE, true);
  return passes.join(wait, payloadOf as (read: Read) => V, recorder.joinedWaits, retry);
}

/** `getOrCreate` with a backend that reads asynchronously, or (`ready`) an invalidation strategy still loading its state. */
export async function getOrCreateAsync<V>(parts: RegionParts, ready: Promise<void> | undefined, key: string, creator: Creator<V>, expiration: number | undefined, options: GetOrCreateOptions<V> | undefined): Promise<V> {
  if (ready) await ready;
  const { read } = parts;
  read.checkSoftInvalidation(expiration);
  const mangled = read.mangle(key);
  const releases = parts.passes.mutexes.releases;
  const stored = await read.loadNow(mangled, key, 'getOrCreate');
  if (stored !== NO_VALUE && read.isFreshRead(stored, expiration)) {
    parts.recorder.hit(key);
    return stored.payload as V;
  }
  return await getOrCreateMissed(parts, key, mangled, creator, expiration, options, releases, stored);
}

/**
 * `getOrCreate` past a read that found nothing fresh. With nothing to serve
 * while another caller of this region is inside the lock for the key: wait
 * for its holder beside the other waiters and share their read, without a
 * pass of its own. Else, or when the value is still missing then (its
 * creator failed): through the lock.
 */
export async function getOrCreateMissed<V>(parts: RegionParts, key: string, mangled: string, creator: Creator<V>, expiration: number | undefined, options: GetOrCreateOptions<V> | undefined, releases: number, stored: Read): Promise<V> {
  let missCounted = false;
  const { read, passes, recorder } = parts;
  if (parts.lockTimeout === undefined && passes.passing(mangled) && (stored === NO_VALUE || read.lockEntry(stored, expiration) === undefined)) {
    const wait = passes.sharedWait(mangled) ?? startWait(parts, key, mangled, expiration);
    if (wait) {
      const started = read.readNow();
      recorder.miss(key);
      const judged = wait.tag === expiration;
      const seen = await (judged ? wait.fresh : wait.read);
      if (seen !== undefined && seen !== NO_VALUE && (judged || read.isFreshRead(seen, expiration))) {
        recorder.waited(key, read.readNow() - started);
        return seen.payload as V;
      }
      missCounted = true;
    }
  }
  return await getOrCreateLocked(parts, key, mangled, creator, expiration, options, releases, stored, missCounted);
}

/** The wait this region's callers without a value share, judged once for `expiration` (see `KeyPasses.startWait`). */
function startWait(parts: RegionParts, key: string, mangled: string, expiration: number | undefined): SharedWait<Read> | undefined {
  const { read } = parts;
  return parts.passes.startWait(
    mangled,
    parts.config.backend.getMutex(mangled),
    () => read.loadNow(mangled, key, 'getOrCreate'),
    expiration,
    (seen) => seen !== NO_VALUE && read.isFreshRead(seen, expiration),
  );
}

/** One caller's pass through dogpile's lock for `key`. */
async function getOrCreateLocked<V>(parts: RegionParts, key: string, mangled: string, creator: Creator<V>, expiration: number | undefined, options: GetOrCreateOptions<V> | undefined, releases: number, stored: Read, missCounted: boolean): Promise<V> {
  const { passes, handOff, recorder } = parts;
  const { mutex, readIsCurrent } = passes.mutexFor(parts.config.backend.getMutex(mangled), mangled, releases);
  const shouldCacheFn = options?.shouldCacheFn;
  const staleIfError = options?.staleIfError ?? parts.staleIfError;
  const errorBackoff = options?.errorBackoff ?? parts.errorBackoff;
  let passing = false;
  try {
    passes.enter(mangled);
    passing = true;
    const pass = lockPass<V>(parts, key, mangled, expiration, mutex, readIsCurrent, stored, 'getOrCreate', missCounted);
    let ran = false;
    pass.creator = () => {
      parts.creators.keep(mangled, { key, creator, shouldCacheFn: shouldCacheFn as ShouldCache<unknown> });
      return createOnRecord(parts.failures, [pass], errorBackoff, () => parts.writes.createAndStore(mangled, key, creator, shouldCacheFn), () => (ran = true));
    };
    pass.asyncCreator = handOff && ((held) => handOff(key, creator, held));
    if (staleIfError !== undefined) {
      pass.fallback = (error, stale) => {
        if (stale.since === undefined || parts.read.now() - stale.since >= staleIfError) return undefined;
        // A failure on record was not this caller's creator: it is reported here, as the creator's own was.
        if (!ran) recorder.error('creator', error, key);
        recorder.stale(key);
        return { value: stale.value };
      };
    }
    return await runLock<V, Read>(pass);
  } finally {
    if (passing) passes.leave(mangled);
    passes.checkin(mangled);
  }
}
