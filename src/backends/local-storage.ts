/**
 * The `localstorage` backend: entries as text in `window.localStorage` (or
 * any `Storage`), shared by every tab of the origin, with a Web Lock per key
 * so one creator runs across all of them.
 *
 * @module
 */
import { CacheBackend, CachedValue, NO_VALUE, type CacheMutex, type NoValue, type RegionBinding, type RegionInvalidationStrategy, type StoredValue } from '../api.js';
import { monotonicNow } from '../clock.js';
import { QuotaExceededError, StorageUnavailableError, ValueNotStorableError } from '../errors.js';
import { parseMaxEntries } from './max-entries.js';
import { parseMaxBytes, utf16Bytes } from './max-bytes.js';
import { checkDuration } from '../validate.js';
import { ChangeOrder } from '../browser/change-order.js';
import { HandOffs } from '../browser/hand-offs.js';
import { KeyLocks } from '../browser/key-locks.js';
import { LastSeen, onPageReturn, type SeenState } from '../browser/catch-up.js';
import { decodeEntry, decodeHeader, encodeEntry, type EntryHeader, type Unreadable } from '../browser/local-storage-entry.js';
import { listenToStorage } from '../browser/storage-event-feed.js';
import type { StorageLike } from '../web-types.js';
import { unstorableReason } from '../browser/storable.js';
import { tabId } from '../browser/tab-id.js';
import { isQuotaError, writeMakingRoom } from '../browser/quota.js';
import { parseAutoPrune, type AutoPruneOptions } from '../browser/idle-prune.js';
import { RegionBindings, escapeNamespace } from '../browser/region-bindings.js';
import { SharedInvalidationStrategy, asInvalidationRecord } from '../browser/shared-invalidation.js';
import { webLockManager } from '../browser/web-locks.js';
import { latestMarker, newWriteToken, placeMarker, writeTokenTime } from '../browser/write-markers.js';

/** Arguments of the `localstorage` backend. */
export interface LocalStorageBackendArguments {
  /** Prefix of every storage key the backend writes. Default `'dogpile-cache:'`. */
  prefix?: string;
  /** The storage to use. Default `window.localStorage`, looked up at first use. */
  storage?: StorageLike;
  /**
   * The namespace of the entries inside the prefix. Default: the name of the
   * first region configured with the backend (`''` for unnamed regions).
   */
  namespace?: string;
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

const DEFAULT_PREFIX = 'dogpile-cache:';
/** How long a write marker is held: far longer than localStorage takes to reach other tabs. */
const MARKER_HOLD_MS = 1_500;
const POLL_MS = 20;

/**
 * Stores entries under `<prefix><namespace>|<key>`: a one-line JSON header
 * (creation time, version, write token, writing tab) and the payload encoded
 * with devalue, so values read back as structured clone (and so IndexedDB)
 * would give them: `NaN`, `-0`, `Date`, `Map`, `Set`, `RegExp`, typed arrays,
 * `BigInt`, `undefined`, holes and cycles survive (see
 * `browser/local-storage-entry.ts`). A value that cannot come back as it was
 * (a function, a symbol, a DOM node, a class instance) rejects `set` with
 * {@link ValueNotStorableError}. Entries of earlier formats read as misses.
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
 * `browser/write-markers.ts`). So `delete` also waits for the browser to
 * grant that marker (a Web Lock request) before it removes the entry.
 *
 * A write that does not fit evicts this namespace's dead (expired,
 * hard-invalidated, unreadable) entries, then its oldest, and retries; if it
 * still does not fit it rejects with {@link QuotaExceededError}. Keys outside
 * the namespace are never touched. Unreadable or foreign entries read as misses.
 */
export class LocalStorageBackend extends CacheBackend {
  /** Stable label for inspection (see `CacheBackend.label`). */
  static readonly label = 'LocalStorageBackend';
  /** Prefix of every storage key the backend writes. */
  readonly prefix: string;
  readonly #givenStorage: StorageLike | undefined;
  readonly #bindings: RegionBindings;
  readonly #locks: KeyLocks;
  readonly #syncTimeout: number;
  readonly #maxEntries: number | undefined;
  readonly #maxBytes: number | undefined;
  /** Keys whose Web Lock this tab holds, with the token of a write made meanwhile. */
  readonly #held = new Map<string, string | undefined>();
  readonly #order = new ChangeOrder();
  /** Entries other tabs just wrote, as the storage event carried them (see `browser/hand-offs.ts`). */
  readonly #handOffs = new HandOffs<string>(monotonicNow);
  /** What this tab last saw of each entry, to catch up when the page comes back (see `browser/catch-up.ts`). */
  readonly #seen = new LastSeen();
  /** Stops listening to other tabs' changes and to the page's return; set while a region is bound. */
  #stopListening: (() => void) | undefined;

  constructor(args: LocalStorageBackendArguments = {}) {
    super();
    if (args === null || typeof args !== 'object') throw new TypeError('dogpile-cache: localstorage arguments must be an object');
    const { prefix = DEFAULT_PREFIX, storage, namespace, syncTimeout = 2_000, maxEntries, maxBytes, autoPrune } = args;
    if (typeof prefix !== 'string') throw new TypeError('dogpile-cache: localstorage prefix must be a string');
    if (storage !== undefined && (storage === null || typeof storage.getItem !== 'function' || typeof storage.setItem !== 'function')) {
      throw new TypeError('dogpile-cache: localstorage storage must implement the Storage interface');
    }
    checkDuration(syncTimeout, 'localstorage syncTimeout');
    this.prefix = prefix;
    this.#givenStorage = storage;
    const pruning = parseAutoPrune(autoPrune);
    this.#bindings = new RegionBindings(namespace, pruning && {
      settings: pruning,
      onError: (error, region) => this.notify({ kind: 'prune-failed', message: `Pruning region "${region ?? ''}" by itself failed: ${(error as Error)?.message ?? String(error)}`, error }),
    });
    this.#syncTimeout = syncTimeout;
    this.#maxEntries = parseMaxEntries(maxEntries, 'localstorage');
    this.#maxBytes = parseMaxBytes(maxBytes, 'localstorage');
    this.#locks = new KeyLocks({
      scope: () => `ls:${this.#entryPrefix()}`,
      onFallback: (message) => this.notify({ kind: 'mutex-fallback', message }),
      hooks: (key, lockName, locks) => ({
        // A recent change by another holder: the region reads once more before regenerating.
        afterAcquire: async () => {
          this.#held.set(key, undefined);
          return this.#awaitPreviousChange(key, lockName, locks);
        },
        afterWait: async () => {
          await this.#awaitPreviousChange(key, lockName, locks);
        },
        // The creator's storage event carries the entry: waiters resolve with it, before the lock is released.
        handOff: () => this.#handOffs.whenOffered(key),
        beforeRelease: async () => {
          const token = this.#held.get(key);
          this.#held.delete(key);
          if (token !== undefined && this.#syncTimeout !== 0) await placeMarker('write', locks, lockName, token, MARKER_HOLD_MS);
        },
      }),
    });
  }

  /** The namespace of this backend's entries. */
  get namespace(): string {
    return this.#bindings.namespace;
  }

  /** How creation is locked: across tabs (`'web-locks'`) or in this tab only (`'in-process'`). */
  get lockMode(): 'web-locks' | 'in-process' {
    return this.#locks.mode;
  }

  /** The storage key holding `key`. */
  storageKey(key: string): string {
    return this.#entryPrefix() + key;
  }

  override bindRegion(region: RegionBinding): void {
    if (!this.#bindings.bind(region) || this.#stopListening) return;
    let storage: StorageLike;
    try {
      storage = this.#storage();
    } catch {
      return; // No storage: every operation will say so; there is nothing to follow.
    }
    const stopStorage = listenToStorage(storage, () => this.#entryPrefix(), ({ key, newValue }) => this.#heard(key, newValue));
    const stopReturn = onPageReturn(() => this.#catchUp());
    this.#stopListening = () => {
      stopStorage();
      stopReturn();
    };
  }

  /** Forgets `region`; once none is bound, stops following other tabs. */
  override unbindRegion(region: RegionBinding): void {
    if (!this.#bindings.unbind(region)) return;
    this.#stopListening?.();
    this.#stopListening = undefined;
  }

  override getMutex(key: string): CacheMutex | null {
    return this.#locks.mutexFor(key);
  }

  override createInvalidationStrategy(region: RegionBinding): RegionInvalidationStrategy {
    const name = escapeNamespace(region.name ?? '');
    const recordKey = `${this.prefix}${name}#invalidated`;
    const strategy = new SharedInvalidationStrategy({
      channel: `dogpile-cache:invalidate:ls:${this.prefix}${name}`,
      store: {
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
      },
      onFault: (kind, error) => this.notify({ kind, message: `The region's invalidation could not be ${kind === 'invalidation-not-saved' ? 'saved' : 'read'}`, error }),
      now: region.now,
    });
    this.#bindings.addStrategy(strategy);
    return strategy;
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

  /** Rejects with {@link ValueNotStorableError} for a value that would not read back as it was. */
  async set(key: string, value: StoredValue): Promise<void> {
    const token = newWriteToken();
    const text = this.#encode(key, value, token);
    this.#checkFits(key, text);
    await this.#write(this.storageKey(key), text);
    this.#wrote(key, value, text);
    if (this.#held.has(key)) this.#held.set(key, token);
    this.#trim([key]);
    // This tab's waiters read it from storage at once, without waiting for the lock's release.
    this.#handOffs.drop(key);
    this.#handOffs.wake(key);
  }

  override async setMulti(mapping: ReadonlyMap<string, StoredValue>): Promise<void> {
    // Encode everything first: a value that cannot be stored fails before anything is written.
    const token = newWriteToken();
    const encoded = [...mapping].map(([key, value]) => [key, value, this.#encode(key, value, token)] as const);
    for (const [key, , text] of encoded) this.#checkFits(key, text);
    for (const [key, value, text] of encoded) {
      await this.#write(this.storageKey(key), text);
      this.#wrote(key, value, text);
      if (this.#held.has(key)) this.#held.set(key, token);
    }
    this.#trim([...mapping.keys()]);
    for (const key of mapping.keys()) {
      this.#handOffs.drop(key);
      this.#handOffs.wake(key);
    }
  }

  async delete(key: string): Promise<void> {
    const storage = this.#storage();
    await this.#markDeletes([key]);
    this.#handOffs.drop(key);
    this.#seen.saw(key, null);
    storage.removeItem(this.storageKey(key));
  }

  override async deleteMulti(keys: readonly string[]): Promise<void> {
    const storage = this.#storage();
    await this.#markDeletes(keys);
    for (const key of keys) {
      this.#handOffs.drop(key);
      this.#seen.saw(key, null);
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
    const keys = this.#storageKeys().filter((k) => k.startsWith(prefix));
    for (const key of this.#held.keys()) this.#held.set(key, undefined);
    this.#handOffs.clear();
    this.#seen.clear();
    for (const key of keys) storage.removeItem(key);
    return keys.length;
  }

  /** The keys stored in this backend's namespace (as stored, i.e. mangled). */
  override async keys(): Promise<string[]> {
    const prefix = this.#entryPrefix();
    return this.#storageKeys().filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  /**
   * The bytes this namespace's entries take in localStorage (keys and
   * values, two bytes a UTF-16 code unit, as browsers count the quota).
   */
  async storedBytes(): Promise<number> {
    const storage = this.#storage();
    const prefix = this.#entryPrefix();
    let total = 0;
    for (const key of this.#storageKeys()) if (key.startsWith(prefix)) total += utf16Bytes(key) + utf16Bytes(storage.getItem(key) ?? '');
    return total;
  }

  // ---------------------------------------------------------------- internals

  /** An entry larger than `maxBytes` can never be kept: refuse it before writing or evicting anything. */
  #checkFits(key: string, text: string): void {
    const max = this.#maxBytes;
    if (max === undefined) return;
    const bytes = utf16Bytes(this.storageKey(key)) + utf16Bytes(text);
    if (bytes > max) {
      throw new QuotaExceededError(`Region "${this.#bindings.regionName}": the entry of key "${key}" takes ${bytes} bytes, more than the localstorage maxBytes of ${max}; nothing was evicted`);
    }
  }

  #entryPrefix(): string {
    return `${this.prefix}${escapeNamespace(this.#bindings.namespace)}|`;
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

  #storageKeys(): string[] {
    const storage = this.#storage();
    const keys: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key !== null) keys.push(key);
    }
    return keys;
  }

  #read(storage: StorageLike, key: string): StoredValue | NoValue {
    const decoded = decodeEntry(this.#handedOff(key) ?? storage.getItem(this.storageKey(key)));
    this.#seen.saw(key, stateOf(decoded));
    // An entry of an earlier format is a miss like any other: the next write replaces it.
    if (decoded === undefined || decoded === 'outdated') return NO_VALUE;
    if (decoded === 'corrupt') {
      this.notify({ kind: 'corrupt-entry', message: 'An entry that is not an entry of this library was read as a miss; it will be overwritten.', key });
      return NO_VALUE;
    }
    return decoded.value;
  }

  /** The entry's text, or {@link ValueNotStorableError} naming the region and the key. */
  #encode(key: string, value: StoredValue, token: string): string {
    const reason = value instanceof CachedValue ? unstorableReason(value.payload, 'refuse') : undefined;
    if (reason === undefined) {
      try {
        return encodeEntry(value, token, tabId());
      } catch (error) {
        if (!(value instanceof CachedValue)) throw error;
        throw this.#notStorable(key, error instanceof Error ? error.message : String(error), error);
      }
    }
    throw this.#notStorable(key, reason);
  }

  #notStorable(key: string, reason: string, cause?: unknown): ValueNotStorableError {
    return new ValueNotStorableError(`Region "${this.#bindings.regionName}" cannot store the value of key "${key}" in localStorage: ${reason}`, cause === undefined ? undefined : { cause });
  }

  /** Remembers this tab's own write, so older news of the key from another tab is not reported. */
  #wrote(key: string, value: StoredValue, text: string): void {
    if (value instanceof CachedValue) this.#order.record(key, value.metadata.ct);
    this.#seen.saw(key, stateOf(decodeHeader(text)));
  }

  /**
   * The page came back (from frozen, hidden or the back/forward cache) and
   * may have missed storage events and invalidation messages: read the
   * invalidation again, and report every entry this tab had seen that
   * changed meanwhile as a remote change.
   */
  #catchUp(): void {
    this.#handOffs.clear();
    void this.#bindings.reloadStrategies();
    let storage: StorageLike;
    try {
      storage = this.#storage();
    } catch {
      return;
    }
    const keys = this.#seen.keys();
    const texts = keys.map((key) => storage.getItem(this.storageKey(key)));
    const states = texts.map((text) => stateOf(decodeHeader(text)));
    for (const { key, now } of this.#seen.compare(keys, states)) {
      if (now === null) {
        this.notifyChange({ kind: 'delete', key });
        continue;
      }
      const header = decodeHeader(texts[keys.indexOf(key)]!);
      if (header !== undefined && typeof header !== 'string' && this.#order.accept(key, header.ct)) this.#reportSet(key, header);
    }
  }

  /**
   * The entry text another tab just handed off for `key`, if it is still the
   * newest change this tab knows of (read once); else `undefined`: read storage.
   */
  #handedOff(key: string): string | undefined {
    const handed = this.#handOffs.take(key);
    if (!handed) return undefined;
    const newest = this.#order.newest(key);
    return newest === undefined || handed.ct >= newest ? handed.value : undefined;
  }

  /** Another tab changed an entry of this namespace: report it to the bound regions. */
  #heard(key: string, newValue: string | null): void {
    if (newValue === null) {
      // Storage events arrive in storage order, so a removal is always news.
      this.#handOffs.drop(key);
      this.#seen.saw(key, null);
      this.notifyChange({ kind: 'delete', key });
      return;
    }
    const header = decodeHeader(newValue);
    if (header === undefined || typeof header === 'string') return;
    const known = this.#order.newest(key);
    if (!this.#order.accept(key, header.ct)) return;
    // Only a value newer than any heard of is handed to waiters (one of the same creation time was reported already).
    if (header.ct !== undefined && (known === undefined || header.ct > known)) this.#handOffs.offer(key, header.ct, newValue);
    else this.#handOffs.drop(key);
    this.#seen.saw(key, stateOf(header));
    this.#reportSet(key, header);
  }

  /** Reports another tab's write of `key` to the bound regions, with its provenance. */
  #reportSet(key: string, header: EntryHeader): void {
    const { ct, origin, createdBy, startedAt } = header;
    this.notifyChange({
      kind: 'set',
      key,
      ...(ct === undefined ? {} : { ct }),
      ...(origin === undefined ? {} : { origin }),
      ...(createdBy === undefined ? {} : { createdBy }),
      ...(ct === undefined || startedAt === undefined ? {} : { creationMs: Math.max(0, ct - startedAt) }),
    });
  }

  /** `setItem`, making room in this namespace when storage is full. */
  #write(storageKey: string, text: string): Promise<void> {
    const storage = this.#storage();
    return writeMakingRoom({
      write: () => storage.setItem(storageKey, text),
      evictDead: () => this.#evict(storage, 'dead', 0),
      evictOldest: (count) => this.#evict(storage, 'oldest', count),
      onEvicted: (count) => this.#reportEviction(count, storageKey),
      fail: (evicted, cause) =>
        new QuotaExceededError(
          `localStorage is full: an entry of ${text.length} characters does not fit even after evicting ${evicted} entries of namespace "${this.namespace}"`,
          { cause },
        ),
      mayFit: () => this.#fitsOnceEmptied(storage, storageKey.length + text.length),
      tooLarge: (cause) =>
        new QuotaExceededError(
          `localStorage cannot hold an entry of ${text.length} characters even with namespace "${this.namespace}" emptied; nothing was evicted`,
          { cause },
        ),
    });
  }

  /**
   * Whether `chars` (key and value) would fit once every entry of this
   * namespace were removed: one probe write of the shortfall beyond what the
   * namespace takes, removed at once. Only asked after a write has failed.
   */
  #fitsOnceEmptied(storage: StorageLike, chars: number): boolean {
    const prefix = this.#entryPrefix();
    let namespaceChars = 0;
    for (const key of this.#storageKeys()) if (key.startsWith(prefix)) namespaceChars += key.length + (storage.getItem(key)?.length ?? 0);
    const probeKey = `${this.prefix}#quota-probe`;
    const shortfall = chars - namespaceChars - probeKey.length;
    if (shortfall <= 0) return true;
    try {
      storage.setItem(probeKey, 'x'.repeat(shortfall));
      return true;
    } catch (error) {
      if (isQuotaError(error)) return false;
      throw error;
    } finally {
      storage.removeItem(probeKey);
    }
  }

  /** Removes this namespace's dead entries, or its `count` oldest ones. Returns how many. */
  #evict(storage: StorageLike, what: 'dead' | 'oldest', count: number): number {
    const prefix = this.#entryPrefix();
    const now = Date.now();
    const entries: Array<{ key: string; time: number; dead: boolean }> = [];
    for (const key of this.#storageKeys()) {
      if (!key.startsWith(prefix)) continue;
      const decoded = decodeHeader(storage.getItem(key));
      if (decoded === undefined) continue;
      if (decoded === 'corrupt' || decoded === 'outdated') {
        entries.push({ key, time: -Infinity, dead: true });
        continue;
      }
      const time = decoded.ct ?? (decoded.token ? writeTokenTime(decoded.token) : Number.NaN);
      const dead = (decoded.ct !== undefined && this.#bindings.isDead(decoded.ct, now)) || Number.isNaN(time);
      entries.push({ key, time: Number.isNaN(time) ? -Infinity : time, dead });
    }
    const victims = what === 'dead' ? entries.filter((e) => e.dead) : entries.sort((a, b) => a.time - b.time).slice(0, count);
    for (const victim of victims) storage.removeItem(victim.key);
    return victims.length;
  }

  /**
   * Keeps the namespace within `maxEntries` and `maxBytes`: removes the least
   * recently written entries past them (by the header's write time), never
   * the ones just written while others remain.
   * Counting is a scan of localStorage's key list, done only when a cap is set.
   */
  #trim(justWritten: readonly string[]): void {
    const maxCount = this.#maxEntries ?? Infinity;
    const maxBytes = this.#maxBytes ?? Infinity;
    if (maxCount === Infinity && maxBytes === Infinity) return;
    const storage = this.#storage();
    const prefix = this.#entryPrefix();
    const fresh = new Set(justWritten.map((key) => this.storageKey(key)));
    let count = 0;
    let bytes = 0;
    const written: Array<{ key: string; fresh: boolean; time: number; bytes: number }> = [];
    for (const key of this.#storageKeys()) {
      if (!key.startsWith(prefix)) continue;
      const text = storage.getItem(key) ?? '';
      const header = decodeHeader(text);
      // Unreadable entries go first.
      let time = -Infinity;
      if (header !== undefined && typeof header !== 'string') time = header.at ?? (header.token === undefined ? Number.NaN : writeTokenTime(header.token));
      const size = utf16Bytes(key) + utf16Bytes(text);
      written.push({ key, fresh: fresh.has(key), time: Number.isNaN(time) ? -Infinity : time, bytes: size });
      count++;
      bytes += size;
    }
    if (count <= maxCount && bytes <= maxBytes) return;
    written.sort((a, b) => Number(a.fresh) - Number(b.fresh) || a.time - b.time);
    let removed = 0;
    for (const victim of written) {
      if (count <= maxCount && bytes <= maxBytes) break;
      storage.removeItem(victim.key);
      count--;
      bytes -= victim.bytes;
      removed++;
    }
    const caps = [this.#maxEntries === undefined ? '' : `${this.#maxEntries} entries`, this.#maxBytes === undefined ? '' : `${this.#maxBytes} bytes`].filter(Boolean).join(' and ');
    this.notify({ kind: 'max-entries-evicted', message: `localStorage namespace "${this.namespace}" holds at most ${caps}: removed the ${removed} least recently written` });
  }

  #reportEviction(count: number, storageKey: string): void {
    this.notify({ kind: 'quota-evicted', message: `localStorage was full: evicted ${count} entries of namespace "${this.namespace}" to make room`, key: storageKey.slice(this.#entryPrefix().length) });
  }

  /**
   * Leaves a delete marker for each key, before the entries are removed, so
   * a tab that takes a key's lock next waits for the removal rather than for
   * the write an older marker announces. A write marker this tab would leave
   * on release is dropped: that write is gone.
   */
  async #markDeletes(keys: readonly string[]): Promise<void> {
    for (const key of keys) if (this.#held.has(key)) this.#held.set(key, undefined);
    const locks = webLockManager();
    if (this.#syncTimeout === 0 || !locks || this.#locks.mode !== 'web-locks') return;
    const token = newWriteToken();
    try {
      await Promise.all(keys.map((key) => placeMarker('delete', locks, this.#locks.lockName(key), token, MARKER_HOLD_MS)));
    } catch {
      // Without the marker the next holder only waits longer (up to syncTimeout); the delete itself goes ahead.
    }
  }

  /**
   * Runs when this tab is granted `key`'s lock: if the newest marker left for
   * the key is a write, wait (bounded) until that write is visible here, so
   * the region's re-read finds it instead of creating the value again; if it
   * is a delete, wait until the entry is gone here, so the re-read does not
   * find the deleted value. Resolves `true` when there was such a recent
   * change (the region then reads again even for an expired value).
   */
  async #awaitPreviousChange(key: string, lockName: string, locks: LockManager): Promise<boolean> {
    if (this.#syncTimeout === 0) return false;
    const marker = await latestMarker(locks, lockName);
    if (marker === undefined) return false;
    const storage = this.#storage();
    const storageKey = this.storageKey(key);
    const { kind, token } = marker;
    const markedAt = writeTokenTime(token);
    /** Whether `text` (an entry's JSON, or `null`) shows the marked change, or a newer one. */
    const shows = (text: string | null) => {
      const decoded = decodeHeader(text);
      if (decoded === undefined) return kind === 'delete';
      if (typeof decoded === 'string' || decoded.token === undefined) return false;
      // After a delete, only a later write counts: an entry of the same millisecond may be the deleted one.
      if (kind === 'delete') return writeTokenTime(decoded.token) > markedAt;
      return decoded.token === token || writeTokenTime(decoded.token) >= markedAt;
    };
    const visible = () => shows(storage.getItem(storageKey));
    if (visible()) return true;
    const target = globalThis as { addEventListener?: typeof addEventListener; removeEventListener?: typeof removeEventListener };
    await new Promise<void>((resolve) => {
      const deadline = monotonicNow() + this.#syncTimeout;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        clearTimeout(timer);
        target.removeEventListener?.('storage', onStorage);
        resolve();
      };
      const onStorage = (event: Event) => {
        const { key: changed, storageArea, newValue, oldValue } = event as StorageEvent;
        if (changed !== storageKey || storageArea !== storage) return;
        // The awaited write reached this tab and was removed since (by a delete that came after this wait began): nothing more will arrive.
        const removedAfterWrite = kind === 'write' && newValue === null && shows(oldValue);
        if (removedAfterWrite || visible()) done();
      };
      const poll = () => {
        if (visible() || monotonicNow() >= deadline) done();
        else timer = setTimeout(poll, POLL_MS);
      };
      target.addEventListener?.('storage', onStorage);
      timer = setTimeout(poll, POLL_MS);
    });
    return true;
  }
}

/** What catching up compares: an entry's creation time (a serializer's entry: its write time), `null` when absent or unreadable. */
function stateOf(header: EntryHeader | undefined | Unreadable): SeenState {
  if (header === undefined || typeof header === 'string') return null;
  return header.ct ?? header.at ?? null;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Factory registered as `localstorage`. */
export const localStorageBackendFactory = (args: LocalStorageBackendArguments = {}): LocalStorageBackend =>
  new LocalStorageBackend(args);
