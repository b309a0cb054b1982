/**
 * The base of the backends whose storage every tab of an origin shares
 * (`localstorage`, `indexeddb`): what they do alike, so each backend only
 * says how it reads, writes and follows its own storage.
 *
 * @module
 */
import { CacheBackend, type CacheMutex, type RegionBinding, type RegionInvalidationStrategy } from '../api.js';
import { monotonicNow } from '../clock.js';
import { ValueNotStorableError } from '../errors.js';
import { parseMaxBytes, parseMaxEntries } from '../backends/limits.js';
import { LastSeen, onPageReturn } from './catch-up.js';
import { ChangeOrder } from './change-order.js';
import { HandOffs } from './hand-offs.js';
import { parseAutoPrune, type AutoPruneOptions } from './idle-prune.js';
import { KeyLocks } from './key-locks.js';
import { RegionBindings } from './region-bindings.js';
import { SharedInvalidationStrategy, type InvalidationStore } from './shared-invalidation.js';
import type { WebLockHooks } from './web-locks.js';

/** The arguments every shared backend takes. */
export interface SharedBackendArguments {
  /**
   * The namespace of the entries inside the storage. Default: the name of the
   * first region configured with the backend (`''` for unnamed regions).
   */
  namespace?: string;
  /** The most entries kept in the namespace. Default: no cap. */
  maxEntries?: number;
  /** The most bytes the namespace's entries take. Default: no cap. */
  maxBytes?: number;
  /**
   * Pruning by itself: each region configured with the backend is pruned
   * (as `region.prune()`) when the tab is idle, in batches of
   * `batchSize` entries, `delay` ms after it is configured and then every
   * `interval` ms; values expired more than `expiredFor` ago go too.
   * Default `true`: `{ delay: 30000, interval: 600000, expiredFor: 86400000,
   * batchSize: 100 }`; `false` turns it off.
   */
  autoPrune?: boolean | AutoPruneOptions;
}

/**
 * A backend over storage shared by every tab: it binds regions (namespace,
 * expiration times, idle pruning), locks creation per key across tabs, keeps
 * change order, hand-offs, what this tab last saw and the keys whose lock it
 * holds, follows other tabs while a region is bound (the subclass's
 * {@link startFeed}) and catches up when the page comes back, shares each
 * region's invalidation, and words the notices and errors both backends give.
 *
 * `T` is what a hand-off carries: a decoded value, or the entry's text.
 */
export abstract class SharedStorageBackend<T> extends CacheBackend {
  /** The regions bound, their namespace and strategies. */
  protected readonly bindings: RegionBindings;
  /** The creation lock of each key. */
  protected readonly locks: KeyLocks;
  /** The cap on entries, if any. */
  protected readonly maxEntries: number | undefined;
  /** The cap on bytes, if any. */
  protected readonly maxBytes: number | undefined;
  /** The newest change heard or made per key: older news is not reported. */
  protected readonly order = new ChangeOrder();
  /** Values other tabs just created, handed over with their change (see `hand-offs.ts`). */
  protected readonly handOffs = new HandOffs<T>(monotonicNow);
  /** What this tab last saw of each entry, to catch up when the page comes back (see `catch-up.ts`). */
  protected readonly seen = new LastSeen();
  /** Keys whose creation lock this tab holds, with what the subclass keeps for them (a write token). */
  protected readonly held = new Map<string, string | undefined>();
  /** The clock of the first region bound while nothing was followed. */
  protected now: () => number = Date.now;
  /** How the storage is named in messages: `'IndexedDB'`, `'localStorage'`. */
  readonly #storageName: string;
  /** Stops following other tabs and the page's return; set while a region is bound. */
  #stop: (() => void) | undefined;

  /**
   * @param backend The registered name, for argument errors.
   * @param storageName How the storage is named in messages.
   */
  constructor(backend: string, storageName: string, args: SharedBackendArguments) {
    super();
    this.#storageName = storageName;
    this.maxEntries = parseMaxEntries(args.maxEntries, backend);
    this.maxBytes = parseMaxBytes(args.maxBytes, backend);
    const pruning = parseAutoPrune(args.autoPrune);
    this.bindings = new RegionBindings(args.namespace, pruning && {
      settings: pruning,
      onError: (error, region) => this.notify({ kind: 'prune-failed', message: `Pruning region "${region ?? ''}" by itself failed: ${(error as Error)?.message ?? String(error)}`, error }),
    });
    this.locks = new KeyLocks({
      scope: () => this.lockScope(),
      onFallback: (message) => this.notify({ kind: 'mutex-fallback', message }),
      hooks: (key, lockName, locks) => this.lockHooks(key, lockName, locks),
    });
  }

  /** The namespace of this backend's entries. */
  get namespace(): string {
    return this.bindings.namespace;
  }

  /** How creation is locked: across tabs (`'web-locks'`) or in this tab only (`'in-process'`). */
  get lockMode(): 'web-locks' | 'in-process' {
    return this.locks.mode;
  }

  override getMutex(key: string): CacheMutex | null {
    return this.locks.mutexFor(key);
  }

  /** Records `region`; the first one bound starts following other tabs. */
  override bindRegion(region: RegionBinding): void {
    if (!this.bindings.bind(region) || this.#stop) return;
    this.now = region.now ?? Date.now;
    const stopFeed = this.startFeed();
    if (!stopFeed) return;
    const stopReturn = onPageReturn(() => {
      this.handOffs.clear();
      void this.bindings.reloadStrategies();
      void this.catchUp();
    });
    this.#stop = () => {
      stopFeed();
      stopReturn();
    };
  }

  /** Forgets `region`; once none is bound, stops following other tabs. */
  override unbindRegion(region: RegionBinding): void {
    if (!this.bindings.unbind(region)) return;
    this.#stop?.();
    this.#stop = undefined;
  }

  /** The region's invalidation, kept in this storage and broadcast to the other tabs. */
  override createInvalidationStrategy(region: RegionBinding): RegionInvalidationStrategy {
    const name = region.name ?? '';
    const strategy = new SharedInvalidationStrategy({
      channel: this.invalidationChannel(name),
      store: this.invalidationStore(name),
      onFault: (kind, error) => this.notify({ kind, message: `The region's invalidation could not be ${kind === 'invalidation-not-saved' ? 'saved' : 'read'}`, error }),
      now: region.now,
    });
    this.bindings.addStrategy(region, strategy);
    return strategy;
  }

  /** The Web Lock scope of this backend's keys (storage and namespace); read at each lock. */
  protected abstract lockScope(): string;

  /** The `BroadcastChannel` name of region `name`'s invalidation. */
  protected abstract invalidationChannel(name: string): string;

  /** Where region `name`'s invalidation is kept. */
  protected abstract invalidationStore(name: string): InvalidationStore;

  /**
   * Starts following other tabs' changes (the first region was bound).
   * Returns how to stop, or `undefined` when there is nothing to follow.
   */
  protected abstract startFeed(): (() => void) | undefined;

  /**
   * The page came back and may have missed other tabs' changes (hand-offs
   * are dropped and invalidations reloaded already): report what changed.
   */
  protected abstract catchUp(): void | Promise<void>;

  /**
   * Hooks around each key's Web Lock. By default: a waiter resolves with a
   * value handed off by the holder's tab, and the keys held are kept in
   * {@link held}.
   */
  protected lockHooks(key: string, _lockName: string, _locks: LockManager): WebLockHooks {
    return {
      handOff: () => this.handOffs.whenOffered(key),
      afterAcquire: () => void this.held.set(key, undefined),
      beforeRelease: () => void this.held.delete(key),
    };
  }

  /** The value another tab just handed off for `key`, if still the newest change known here (read once). */
  protected handedOff(key: string): T | undefined {
    const handed = this.handOffs.take(key);
    if (!handed) return undefined;
    const newest = this.order.newest(key);
    return newest === undefined || handed.ct >= newest ? handed.value : undefined;
  }

  /**
   * Reports another tab's write of `key` to the bound regions: the value's
   * creation time `ct`, the tab that wrote it, who ran its creator and when
   * that creator started, each when known.
   */
  protected reportSet(key: string, ct: number | undefined, origin?: string, createdBy?: string, startedAt?: number): void {
    this.notifyChange({
      kind: 'set',
      key,
      ...(ct === undefined ? {} : { ct }),
      ...(origin === undefined ? {} : { origin }),
      ...(createdBy === undefined ? {} : { createdBy }),
      ...(ct === undefined || startedAt === undefined ? {} : { creationMs: Math.max(0, ct - startedAt) }),
    });
  }

  /** {@link ValueNotStorableError} naming the region, the key and the storage. */
  protected notStorable(key: string, reason: string, cause?: unknown): ValueNotStorableError {
    return new ValueNotStorableError(`Region "${this.bindings.regionName}" cannot store the value of key "${key}" in ${this.#storageName}: ${reason}`, cause === undefined ? undefined : { cause });
  }

  /** Tells the regions that `removed` entries went to keep the namespace within its caps. */
  protected reportTrimmed(removed: number): void {
    const caps = [this.maxEntries === undefined ? '' : `${this.maxEntries} entries`, this.maxBytes === undefined ? '' : `${this.maxBytes} bytes`].filter(Boolean).join(' and ');
    this.notify({ kind: 'max-entries-evicted', message: `${this.#storageName} namespace "${this.namespace}" holds at most ${caps}: removed the ${removed} least recently written` });
  }
}
