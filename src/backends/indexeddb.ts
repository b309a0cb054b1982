/**
 * The `indexeddb` backend: entries as structured clones in one IndexedDB
 * object store shared by every region and tab of the origin, with a Web Lock
 * per key so one creator runs across all of them.
 *
 * @module
 */
import { checkDuration } from '../validate.js';
import { openDB, type IDBPDatabase, type IDBPObjectStore } from 'idb';
import { CacheBackend, CachedValue, NO_VALUE, type CacheMutex, type CachedValueMetadata, type NoValue, type RegionBinding, type RegionInvalidationStrategy, type StoredValue } from '../api.js';
import { monotonicNow } from '../clock.js';
import { QuotaExceededError, StorageUnavailableError, ValueNotStorableError } from '../errors.js';
import { parseMaxEntries } from './max-entries.js';
import { estimateBytes, parseMaxBytes, utf16Bytes } from './max-bytes.js';
import { ChangeChannel, type ChannelChange } from '../browser/change-channel.js';
import { LastSeen, onPageReturn } from '../browser/catch-up.js';
import { ChangeOrder } from '../browser/change-order.js';
import { HAND_OFF_MAX_BYTES, HandOffs } from '../browser/hand-offs.js';
import { KeyLocks } from '../browser/key-locks.js';
import { writeMakingRoom } from '../browser/quota.js';
import { parseAutoPrune, type AutoPruneOptions } from '../browser/idle-prune.js';
import { RegionBindings, escapeNamespace } from '../browser/region-bindings.js';
import { SharedInvalidationStrategy, asInvalidationRecord } from '../browser/shared-invalidation.js';
import { unstorableReason } from '../browser/storable.js';
import { tabId } from '../browser/tab-id.js';

/** Arguments of the `indexeddb` backend. */
export interface IndexedDBBackendArguments {
  /** Database name. Default `'dogpile-cache'`. */
  dbName?: string;
  /** Object store holding every region's entries. Default `'entries'`. */
  storeName?: string;
  /**
   * The namespace of the entries inside the store. Default: the name of the
   * first region configured with the backend (`''` for unnamed regions).
   */
  namespace?: string;
  /**
   * How long (ms) opening the database may take before failing with
   * `StorageUnavailableError`: opening stalls when a schema upgrade is
   * blocked by another connection that does not close (an old tab of another
   * app). Default 5000.
   */
  blockedTimeout?: number;
  /**
   * The most entries kept in the namespace; a write past it removes the
   * least recently written ones (by any tab), in the write's transaction.
   * Default: no cap.
   */
  maxEntries?: number;
  /**
   * The most bytes the namespace's entries take, by an estimate made at
   * write time (strings two bytes a code unit, numbers 8, binary data its
   * length; see `estimateBytes`); a write past it removes the least recently
   * written entries in the write's transaction. A single entry larger than
   * the cap rejects with `QuotaExceededError` before anything is written or
   * evicted. Each capped write walks the namespace's records. Default: no cap.
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

/** A structured clone of `value` (as the database would give back), or `undefined` where there is no `structuredClone`. */
function copyOf(value: unknown): unknown {
  const clone = (globalThis as { structuredClone?: (value: unknown) => unknown }).structuredClone;
  if (typeof clone !== 'function') return undefined;
  try {
    return clone(value);
  } catch {
    return undefined;
  }
}

/** What catching up compares of a record: a value's creation time, a serializer's write time, `null` for none. */
function recordState(record: unknown): number | null {
  if (record === null || typeof record !== 'object') return null;
  const { ct, at } = record as EntryRecord;
  return typeof ct === 'number' ? ct : typeof at === 'number' ? at : null;
}

/** Index over the namespace field: lists one region's entries. */
export const NAMESPACE_INDEX = 'ns';
/** Index over (namespace, write time): finds one region's oldest entries. */
export const AGE_INDEX = 'ns-at';
/** The record key of a region's invalidation (entry keys are always strings). */
const INVALIDATION_KEY = 0;

type EntryKey = [string, string | number];
// Typed as read-write; read-only transactions only call the read methods.
type Store = IDBPObjectStore<unknown, ArrayLike<string>, string, 'readwrite'>;

/** A stored record: namespace, key, write time, and either a value (`ct`, `v`, `st`, `rv`, `p`) or serialized data `s`. */
interface EntryRecord {
  ns: string;
  key: string | number;
  at?: number;
  ct?: number;
  v?: number;
  st?: number;
  rv?: string | number;
  /** Origin id of the region that wrote the value (provenance). */
  o?: string;
  p?: unknown;
  s?: string | Uint8Array;
  /** Estimated size in bytes, recorded when `maxBytes` is set. */
  sz?: number;
  inv?: unknown;
}

/**
 * Stores `{ ns, key, at, ct, v, p }` records (or `{ ns, key, at, s }` for a
 * region serializer's output) under the compound key `[namespace, key]`, in
 * one object store for all regions. The schema is the same for every region,
 * so a new region never needs a version upgrade (upgrades block while other
 * tabs hold the database open); only a new `storeName` does, once.
 *
 * `getMulti`, `setMulti` and `deleteMulti` use one transaction each. Writes
 * resolve once committed, before the creation lock is released, so the next
 * holder in any tab reads the value; reads resolve as soon as their requests
 * succeed, without waiting for their read-only transaction to complete. A
 * connection the browser closes (`close` event, or another tab's upgrade) is
 * reopened on next use.
 * Where IndexedDB cannot be opened (opaque origins, some private modes,
 * blocked upgrades) every operation rejects with {@link StorageUnavailableError}.
 *
 * A value that would not read back as it was (a function, a symbol, a DOM
 * node, a class instance, which structured clone would turn into a plain
 * object) rejects `set` with {@link ValueNotStorableError}, and nothing of
 * that call is written.
 *
 * Every write and delete (evictions included) is posted, after it commits,
 * on the BroadcastChannel `dogpile-cache:changes:idb:<db>/<store>/<namespace>`
 * with this tab's id; other tabs' posts reach the bound regions as remote
 * changes (`onChange`), unless older than a change already heard for the key.
 */
export class IndexedDBBackend extends CacheBackend {
  /** Stable label for inspection (see `CacheBackend.label`). */
  static readonly label = 'IndexedDBBackend';
  readonly dbName: string;
  readonly storeName: string;
  readonly #bindings: RegionBindings;
  readonly #locks: KeyLocks;
  readonly #blockedTimeout: number;
  readonly #maxEntries: number | undefined;
  readonly #maxBytes: number | undefined;
  /** Set while an open of the database is blocked: operations fail at once until it opens. */
  #blocked: StorageUnavailableError | undefined;
  #db: Promise<IDBPDatabase> | undefined;
  #generation = 0;
  readonly #order = new ChangeOrder();
  /** Values other tabs just created, handed over on the change feed (see `browser/hand-offs.ts`). */
  readonly #handOffs = new HandOffs<StoredValue>(monotonicNow);
  /** What this tab last saw of each entry, to catch up when the page comes back (see `browser/catch-up.ts`). */
  readonly #seen = new LastSeen();
  #stopReturn: (() => void) | undefined;
  /** Keys whose creation lock this tab holds: their writes are handed to waiting tabs before they commit. */
  readonly #held = new Set<string>();
  /** The change feed between tabs; open while a region is bound. */
  #feed: ChangeChannel | undefined;
  #now: () => number = Date.now;

  constructor(args: IndexedDBBackendArguments = {}) {
    super();
    if (args === null || typeof args !== 'object') throw new TypeError('dogpile-cache: indexeddb arguments must be an object');
    const { dbName = 'dogpile-cache', storeName = 'entries', namespace, blockedTimeout = 5_000, maxEntries, maxBytes, autoPrune } = args;
    if (typeof dbName !== 'string' || dbName === '') throw new TypeError('dogpile-cache: indexeddb dbName must be a non-empty string');
    if (typeof storeName !== 'string' || storeName === '') throw new TypeError('dogpile-cache: indexeddb storeName must be a non-empty string');
    checkDuration(blockedTimeout, 'indexeddb blockedTimeout');
    this.dbName = dbName;
    this.storeName = storeName;
    this.#blockedTimeout = blockedTimeout;
    this.#maxEntries = parseMaxEntries(maxEntries, 'indexeddb');
    this.#maxBytes = parseMaxBytes(maxBytes, 'indexeddb');
    const pruning = parseAutoPrune(autoPrune);
    this.#bindings = new RegionBindings(namespace, pruning && {
      settings: pruning,
      onError: (error, region) => this.notify({ kind: 'prune-failed', message: `Pruning region "${region ?? ''}" by itself failed: ${(error as Error)?.message ?? String(error)}`, error }),
    });
    this.#locks = new KeyLocks({
      scope: () => `idb:${encodeURIComponent(this.dbName)}/${encodeURIComponent(this.storeName)}/${escapeNamespace(this.namespace)}`,
      onFallback: (message) => this.notify({ kind: 'mutex-fallback', message }),
      // A creator's tab posts small values with its change: waiters resolve with them, before the lock is released.
      hooks: (key) => ({
        handOff: () => this.#handOffs.whenOffered(key),
        afterAcquire: () => void this.#held.add(key),
        beforeRelease: () => void this.#held.delete(key),
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

  override bindRegion(region: RegionBinding): void {
    if (!this.#bindings.bind(region) || this.#feed) return;
    this.#now = region.now ?? Date.now;
    const name = `dogpile-cache:changes:idb:${encodeURIComponent(this.dbName)}/${encodeURIComponent(this.storeName)}/${escapeNamespace(this.namespace)}`;
    this.#feed = new ChangeChannel(name, tabId(), (origin, changes) => {
      for (const { kind, key, time, by, st, record } of changes) {
        if (kind === 'hand-off') {
          // Not a change yet (its write is committing): only for waiters, and only if newer than anything heard.
          const newest = this.#order.newest(key);
          const handed = newest !== undefined && time < newest ? undefined : this.#handedRecord(record, key, time);
          if (handed) this.#handOffs.offer(key, time, handed);
          continue;
        }
        if (!this.#order.accept(key, time)) continue;
        if (kind === 'delete') {
          this.#handOffs.drop(key);
          this.#seen.saw(key, null);
          this.notifyChange({ kind, key, origin });
          continue;
        }
        this.#seen.saw(key, time);
        const handed = record === undefined ? undefined : this.#handedRecord(record, key, time);
        if (handed) this.#handOffs.offer(key, time, handed);
        else this.#handOffs.dropOlder(key, time);
        this.notifyChange({ kind, key, ct: time, origin, ...(by === undefined ? {} : { createdBy: by }), ...(st === undefined ? {} : { creationMs: Math.max(0, time - st) }) });
      }
    });
    this.#stopReturn = onPageReturn(() => void this.#catchUp());
  }

  /** Forgets `region`; once none is bound, closes the change feed. */
  override unbindRegion(region: RegionBinding): void {
    if (!this.#bindings.unbind(region)) return;
    this.#feed?.close();
    this.#feed = undefined;
    this.#stopReturn?.();
    this.#stopReturn = undefined;
  }

  override getMutex(key: string): CacheMutex | null {
    return this.#locks.mutexFor(key);
  }

  override createInvalidationStrategy(region: RegionBinding): RegionInvalidationStrategy {
    const name = region.name ?? '';
    const strategy = new SharedInvalidationStrategy({
      channel: `dogpile-cache:invalidate:idb:${encodeURIComponent(this.dbName)}/${encodeURIComponent(this.storeName)}/${escapeNamespace(name)}`,
      store: {
        load: async () => {
          const record = (await this.#run('readonly', (store) => store.get([name, INVALIDATION_KEY]))) as EntryRecord | undefined;
          return asInvalidationRecord(record?.inv);
        },
        save: async (record) => {
          await this.#write((store) => store.put({ ns: name, key: INVALIDATION_KEY, inv: record } satisfies EntryRecord).then(() => {}));
        },
      },
      onFault: (kind, error) => this.notify({ kind, message: `The region's invalidation could not be ${kind === 'invalidation-not-saved' ? 'saved' : 'read'}`, error }),
      now: region.now,
    });
    this.#bindings.addStrategy(strategy);
    return strategy;
  }

  async get(key: string): Promise<StoredValue | NoValue> {
    const handed = this.#handedOff(key);
    if (handed !== undefined) return handed;
    const record = await this.#run('readonly', (store) => store.get(this.#id(key)));
    this.#sawRecord(key, record);
    return this.#decode(record, key);
  }

  /** One read-only transaction for all keys. */
  override async getMulti(keys: readonly string[]): Promise<Array<StoredValue | NoValue>> {
    if (keys.length === 0) return [];
    const records = await this.#run('readonly', (store) => Promise.all(keys.map((key) => store.get(this.#id(key)))));
    records.forEach((record, i) => this.#sawRecord(keys[i]!, record));
    return records.map((record, i) => this.#decode(record, keys[i]!));
  }

  /** Rejects with {@link ValueNotStorableError} for a value that would not read back as it was. */
  async set(key: string, value: StoredValue): Promise<void> {
    await this.setMulti(new Map([[key, value]]));
  }

  /** One read-write transaction for all keys; a value that cannot be stored fails the whole call. */
  override async setMulti(mapping: ReadonlyMap<string, StoredValue>): Promise<void> {
    if (mapping.size === 0) return;
    // Strictly increasing within the tab, so the age index orders this tab's writes exactly.
    const at = monotonicNow();
    const records = [...mapping].map(([key, value]) => this.#record(key, value, at));
    this.#checkFits(records);
    this.#handOffEarly(records, at);
    let evicted: string[] = [];
    await this.#write(async (store) => {
      const puts: Array<Promise<unknown>> = [];
      for (const record of records) {
        try {
          puts.push(store.put(record));
        } catch (error) {
          // The browser's structured clone refused it (a DOM node, a platform object): write none of the call.
          if ((error as { name?: string })?.name !== 'DataCloneError') throw error;
          const tx = store.transaction;
          tx.done.catch(() => {});
          puts.forEach((put) => put.catch(() => {}));
          tx.abort();
          throw this.#notStorable(record.key as string, (error as Error).message, error);
        }
      }
      await Promise.all(puts);
      evicted = await this.#trim(store, new Set(mapping.keys()));
    }, records);
    const changes = records.map((record) => this.#setChange(record, at));
    this.#publish(changes);
    // This tab's waiters get it at once too, without waiting for the lock's release
    // (a copy, as a read would give them; a large value they read from the database).
    for (const change of changes) {
      const copy = change.record === undefined ? undefined : this.#handedRecord(copyOf(change.record), change.key, change.time);
      this.#handOffs.dropOlder(change.key, change.time);
      if (copy === undefined) this.#handOffs.wake(change.key);
      else this.#handOffs.offer(change.key, change.time, copy);
    }
    if (evicted.length > 0) {
      this.#publishDeletes(evicted);
      const caps = [this.#maxEntries === undefined ? '' : `${this.#maxEntries} entries`, this.#maxBytes === undefined ? '' : `${this.#maxBytes} bytes`].filter(Boolean).join(' and ');
      this.notify({ kind: 'max-entries-evicted', message: `IndexedDB namespace "${this.namespace}" holds at most ${caps}: removed the ${evicted.length} least recently written` });
    }
  }

  /**
   * Removes every entry of this backend's namespace, in one transaction
   * (other namespaces and the region's invalidation record stay). Other tabs
   * hear of each removed key through the change feed. Resolves to how many
   * entries were removed.
   */
  override async clear(): Promise<number> {
    const ns = this.namespace;
    const ids = await this.#run('readwrite', async (store) => {
      const found = (await store.index(AGE_INDEX).getAllKeys(IDBKeyRange.bound([ns, -Infinity], [ns, Infinity]))) as unknown as EntryKey[];
      await Promise.all(found.map((id) => store.delete(id as never)));
      return found;
    });
    this.#publishDeletes(ids.map((id) => id[1]).filter((key): key is string => typeof key === 'string'));
    return ids.length;
  }

  async delete(key: string): Promise<void> {
    await this.deleteMulti([key]);
  }

  /** One read-write transaction for all keys. */
  override async deleteMulti(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#run('readwrite', (store) => Promise.all(keys.map((key) => store.delete(this.#id(key)))));
    this.#publishDeletes(keys);
  }

  /** The keys stored in this backend's namespace, read through the namespace index. */
  override async keys(): Promise<string[]> {
    const ids = (await this.#run('readonly', (store) => store.index(NAMESPACE_INDEX).getAllKeys(IDBKeyRange.only(this.namespace)))) as unknown as EntryKey[];
    return ids.map((id) => id[1]).filter((key): key is string => typeof key === 'string');
  }

  /**
   * The bytes this namespace's entries take, as estimated at write time
   * (entries written without `maxBytes` have no estimate and count 0).
   */
  async storedBytes(): Promise<number> {
    const ns = this.namespace;
    return this.#run('readonly', async (store) => {
      let total = 0;
      let cursor = await store.index(AGE_INDEX).openCursor(IDBKeyRange.bound([ns, -Infinity], [ns, Infinity]));
      while (cursor) {
        const sz = (cursor.value as EntryRecord).sz;
        if (typeof sz === 'number') total += sz;
        cursor = await cursor.continue();
      }
      return total;
    });
  }

  /** Closes the connection; the next operation opens a new one. */
  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    this.#generation++;
    if (db) (await db.catch(() => undefined))?.close();
  }

  // ---------------------------------------------------------------- internals

  #id(key: string): EntryKey {
    return [this.namespace, key];
  }

  #record(key: string, value: StoredValue, at: number): EntryRecord {
    const ns = this.namespace;
    if (value instanceof CachedValue) {
      const reason = unstorableReason(value.payload, 'clone');
      if (reason !== undefined) throw this.#notStorable(key, reason);
      const { ct, v, st, rv, o } = value.metadata;
      const record: EntryRecord = { ns, key, at, ct, v, ...(st === undefined ? {} : { st }), ...(rv === undefined ? {} : { rv }), ...(o === undefined ? {} : { o }), p: value.payload };
      if (this.#maxBytes !== undefined) record.sz = utf16Bytes(key) + 32 + estimateBytes(value.payload);
      return record;
    }
    if (typeof value === 'string' || value instanceof Uint8Array) {
      const record: EntryRecord = { ns, key, at, s: value };
      if (this.#maxBytes !== undefined) record.sz = utf16Bytes(key) + 16 + estimateBytes(value);
      return record;
    }
    throw new TypeError('dogpile-cache: indexeddb can store a CachedValue, a string or a Uint8Array');
  }

  #decode(record: unknown, key: string): StoredValue | NoValue {
    if (record === undefined) return NO_VALUE;
    if (record !== null && typeof record === 'object') {
      const r = record as EntryRecord;
      if (typeof r.ct === 'number' && typeof r.v === 'number') {
        const metadata: CachedValueMetadata = { ct: r.ct, v: r.v };
        if (typeof r.st === 'number') metadata.st = r.st;
        if (typeof r.rv === 'string' || typeof r.rv === 'number') metadata.rv = r.rv;
        if (typeof r.o === 'string') metadata.o = r.o;
        return new CachedValue(r.p, metadata);
      }
      if (typeof r.s === 'string' || r.s instanceof Uint8Array) return r.s;
    }
    this.notify({ kind: 'corrupt-entry', message: 'A record that is not an entry of this library was read as a miss; it will be overwritten.', key });
    return NO_VALUE;
  }

  /** An entry larger than `maxBytes` can never be kept: refuse the call before writing or evicting anything. */
  #checkFits(records: readonly EntryRecord[]): void {
    const max = this.#maxBytes;
    if (max === undefined) return;
    for (const record of records) {
      if ((record.sz ?? 0) > max) {
        throw new QuotaExceededError(`Region "${this.#bindings.regionName}": the entry of key "${String(record.key)}" takes about ${record.sz} bytes, more than the indexeddb maxBytes of ${max}; nothing was written or evicted`);
      }
    }
  }

  /**
   * Within a write's transaction: keeps the namespace within `maxEntries`
   * and `maxBytes` by deleting the least recently written entries past them
   * (the age index orders them), sparing the keys just written while others
   * remain. Returns the keys deleted.
   */
  async #trim(store: Store, fresh: ReadonlySet<string>): Promise<string[]> {
    if (this.#maxEntries === undefined && this.#maxBytes === undefined) return [];
    const ns = this.namespace;
    const range = IDBKeyRange.bound([ns, -Infinity], [ns, Infinity]);
    const index = store.index(AGE_INDEX);
    let victims: EntryKey[];
    if (this.#maxBytes === undefined) {
      const excess = (await index.count(range)) - this.#maxEntries!;
      if (excess <= 0) return [];
      const oldest = (await index.getAllKeys(range, excess + fresh.size)) as unknown as EntryKey[];
      victims = this.#sparing(oldest, fresh).slice(0, excess);
    } else {
      // Sizes live in the records: walk them oldest first.
      const all: Array<{ id: EntryKey; sz: number }> = [];
      let bytes = 0;
      let cursor = await index.openCursor(range);
      while (cursor) {
        const record = cursor.value as EntryRecord;
        const sz = typeof record.sz === 'number' ? record.sz : 0;
        all.push({ id: cursor.primaryKey as unknown as EntryKey, sz });
        bytes += sz;
        cursor = await cursor.continue();
      }
      const maxCount = this.#maxEntries ?? Infinity;
      let count = all.length;
      if (count <= maxCount && bytes <= this.#maxBytes) return [];
      const sizes = new Map(all.map((e) => [e.id[1], e.sz]));
      victims = [];
      for (const id of this.#sparing(all.map((e) => e.id), fresh)) {
        if (count <= maxCount && bytes <= this.#maxBytes) break;
        victims.push(id);
        count--;
        bytes -= sizes.get(id[1]) ?? 0;
      }
    }
    await Promise.all(victims.map((id) => store.delete(id as never)));
    return victims.map((id) => id[1]).filter((key): key is string => typeof key === 'string');
  }

  /** `ids` oldest first, with the keys just written moved to the end. */
  #sparing(ids: readonly EntryKey[], fresh: ReadonlySet<string>): EntryKey[] {
    return [...ids.filter((id) => !fresh.has(id[1] as string)), ...ids.filter((id) => fresh.has(id[1] as string))];
  }

  #notStorable(key: string, reason: string, cause?: unknown): ValueNotStorableError {
    return new ValueNotStorableError(`Region "${this.#bindings.regionName}" cannot store the value of key "${key}" in IndexedDB: ${reason}`, cause === undefined ? undefined : { cause });
  }

  /**
   * The change message of a committed write: creation time and provenance,
   * and the record itself when it is small enough to hand to waiting tabs.
   */
  #setChange(record: EntryRecord, at: number): ChannelChange {
    const change: ChannelChange = { kind: 'set', key: record.key as string, time: record.ct ?? at };
    if (record.o !== undefined) change.by = record.o;
    if (record.st !== undefined) change.st = record.st;
    const size = record.sz ?? (record.ct === undefined ? Infinity : estimateBytes(record.p));
    if (record.ct !== undefined && size <= HAND_OFF_MAX_BYTES) change.record = record;
    return change;
  }

  /**
   * Posts the values of keys whose lock this tab holds (a creator storing
   * its value) before their write commits, so tabs waiting for them resolve
   * now; the change itself is posted once committed, as for every write.
   */
  #handOffEarly(records: readonly EntryRecord[], at: number): void {
    if (this.#held.size === 0 || !this.#feed) return;
    const early: ChannelChange[] = [];
    for (const record of records) {
      if (!this.#held.has(record.key as string)) continue;
      const change = this.#setChange(record, at);
      if (change.record === undefined) continue;
      early.push({ ...change, kind: 'hand-off' });
      // This tab's own waiters too (a copy, as a read would give them).
      const copy = this.#handedRecord(copyOf(change.record), change.key, change.time);
      if (copy !== undefined) this.#handOffs.offer(change.key, change.time, copy);
    }
    this.#feed.publish(early);
  }

  /** A record another tab handed off, as a value, if it is one of this namespace's. */
  #handedRecord(record: unknown, key: string, ct: number): StoredValue | undefined {
    if (record === null || typeof record !== 'object') return undefined;
    const r = record as EntryRecord;
    if (r.ns !== this.namespace || r.key !== key || r.ct !== ct || typeof r.v !== 'number') return undefined;
    const value = this.#decode(r, key);
    return value === NO_VALUE ? undefined : value;
  }

  /** The value another tab just handed off for `key`, if still the newest change known here (read once). */
  #handedOff(key: string): StoredValue | undefined {
    const handed = this.#handOffs.take(key);
    if (!handed) return undefined;
    const newest = this.#order.newest(key);
    return newest === undefined || handed.ct >= newest ? handed.value : undefined;
  }

  /** Records what this tab read of `key`: a value's creation time, or `null` for none. */
  #sawRecord(key: string, record: unknown): void {
    this.#seen.saw(key, recordState(record));
  }

  /**
   * The page came back (from frozen, hidden or the back/forward cache) and
   * may have missed change messages: read the invalidation again, and report
   * every entry this tab had seen that changed meanwhile as a remote change
   * (one read-only transaction).
   */
  async #catchUp(): Promise<void> {
    this.#handOffs.clear();
    void this.#bindings.reloadStrategies();
    const keys = this.#seen.keys();
    if (keys.length === 0) return;
    let records: unknown[];
    try {
      records = await this.#run('readonly', (store) => Promise.all(keys.map((key) => store.get(this.#id(key)))));
    } catch {
      return; // The database is unavailable: the next read says so.
    }
    const states = records.map(recordState);
    for (const { key, now } of this.#seen.compare(keys, states)) {
      if (now === null) {
        this.#order.accept(key, this.#now());
        this.notifyChange({ kind: 'delete', key });
        continue;
      }
      if (!this.#order.accept(key, now)) continue;
      const { ct, o, st } = records[keys.indexOf(key)] as EntryRecord;
      if (ct === undefined) this.notifyChange({ kind: 'set', key });
      else this.notifyChange({ kind: 'set', key, ct, ...(o === undefined ? {} : { createdBy: o }), ...(st === undefined ? {} : { creationMs: Math.max(0, ct - st) }) });
    }
  }

  /** Tells other tabs of committed changes; this tab's own count as heard, so older news from elsewhere is dropped. */
  #publish(changes: ChannelChange[]): void {
    for (const { key, time } of changes) this.#order.record(key, time);
    for (const { kind, key, time } of changes) if (kind !== 'hand-off') this.#seen.saw(key, kind === 'delete' ? null : time);
    this.#feed?.publish(changes);
  }

  #publishDeletes(keys: readonly string[]): void {
    if (keys.length === 0) return;
    for (const key of keys) this.#handOffs.drop(key);
    const time = this.#now();
    this.#publish(keys.map((key) => ({ kind: 'delete', key, time })));
  }

  #open(): Promise<IDBPDatabase> {
    // A blocked open is still pending: fail at once rather than queue behind it for another blockedTimeout.
    if (this.#blocked) return Promise.reject(this.#blocked);
    if (!this.#db) {
      const opening = this.#connect();
      this.#db = opening;
      opening.catch(() => {
        // Not cached: the next operation tries again (the user may have freed space or closed a blocking tab).
        if (this.#db === opening) this.#db = undefined;
      });
    }
    return this.#db;
  }

  /** The connection went away (closed by the browser or for another tab's upgrade): reopen on next use. */
  #forget(): void {
    this.#db = undefined;
    this.#generation++;
  }

  async #connect(): Promise<IDBPDatabase> {
    let factory: IDBFactory | undefined;
    try {
      factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    } catch (error) {
      throw unavailable(error);
    }
    if (!factory) throw new StorageUnavailableError('IndexedDB is not available here (no indexedDB global)');
    const storeName = this.storeName;
    for (let attempt = 0; attempt < 5; attempt++) {
      const db = await this.#openVersion(undefined);
      if (db.objectStoreNames.contains(storeName)) return db;
      // First use of this store: one upgrade creates it with its indexes.
      const version = db.version + 1;
      db.close();
      try {
        return await this.#openVersion(version, (upgraded) => {
          if (upgraded.objectStoreNames.contains(storeName)) return;
          const store = upgraded.createObjectStore(storeName, { keyPath: ['ns', 'key'] });
          store.createIndex(NAMESPACE_INDEX, 'ns');
          store.createIndex(AGE_INDEX, ['ns', 'at']);
        });
      } catch (error) {
        // Another tab upgraded first: open again at its version.
        if ((error as { name?: string })?.name !== 'VersionError') throw error;
      }
    }
    throw new StorageUnavailableError(`IndexedDB database "${this.dbName}" kept changing version while opening`);
  }

  #openVersion(version: number | undefined, upgrade?: (db: IDBPDatabase) => void): Promise<IDBPDatabase> {
    return new Promise<IDBPDatabase>((resolve, reject) => {
      let settled = false;
      // Opens queue behind a blocked upgrade (and never see 'blocked' themselves), so every open is bounded.
      let blocked: StorageUnavailableError | undefined;
      const unblock = () => {
        if (blocked !== undefined && this.#blocked === blocked) this.#blocked = undefined;
      };
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        blocked = new StorageUnavailableError(
          `IndexedDB database "${this.dbName}" is blocked: it did not open within ${this.#blockedTimeout} ms, because another connection did not close for an upgrade; operations fail at once until it opens`,
        );
        this.#blocked = blocked;
        reject(blocked);
      }, this.#blockedTimeout);
      let opening: Promise<IDBPDatabase>;
      try {
        opening = openDB(this.dbName, version, {
          upgrade: upgrade && ((db) => upgrade(db)),
          // Another tab needs an upgrade: let it proceed, reopen on next use.
          blocking: (_current, _blocked, event) => {
            (event.target as IDBDatabase).close();
            this.#forget();
          },
          terminated: () => this.#forget(),
        });
      } catch (error) {
        clearTimeout(timer);
        settled = true;
        reject(unavailable(error));
        return;
      }
      opening.then(
        (db) => {
          clearTimeout(timer);
          // The blocked open went through at last (the other connection closed): the next operation opens normally.
          unblock();
          if (settled) db.close();
          else {
            settled = true;
            resolve(db);
          }
        },
        (error: unknown) => {
          clearTimeout(timer);
          unblock();
          if (settled) return;
          settled = true;
          reject((error as { name?: string })?.name === 'VersionError' ? error : unavailable(error));
        },
      );
    });
  }

  /**
   * Runs `body` in one transaction; retries on a lost connection. A
   * read-write transaction resolves once it has committed. A read-only one
   * resolves as soon as `body`'s requests have succeeded: it has nothing to
   * commit, and waiting for its `complete` event costs about half of a read.
   */
  async #run<T>(mode: IDBTransactionMode, body: (store: Store) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let db: IDBPDatabase;
      try {
        db = await this.#open();
      } catch (error) {
        // Reopening right after the browser closed the connection (site data
        // cleared) can fail once while the old database goes away; a blocked
        // open (no cause: it already waited blockedTimeout) is not retried.
        const transient = this.#generation > 0 && error instanceof StorageUnavailableError && error.cause !== undefined;
        if (attempt < 2 && transient) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        throw error;
      }
      const generation = this.#generation;
      try {
        const tx = db.transaction(this.storeName, mode);
        if (mode === 'readonly') return await settleRead(tx.done, () => body(tx.store as unknown as Store));
        const [result] = await Promise.all([body(tx.store as unknown as Store), tx.done]);
        return result;
      } catch (error) {
        const name = (error as { name?: string })?.name;
        if (generation !== this.#generation || name === 'InvalidStateError') {
          // The connection is gone (closed by the browser, or closing): reconnect.
          if (attempt < 2) {
            if (generation === this.#generation) this.#forget();
            continue;
          }
        } else if (attempt === 0 && (name === 'AbortError' || name === 'UnknownError')) {
          // A connection the browser is closing aborts its transactions before
          // its 'close' event arrives: give the event a turn, then try once more.
          await new Promise((resolve) => setTimeout(resolve, 0));
          continue;
        }
        throw error;
      }
    }
  }

  /** A read-write transaction that makes room in this namespace when the quota is hit. */
  #write(body: (store: Store) => Promise<void>, records: readonly EntryRecord[] = []): Promise<void> {
    return writeMakingRoom({
      write: () => this.#run('readwrite', body),
      evictDead: () => this.#evictDead(),
      evictOldest: (count) => this.#evictOldest(count),
      onEvicted: (count) => this.#reportEviction(count),
      fail: (evicted, cause) =>
        new QuotaExceededError(`IndexedDB quota exceeded: the write does not fit even after evicting ${evicted} entries of namespace "${this.namespace}"`, { cause }),
      mayFit: async () => !((await this.#quotaBelow(records)) ?? false),
      tooLarge: (cause) =>
        new QuotaExceededError(`IndexedDB quota exceeded: the write (about ${recordsBytes(records)} bytes) is larger than the origin's whole quota; nothing was evicted`, { cause }),
    });
  }

  /**
   * Whether the origin's whole quota (`navigator.storage.estimate()`) is
   * smaller than the records' estimated size, so evicting could never make
   * room; `undefined` when the browser does not say.
   */
  async #quotaBelow(records: readonly EntryRecord[]): Promise<boolean | undefined> {
    if (records.length === 0) return undefined;
    const storage = (globalThis as { navigator?: { storage?: { estimate?: () => Promise<{ quota?: number }> } } }).navigator?.storage;
    const quota = await storage?.estimate?.().then((e) => e.quota, () => undefined);
    return typeof quota === 'number' ? recordsBytes(records) > quota : undefined;
  }

  /** Deletes this namespace's expired, hard-invalidated and unreadable entries. */
  async #evictDead(): Promise<number> {
    const now = Date.now();
    const keys: string[] = [];
    const removed = await this.#run('readwrite', async (store) => {
      let removed = 0;
      keys.length = 0;
      let cursor = await store.index(NAMESPACE_INDEX).openCursor(IDBKeyRange.only(this.namespace));
      while (cursor) {
        const record = cursor.value as EntryRecord;
        if (typeof record?.key === 'string') {
          const readable = typeof record.ct === 'number' && typeof record.v === 'number';
          const serialized = typeof record.s === 'string' || record.s instanceof Uint8Array;
          if ((!readable && !serialized) || (readable && this.#bindings.isDead(record.ct!, now))) {
            await cursor.delete();
            keys.push(record.key);
            removed++;
          }
        }
        cursor = await cursor.continue();
      }
      return removed;
    });
    this.#publishDeletes(keys);
    return removed;
  }

  /** Deletes this namespace's `count` least recently written entries. */
  async #evictOldest(count: number): Promise<number> {
    const keys: string[] = [];
    const removed = await this.#run('readwrite', async (store) => {
      let removed = 0;
      keys.length = 0;
      const ns = this.namespace;
      let cursor = await store.index(AGE_INDEX).openCursor(IDBKeyRange.bound([ns, -Infinity], [ns, Infinity]));
      while (cursor && removed < count) {
        const key = (cursor.primaryKey as unknown as EntryKey)[1];
        await cursor.delete();
        if (typeof key === 'string') keys.push(key);
        removed++;
        cursor = await cursor.continue();
      }
      return removed;
    });
    this.#publishDeletes(keys);
    return removed;
  }

  #reportEviction(count: number): void {
    this.notify({ kind: 'quota-evicted', message: `IndexedDB quota exceeded: evicted ${count} entries of namespace "${this.namespace}" to make room` });
  }
}

/**
 * The result of a read-only transaction's requests, without waiting for the
 * transaction to complete. A failed request rejects with its error, as does an
 * abort that comes before the requests have succeeded (their promises would
 * then reject too, but this does not rely on it). An abort after that cannot
 * change what was read, and is handled so it never surfaces as an unhandled
 * rejection.
 */
function settleRead<T>(done: Promise<void>, body: () => Promise<T>): Promise<T> {
  // Handled before any request is made: idb creates `done` for every transaction, and rejects it on abort.
  done.catch(() => {});
  const work = body();
  return Promise.race([work, done.then(() => work)]);
}

function unavailable(error: unknown): StorageUnavailableError {
  if (error instanceof StorageUnavailableError) return error;
  const detail = error instanceof Error || error instanceof DOMException ? `${error.name}: ${error.message}` : String(error);
  return new StorageUnavailableError(`IndexedDB cannot be opened here (${detail})`, { cause: error });
}

/** Factory registered as `indexeddb`. */
export const indexedDBBackendFactory = (args: IndexedDBBackendArguments = {}): IndexedDBBackend => new IndexedDBBackend(args);

/** The estimated bytes of records (their `sz` when `maxBytes` recorded it). */
function recordsBytes(records: readonly EntryRecord[]): number {
  let total = 0;
  for (const record of records) total += record.sz ?? utf16Bytes(String(record.key)) + estimateBytes(record.p ?? record.s);
  return total;
}
