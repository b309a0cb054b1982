/**
 * A {@link CachedEntry} shaped as an external store (`subscribe` +
 * `getSnapshot`), for `useSyncExternalStore` and the like. The entry starts
 * with the first subscriber and stops with the last; making a store touches
 * no storage, so it can be made during a render, on the server too.
 *
 * @module
 */
import type { CacheRegion, MaybePromise } from '../index.js';
import { CachedEntry, type CachedEntryOptions } from './cached-entry.js';
import { initialSnapshot, type CachedEntrySnapshot } from './snapshot.js';

/** One key of one region as an external store. */
export class EntryStore<V> {
  readonly region: CacheRegion;
  readonly key: string | null | undefined;
  readonly #getCreator: () => () => MaybePromise<V>;
  readonly #options: CachedEntryOptions<V>;
  readonly #initial: CachedEntrySnapshot<V>;
  readonly #listeners = new Set<() => void>();
  #snapshot: CachedEntrySnapshot<V>;
  #entry: CachedEntry<V> | undefined;

  /**
   * @param getCreator Returns the creator to use now; it must belong to this region and `key` (see `latestForKey`).
   */
  constructor(region: CacheRegion, key: string | null | undefined, getCreator: () => () => MaybePromise<V>, options: CachedEntryOptions<V> = {}) {
    if (key != null && typeof key !== 'string') throw new TypeError(`dogpile-cache: the key must be a string, null or undefined, got ${typeof key}`);
    this.region = region;
    this.key = key;
    this.#getCreator = getCreator;
    this.#options = options;
    this.#initial = initialSnapshot(key);
    this.#snapshot = this.#initial;
  }

  /** Starts following the entry with the first listener; returns the unsubscribe function. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#start();
    return () => {
      if (this.#listeners.delete(listener) && this.#listeners.size === 0) this.#stop();
    };
  };

  /** The latest snapshot (the same object until something changes). */
  getSnapshot = (): CachedEntrySnapshot<V> => this.#snapshot;

  /** What a server render shows: `loading` (or `idle`), without reading the cache. */
  getServerSnapshot = (): CachedEntrySnapshot<V> => this.#initial;

  /** Runs the creator now, whatever is cached (see {@link CachedEntry.refresh}). */
  refresh(): Promise<void> {
    return this.#entry?.refresh() ?? Promise.resolve();
  }

  /** Looks at the entry again (see {@link CachedEntry.reload}). */
  reload(): Promise<void> {
    return this.#entry?.reload() ?? Promise.resolve();
  }

  #start(): void {
    if (this.key == null) return;
    const entry = new CachedEntry<V>(this.region, this.key, this.#getCreator, this.#options, (snapshot) => {
      if (this.#entry !== entry) return;
      this.#snapshot = snapshot;
      for (const listener of [...this.#listeners]) listener();
    });
    this.#entry = entry;
    entry.start();
  }

  #stop(): void {
    // A pending creator still stores its value; this store just stops showing it.
    this.#entry?.dispose();
    this.#entry = undefined;
  }
}
