/**
 * The objects a configured region is made of, as the modules beside it
 * (multi.ts, maintenance.ts, inspection.ts) are given them.
 *
 * @module
 */
import type { CacheMutex, CachedValue, NoValue } from '../api.js';
import { hitNow } from '../clock.js';
import { KeyPasses, type LockObserver, type LockOptions, type RunLockOptions } from '../lock/lock.js';
import type { Configuration, RegionCodec } from './config.js';
import { handToRunner, Writes } from './create.js';
import { Failures } from './failures.js';
import { KeptCreators } from './inspection.js';
import { ReadPath } from './read-path.js';
import { Recorder } from './recorder.js';

/** A configured region's parts. */
export interface RegionParts {
  readonly config: Configuration;
  readonly read: ReadPath;
  readonly writes: Writes;
  readonly recorder: Recorder;
  readonly passes: KeyPasses<CachedValue | NoValue>;
  /** Milliseconds a waiter waits before creating itself, if limited. */
  readonly lockTimeout: number | undefined;
  /** Hands a held lock to the region's async creation runner, if it has one (see `handToRunner`). */
  readonly handOff: ((key: string, creator: () => unknown, held: CacheMutex) => void) | undefined;
  /** The creators kept for the devtools' "Regenerate" (none while off). */
  readonly creators: KeptCreators;
  /** Ms after its expiry a stale value is still served when its creator fails; `undefined`: never. */
  readonly staleIfError: number | undefined;
  /** Ms during which a key's failed creation is every caller's answer; 0: none (dogpile's behaviour). */
  readonly errorBackoff: number;
  /** Failed creations on record, for `errorBackoff`. */
  readonly failures: Failures;
}

/** What a region brings to each configuration: its own objects, which outlive any one backend. */
export type RegionOwned = Pick<RegionParts, 'recorder' | 'passes' | 'lockTimeout' | 'handOff' | 'creators' | 'staleIfError' | 'errorBackoff'> & {
  /** The region's own mangler and codec, which override the backend's. */
  readonly codec: RegionCodec;
  readonly now: () => number;
  readonly readNow: () => number;
  readonly version: string | number | undefined;
};

/** The options of `makeRegion` that its parts take. */
export interface OwnedOptions<R> extends RegionCodec {
  readonly name?: string | undefined;
  readonly lockTimeout?: number | undefined;
  readonly now?: (() => number) | undefined;
  readonly version?: string | number | undefined;
  readonly staleIfError?: number | undefined;
  readonly errorBackoff?: number | undefined;
  readonly asyncCreationRunner?: ((region: R, key: string, creator: () => unknown, mutex: CacheMutex) => void) | undefined;
}

/** The objects a region owns, for `region`, made with its options of `makeRegion` and its clock. */
export function ownedParts<R>(region: R, options: OwnedOptions<R>, now: () => number): RegionOwned {
  const { asyncCreationRunner: runner, lockTimeout, version } = options;
  const recorder = new Recorder(options.name, now);
  return {
    codec: { keyMangler: options.keyMangler, serializer: options.serializer, deserializer: options.deserializer },
    recorder,
    passes: new KeyPasses(),
    creators: new KeptCreators(),
    lockTimeout,
    staleIfError: options.staleIfError,
    errorBackoff: options.errorBackoff ?? 0,
    handOff: runner && ((key, creator, held) => handToRunner(runner, region, key, creator, held, recorder)),
    now,
    // Reads may reuse the default clock's reading while they are dense (see hitNow); an injected clock is used as it is.
    readNow: options.now ?? hitNow,
    version,
  };
}

/**
 * Makes a configuration's parts and connects them: the backend's notices
 * and remote changes, and the strategy's invalidations, reach the recorder.
 * `detach` undoes every connection and closes what the backend made for it.
 */
export function assemble(config: Configuration, owned: RegionOwned): { parts: RegionParts; detach: Array<() => void> } {
  const { recorder } = owned;
  const read = new ReadPath(config, recorder, owned.now, owned.readNow, owned.version);
  const writes = new Writes(read);
  const parts: RegionParts = { ...owned, config, read, writes, failures: new Failures(read, writes) };
  const detach = [
    // A strategy the backend made for this region goes with it.
    () => config.made?.close?.(),
    () => config.actual.unbindRegion?.(config.binding),
    config.backend.onNotice((notice) => recorder.notice(notice)),
    config.backend.onChange((change) => recorder.remoteChange(change)),
  ];
  const subscribe = config.invalidator.subscribe;
  if (subscribe) {
    detach.push(
      subscribe.call(config.invalidator, ({ hard, at, remote }) => {
        read.neverInvalidated = false;
        recorder.invalidated(hard, at, remote);
      }),
    );
  }
  return { parts, detach };
}

/** One key's pass through the lock, with the caller's key beside the stored one. */
export type Pass<V> = RunLockOptions<V, CachedValue | NoValue> & { caller: string };

/**
 * What one key's pass through the lock needs: how to read and judge the key,
 * the shared waits, the clock and the observer that records what happens.
 * `first` is what the caller read already.
 */
export function lockPass<V>(
  parts: RegionParts,
  key: string,
  mangled: string,
  expiration: number | undefined,
  mutex: LockOptions<V>['mutex'],
  readIsCurrent: (() => boolean) | undefined,
  first: CachedValue | NoValue,
  operation: string,
  missCounted = false,
): Pass<V> {
  const { read, passes } = parts;
  const observer: LockObserver = parts.recorder.observer(key);
  // One shape for every pass (with the creator fields the callers fill in), so the lock's reads of it stay fast.
  return {
    mutex,
    key: mangled,
    read: () => read.loadNow(mangled, key, operation),
    judge: (value: CachedValue | NoValue) => read.lockEntry<V>(value, expiration),
    first,
    hasFirst: true,
    missCounted,
    readIsCurrent,
    lockTimeout: parts.lockTimeout,
    waits: passes.waits,
    timedOutCreations: passes.timedOutCreations,
    now: read.now,
    observer,
    creator: undefined,
    asyncCreator: undefined,
    caller: key,
  } as unknown as Pass<V>;
}
