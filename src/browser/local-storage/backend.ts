/**
 * The `localstorage` backend: entries as text in `window.localStorage` (or
 * any `Storage`), shared by every tab of the origin, with a Web Lock per key
 * so one creator runs across all of them.
 *
 * @module
 */
import { CachedValue, NO_VALUE, type NoValue, type StoredValue } from '../../api.js';
import { QuotaExceededError, StorageUnavailableError } from '../../errors.js';
import { utf16Bytes } from '../../backends/limits.js';
import { checkDuration } from '../../validate.js';
import type { StorageLike } from '../../web-types.js';
import { writeMakingRoom } from '../quota.js';
import { escapeNamespace } from '../region-bindings.js';
import { SharedStorageBackend, type SharedBackendArguments } from '../shared-backend.js';
import { asInvalidationRecord, type InvalidationStore } from '../shared-invalidation.js';
import { unstorableReason } from '../storable.js';
import { tabId } from '../tab-id.js';
import { webLockManager, type WebLockHooks } from '../web-locks.js';
import { decodeEntry, decodeHeader, encodeEntry, entryState } from './entry.js';
import { evict, fitsOnceEmptied, storageKeys, trim } from './eviction.js';
import { listenToStorage } from './storage-event-feed.js';
import { awaitMarkedChange, newWriteToken, placeMarker } from './write-markers.js';

/** Arguments of the `localstorage` backend. */
export interface LocalStorageBackendArguments extends SharedBackendArguments {
  /** Prefix of every storage key the backend writes. Default `'dogpile-cache:'`. */
  prefix?: string;
  /** The storage to use. Default `window.localStorage`, looked up at first use. */
  storage?: StorageLike;
  /**
   * How long (ms) a tab that takes a key's lock waits for a value that the
   * previous holder wrote to reach this tab's copy of localStorage. Default
   * 2000; `0` turns the barrier off (no markers, no wait): then, in
   * Chromium, about one round in ten of a cross-tab stampede creates twice.
   */
  syncTimeout?: number;
  /**
   * The most entries kept in the namespace; a write past it removes the
   * least recently written ones (by any tab). Default: no cap.
   */
  maxEntries?: number;
  /**
   * The most bytes the namespace's entries take in localStorage (keys and
   * values, at two bytes a UTF-16 code unit, as browsers count the quota); a
   * write past it removes the least recently written entries. A single
   * entry larger than the cap rejects with `QuotaExceededError` before
   * anything is written or evicted. Default: no cap.
   */
  maxBytes?: number;
}

const DEFAULT_PREFIX = 'dogpile-cache:';
/** How long a write marker is held: far longer than localStorage takes to reach other tabs. */
const MARKER_HOLD_MS = 1_500;

/**
 * Stores entries under `<prefix><namespace>|<key>`: a one-line JSON header
 * (creation time, version, write token, writing tab) and the payload encoded
 * with devalue, so values read back as structured clone (and so IndexedDB)
 * would give them: `NaN`, `-0`, `Date`, `Map`, `Set`, `RegExp`, typed arrays,
 * `BigInt`, `undefined`, holes and cycles survive (see
 * `browser/local-storage/entry.ts`). A value that cannot come back as it was
 * (a function, a symbol, a DOM node, a class instance) rejects `set` with
 * `ValueNotStorableError`. Entries of earlier formats read as misses.
 * The region's invalidation lives under `<prefix><region name>#invalidated`,
 * broadcast to open tabs.
 *
 * Other tabs' writes and deletes reach the bound regions through the
 * `storage` event, as remote changes (`onChange`); a write older (by
 * creation time) than one already heard for the key is not reported.
 *
 * Creation is locked across tabs with the Web Lock
 * `dogpile-cache:ls:<prefix><namespace>:<key>`; because a tab's view of
 * localStorage lags behind writes made in other tabs, the holder of a lock
 * leaves a write marker for the next holder, which waits until the write is
 * visible before it reads; a delete leaves a delete marker, and the next
 * holder then waits only until the entry is gone from its copy (see
 * `browser/local-storage/write-markers.ts`). So `delete` also waits for the
 * browser to grant that marker (a Web Lock request) before it removes the entry.
 *
 * A write that does not fit evicts this namespace's dead (expired,
 * hard-invalidated, unreadable) entries, then its oldest, and retries; if it
 * still does not fit it rejects with `QuotaExceededError`. Keys outside
 * the namespace are never touched. Unreadable or foreign entries read as misses.
 */
export class LocalStorageBackend extends SharedStorageBackend<string> {
  /** Stable label for inspection (see `CacheBackend.label`). */
  static readonly label = 'LocalStorageBackend';
  /** Prefix of every storage key the backend writes. */
  readonly prefix: string;
  readonly #givenStorage: StorageLike | undefined;
  readonly #syncTimeout: number;
  /** A trim after other tabs' writes, pending (see {@link #trimSoon}). */
  #trimTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(args: LocalStorageBackendArguments = {}) {
    if (args === null || typeof args !== 'object') throw new TypeError('dogpile-cache: localstorage arguments must be an object');
    const { prefix = DEFAULT_PREFIX, storage, syncTimeout = 2_000 } = args;
    if (typeof prefix !== 'string') throw new TypeError('dogpile-cache: localstorage prefix must be a string');
    if (storage !== undefined && (storage === null || typeof storage.getItem !== 'function' || typeof storage.setItem !== 'function')) {
      throw new TypeError('dogpile-cache: localstorage storage must implement the Storage interface');
    }
    checkDuration(syncTimeout, 'localstorage syncTimeout');
    super('localstorage', 'localStorage', args);
    this.prefix = prefix;
    this.#givenStorage = storage;
    this.#syncTimeout = syncTimeout;
  }

  /** The storage key holding `key`. */
  storageKey(key: string): string {
    return this.#entryPrefix() + key;
  }

  async get(key: string): Promise<StoredValue | NoValue> {
    return this.getSync(key);
  }

  /** localStorage reads are synchronous: the region reads through this without a promise. */
  override getSync(key: string): StoredValue | NoValue {
    return this.#read(this.#storage(), key);
  }

  override async getMulti(keys: readonly string[]): Promise<Array<StoredValue | NoValue>> {
    const storage = this.#storage();
    return keys.map((key) => this.#read(storage, key));
  }

  /** Rejects with `ValueNotStorableError` for a value that would not read back as it was. */
  async set(key: string, value: StoredValue): Promise<void> {
    const token = newWriteToken();
    const text = this.#encode(key, value, token);
    this.#checkFits(key, text);
    await this.#write(this.storageKey(key), text);
    this.#wrote(key, value, text);
    if (this.held.has(key)) this.held.set(key, token);
    this.#trim([key]);
    // This tab's waiters read it from storage at once, without waiting for the lock's release.
    this.handOffs.drop(key);
    this.handOffs.wake(key);
  }

  override async setMulti(mapping: ReadonlyMap<string, StoredValue>): Promise<void> {
    // Encode everything first: a value that cannot be stored fails before anything is written.
    const token = newWriteToken();
    const encoded = [...mapping].map(([key, value]) => [key, value, this.#encode(key, value, token)] as const);
    for (const [key, , text] of encoded) this.#checkFits(key, text);
    for (const [key, value, text] of encoded) {
      await this.#write(this.storageKey(key), text);
      this.#wrote(key, value, text);
      if (this.held.has(key)) this.held.set(key, token);
    }
    this.#trim([...mapping.keys()]);
    for (const key of mapping.keys()) {
      this.handOffs.drop(key);
      this.handOffs.wake(key);
    }
  }

  async delete(key: string): Promise<void> {
    const storage = this.#storage();
    await this.#markDeletes([key]);
    this.handOffs.drop(key);
    this.seen.saw(key, null);
    storage.removeItem(this.storageKey(key));
  }

  override async deleteMulti(keys: readonly string[]): Promise<void> {
    const storage = this.#storage();
    await this.#markDeletes(keys);
    for (const key of keys) {
      this.handOffs.drop(key);
      this.seen.saw(key, null);
      storage.removeItem(this.storageKey(key));
    }
  }

  /**
   * Removes every entry of this backend's namespace from localStorage (other
   * namespaces, the region's invalidation record and other apps' keys stay).
   * Other tabs hear of each removal through the `storage` event. Resolves to
   * how many entries were removed.
   */
  override async clear(): Promise<number> {
    const storage = this.#storage();
    const prefix = this.#entryPrefix();
    const keys = storageKeys(storage).filter((k) => k.startsWith(prefix));
    for (const key of this.held.keys()) this.held.set(key, undefined);
    this.handOffs.clear();
    this.seen.clear();
    for (const key of keys) storage.removeItem(key);
    return keys.length;
  }

  /** The keys stored in this backend's namespace (as stored, i.e. mangled). */
  override async keys(): Promise<string[]> {
    const prefix = this.#entryPrefix();
    return storageKeys(this.#storage()).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  /**
   * The bytes this namespace's entries take in localStorage (keys and
   * values, two bytes a UTF-16 code unit, as browsers count the quota).
   */
  async storedBytes(): Promise<number> {
    const storage = this.#storage();
    const prefix = this.#entryPrefix();
    let total = 0;
    for (const key of storageKeys(storage)) if (key.startsWith(prefix)) total += utf16Bytes(key) + utf16Bytes(storage.getItem(key) ?? '');
    return total;
  }

  // ------------------------------------------------------- the shared backend

  protected lockScope(): string {
    return `ls:${this.#entryPrefix()}`;
  }

  protected invalidationChannel(name: string): string {
    return `dogpile-cache:invalidate:ls:${this.prefix}${escapeNamespace(name)}`;
  }

  protected invalidationStore(name: string): InvalidationStore {
    const recordKey = `${this.prefix}${escapeNamespace(name)}#invalidated`;
    return {
      load: async () => {
        const text = this.#storage().getItem(recordKey);
        if (text === null) return undefined;
        try {
          return asInvalidationRecord(JSON.parse(text));
        } catch {
          return undefined;
        }
      },
      save: async (record) => this.#write(recordKey, JSON.stringify(record)),
    };
  }

  protected override lockHooks(key: string, lockName: string, locks: LockManager): WebLockHooks {
    return {
      // A recent change by another holder: the region reads once more before regenerating.
      afterAcquire: async () => {
        this.held.set(key, undefined);
        return this.#awaitPreviousChange(key, lockName, locks);
      },
      afterWait: async () => {
        await this.#awaitPreviousChange(key, lockName, locks);
      },
      // The creator's storage event carries the entry: waiters resolve with it, before the lock is released.
      handOff: () => this.handOffs.whenOffered(key),
      beforeRelease: async () => {
        const token = this.held.get(key);
        this.held.delete(key);
        if (token !== undefined && this.#syncTimeout !== 0) await placeMarker('write', locks, lockName, token, MARKER_HOLD_MS);
      },
    };
  }

  protected startFeed(): (() => void) | undefined {
    let storage: StorageLike;
    try {
      storage = this.#storage();
    } catch {
      return undefined; // No storage: every operation will say so; there is nothing to follow.
    }
    const stop = listenToStorage(storage, () => this.#entryPrefix(), ({ key, newValue }) => this.#heard(key, newValue));
    return () => {
      stop();
      clearTimeout(this.#trimTimer);
      this.#trimTimer = undefined;
    };
  }

  /** Reports every entry this tab had seen that changed while the page was away as a remote change. */
  protected catchUp(): void {
    let storage: StorageLike;
    try {
      storage = this.#storage();
    } catch {
      return;
    }
    const keys = this.seen.keys();
    const texts = keys.map((key) => storage.getItem(this.storageKey(key)));
    const states = texts.map((text) => entryState(decodeHeader(text)));
    for (const { key, now } of this.seen.compare(keys, states)) {
      if (now === null) {
        this.notifyChange({ kind: 'delete', key });
        continue;
      }
      const header = decodeHeader(texts[keys.indexOf(key)]!);
      if (header !== undefined && typeof header !== 'string' && this.order.accept(key, header.ct)) this.reportSet(key, header.ct, header.origin, header.createdBy, header.startedAt);
    }
  }

  // ---------------------------------------------------------------- internals

  /** An entry larger than `maxBytes` can never be kept: refuse it before writing or evicting anything. */
  #checkFits(key: string, text: string): void {
    const max = this.maxBytes;
    if (max === undefined) return;
    const bytes = utf16Bytes(this.storageKey(key)) + utf16Bytes(text);
    if (bytes > max) {
      throw new QuotaExceededError(`Region "${this.bindings.regionName}": the entry of key "${key}" takes ${bytes} bytes, more than the localstorage maxBytes of ${max}; nothing was evicted`);
    }
  }

  #entryPrefix(): string {
    return `${this.prefix}${escapeNamespace(this.namespace)}|`;
  }

  #storage(): StorageLike {
    if (this.#givenStorage) return this.#givenStorage;
    let storage: StorageLike | undefined;
    try {
      storage = (globalThis as { localStorage?: StorageLike }).localStorage;
    } catch (error) {
      // Chromium throws SecurityError in opaque origins and when site data is blocked.
      throw new StorageUnavailableError(`localStorage is not available here: ${describe(error)}`, { cause: error });
    }
    if (!storage) throw new StorageUnavailableError('localStorage is not available here (no window.localStorage); pass a Storage as the `storage` argument');
    return storage;
  }

  #read(storage: StorageLike, key: string): StoredValue | NoValue {
    const decoded = decodeEntry(this.handedOff(key) ?? storage.getItem(this.storageKey(key)));
    this.seen.saw(key, entryState(decoded));
    // An entry of an earlier format is a miss like any other: the next write replaces it.
    if (decoded === undefined || decoded === 'outdated') return NO_VALUE;
    if (decoded === 'corrupt') {
      this.notify({ kind: 'corrupt-entry', message: 'An entry that is not an entry of this library was read as a miss; it will be overwritten.', key });
      return NO_VALUE;
    }
    return decoded.value;
  }

  /** The entry's text, or `ValueNotStorableError` naming the region and the key. */
  #encode(key: string, value: StoredValue, token: string): string {
    const reason = value instanceof CachedValue ? unstorableReason(value.payload, 'refuse') : undefined;
    if (reason === undefined) {
      try {
        return encodeEntry(value, token, tabId());
      } catch (error) {
        if (!(value instanceof CachedValue)) throw error;
        throw this.notStorable(key, error instanceof Error ? error.message : String(error), error);
      }
    }
    throw this.notStorable(key, reason);
  }

  /** Remembers this tab's own write, so older news of the key from another tab is not reported. */
  #wrote(key: string, value: StoredValue, text: string): void {
    if (value instanceof CachedValue) this.order.record(key, value.metadata.ct);
    this.seen.saw(key, entryState(decodeHeader(text)));
  }

  /**
   * Another tab wrote an entry while the namespace is capped: trims once its
   * burst of storage events has been taken in. Each tab trims only what it
   * sees, and another tab's writes reach it late; trimming again on hearing
   * them keeps the cap across tabs (every tab orders entries by the same
   * write times, so none removes an entry the cap would keep).
   */
  #trimSoon(): void {
    if ((this.maxEntries === undefined && this.maxBytes === undefined) || this.#trimTimer !== undefined) return;
    this.#trimTimer = setTimeout(() => {
      this.#trimTimer = undefined;
      try {
        this.#trim([]);
      } catch {
        // Storage went away: the next write says so.
      }
    }, 0);
  }

  /** Another tab changed an entry of this namespace: report it to the bound regions. */
  #heard(key: string, newValue: string | null): void {
    if (newValue !== null) this.#trimSoon();
    if (newValue === null) {
      // Storage events arrive in storage order, so a removal is always news.
      this.handOffs.drop(key);
      this.seen.saw(key, null);
      this.notifyChange({ kind: 'delete', key });
      return;
    }
    const header = decodeHeader(newValue);
    if (header === undefined || typeof header === 'string') return;
    const known = this.order.newest(key);
    if (!this.order.accept(key, header.ct)) return;
    // Only a value newer than any heard of is handed to waiters (one of the same creation time was reported already).
    if (header.ct !== undefined && (known === undefined || header.ct > known)) this.handOffs.offer(key, header.ct, newValue);
    else this.handOffs.drop(key);
    this.seen.saw(key, entryState(header));
    this.reportSet(key, header.ct, header.origin, header.createdBy, header.startedAt);
  }

  /** `setItem`, making room in this namespace when storage is full. */
  #write(storageKey: string, text: string): Promise<void> {
    const storage = this.#storage();
    const prefix = this.#entryPrefix();
    const isDead = (ct: number, now: number) => this.bindings.isDead(ct, now);
    return writeMakingRoom({
      write: () => storage.setItem(storageKey, text),
      bytes: utf16Bytes(storageKey) + utf16Bytes(text),
      evictDead: () => evict(storage, prefix, 'dead', 0, isDead).removed,
      evictOldest: (count) => evict(storage, prefix, 'oldest', count, isDead),
      onEvicted: (count) =>
        this.notify({ kind: 'quota-evicted', message: `localStorage was full: evicted ${count} entries of namespace "${this.namespace}" to make room`, key: storageKey.slice(prefix.length) }),
      fail: (evicted, _bytes, cause) =>
        new QuotaExceededError(
          `localStorage is full: an entry of ${text.length} characters does not fit even after evicting ${evicted} entries of namespace "${this.namespace}"`,
          { cause },
        ),
      mayFit: () => fitsOnceEmptied(storage, prefix, `${this.prefix}#quota-probe`, storageKey.length + text.length),
      tooLarge: (cause) =>
        new QuotaExceededError(
          `localStorage cannot hold an entry of ${text.length} characters even with namespace "${this.namespace}" emptied; nothing was evicted`,
          { cause },
        ),
    });
  }

  /** Keeps the namespace within `maxEntries` and `maxBytes`, sparing the keys just written (only when a cap is set). */
  #trim(justWritten: readonly string[]): void {
    if (this.maxEntries === undefined && this.maxBytes === undefined) return;
    const fresh = new Set(justWritten.map((key) => this.storageKey(key)));
    const removed = trim(this.#storage(), this.#entryPrefix(), fresh, this.maxEntries ?? Infinity, this.maxBytes ?? Infinity);
    if (removed > 0) this.reportTrimmed(removed);
  }

  /**
   * Leaves a delete marker for each key, before the entries are removed, so
   * a tab that takes a key's lock next waits for the removal rather than for
   * the write an older marker announces. A write marker this tab would leave
   * on release is dropped: that write is gone.
   */
  async #markDeletes(keys: readonly string[]): Promise<void> {
    for (const key of keys) if (this.held.has(key)) this.held.set(key, undefined);
    const locks = webLockManager();
    if (this.#syncTimeout === 0 || !locks || this.locks.mode !== 'web-locks') return;
    const token = newWriteToken();
    try {
      await Promise.all(keys.map((key) => placeMarker('delete', locks, this.locks.lockName(key), token, MARKER_HOLD_MS)));
    } catch {
      // Without the marker the next holder only waits longer (up to syncTimeout); the delete itself goes ahead.
    }
  }

  /** Waits for the change the previous holder of `key`'s lock marked, if any (see `awaitMarkedChange`). */
  async #awaitPreviousChange(key: string, lockName: string, locks: LockManager): Promise<boolean> {
    if (this.#syncTimeout === 0) return false;
    return awaitMarkedChange(() => this.#storage(), this.storageKey(key), locks, lockName, this.#syncTimeout);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Factory registered as `localstorage`. */
export const localStorageBackendFactory = (args: LocalStorageBackendArguments = {}): LocalStorageBackend =>
  new LocalStorageBackend(args);
