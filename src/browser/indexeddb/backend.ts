/**
 * The `indexeddb` backend: entries as structured clones in one IndexedDB
 * object store shared by every region and tab of the origin, with a Web Lock
 * per key so one creator runs across all of them.
 *
 * @module
 */
import { CachedValue, NO_VALUE, type NoValue, type StoredValue } from '../../api.js';
import { monotonicNow } from '../../clock.js';
import { QuotaExceededError } from '../../errors.js';
import { checkDuration } from '../../validate.js';
import { ChangeChannel, type ChannelChange } from '../change-channel.js';
import { UnclaimedRoom, writeMakingRoom } from '../quota.js';
import { escapeNamespace } from '../region-bindings.js';
import { SharedStorageBackend, type SharedBackendArguments } from '../shared-backend.js';
import { asInvalidationRecord, type InvalidationStore } from '../shared-invalidation.js';
import { unstorableReason } from '../storable.js';
import { tabId } from '../tab-id.js';
import { Connection, type Store } from './connection.js';
import { evictDead, evictOldest, quotaBelow, settleUsage, trim } from './eviction.js';
import {
  AGE_INDEX, INVALIDATION_KEY, NAMESPACE_INDEX, copyOf, entryKeys, fromRecord, handedValue, namespaceRange, recordState, recordsBytes, setChange, toRecord,
  type EntryKey, type EntryRecord,
} from './records.js';

/** Arguments of the `indexeddb` backend. */
export interface IndexedDBBackendArguments extends SharedBackendArguments {
  /** Database name. Default `'dogpile-cache'`. */
  dbName?: string;
  /** Object store holding every region's entries. Default `'entries'`. */
  storeName?: string;
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
 * blocked upgrades) every operation rejects with `StorageUnavailableError`.
 *
 * A value that would not read back as it was (a function, a symbol, a DOM
 * node, a class instance, which structured clone would turn into a plain
 * object) rejects `set` with `ValueNotStorableError`, and nothing of
 * that call is written.
 *
 * Every write and delete (evictions included) is posted, after it commits,
 * on the BroadcastChannel `dogpile-cache:changes:idb:<db>/<store>/<namespace>`
 * with this tab's id; other tabs' posts reach the bound regions as remote
 * changes (`onChange`), unless older than a change already heard for the key.
 */
export class IndexedDBBackend extends SharedStorageBackend<StoredValue> {
  /** Stable label for inspection (see `CacheBackend.label`). */
  static readonly label = 'IndexedDBBackend';
  readonly dbName: string;
  readonly storeName: string;
  readonly #connection: Connection;
  /** The change feed between tabs; open while a region is bound. */
  #feed: ChangeChannel | undefined;
  /** Bytes evicted for writes that still failed: not evicted again while the browser's usage catches up. */
  readonly #unclaimed = new UnclaimedRoom();

  constructor(args: IndexedDBBackendArguments = {}) {
    if (args === null || typeof args !== 'object') throw new TypeError('dogpile-cache: indexeddb arguments must be an object');
    const { dbName = 'dogpile-cache', storeName = 'entries', blockedTimeout = 5_000 } = args;
    if (typeof dbName !== 'string' || dbName === '') throw new TypeError('dogpile-cache: indexeddb dbName must be a non-empty string');
    if (typeof storeName !== 'string' || storeName === '') throw new TypeError('dogpile-cache: indexeddb storeName must be a non-empty string');
    checkDuration(blockedTimeout, 'indexeddb blockedTimeout');
    super('indexeddb', 'IndexedDB', args);
    this.dbName = dbName;
    this.storeName = storeName;
    this.#connection = new Connection(dbName, storeName, blockedTimeout);
  }

  async get(key: string): Promise<StoredValue | NoValue> {
    const handed = this.handedOff(key);
    if (handed !== undefined) return handed;
    const record = await this.#run('readonly', (store) => store.get(this.#id(key)));
    this.seen.saw(key, recordState(record));
    return this.#decode(record, key);
  }

  /** One read-only transaction for all keys. */
  override async getMulti(keys: readonly string[]): Promise<Array<StoredValue | NoValue>> {
    if (keys.length === 0) return [];
    const records = await this.#run('readonly', (store) => Promise.all(keys.map((key) => store.get(this.#id(key)))));
    records.forEach((record, i) => this.seen.saw(keys[i]!, recordState(record)));
    return records.map((record, i) => this.#decode(record, keys[i]!));
  }

  /** Rejects with `ValueNotStorableError` for a value that would not read back as it was. */
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
          throw this.notStorable(record.key as string, (error as Error).message, error);
        }
      }
      await Promise.all(puts);
      evicted = await trim(store, this.namespace, this.maxEntries, this.maxBytes, new Set(mapping.keys()));
    }, records);
    const changes = records.map((record) => setChange(record, at));
    this.#publish(changes);
    // This tab's waiters get it at once too, without waiting for the lock's release
    // (a copy, as a read would give them; a large value they read from the database).
    for (const change of changes) {
      const copy = change.record === undefined ? undefined : handedValue(copyOf(change.record), this.namespace, change.key, change.time);
      this.handOffs.dropOlder(change.key, change.time);
      if (copy === undefined) this.handOffs.wake(change.key);
      else this.handOffs.offer(change.key, change.time, copy);
    }
    if (evicted.length > 0) {
      this.#publishDeletes(evicted);
      this.reportTrimmed(evicted.length);
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
      const found = (await store.index(AGE_INDEX).getAllKeys(namespaceRange(ns))) as unknown as EntryKey[];
      await Promise.all(found.map((id) => store.delete(id as never)));
      return found;
    });
    this.#publishDeletes(entryKeys(ids));
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
    return entryKeys(ids);
  }

  /**
   * The bytes this namespace's entries take, as estimated at write time
   * (entries written without `maxBytes` have no estimate and count 0).
   */
  async storedBytes(): Promise<number> {
    const ns = this.namespace;
    return this.#run('readonly', async (store) => {
      let total = 0;
      let cursor = await store.index(AGE_INDEX).openCursor(namespaceRange(ns));
      while (cursor) {
        const sz = (cursor.value as EntryRecord).sz;
        if (typeof sz === 'number') total += sz;
        cursor = await cursor.continue();
      }
      return total;
    });
  }

  /** Closes the connection; the next operation opens a new one. */
  close(): Promise<void> {
    return this.#connection.close();
  }

  // ------------------------------------------------------- the shared backend

  protected lockScope(): string {
    return `idb:${this.#storePath()}/${escapeNamespace(this.namespace)}`;
  }

  protected invalidationChannel(name: string): string {
    return `dogpile-cache:invalidate:idb:${this.#storePath()}/${escapeNamespace(name)}`;
  }

  protected invalidationStore(name: string): InvalidationStore {
    return {
      load: async () => {
        const record = (await this.#run('readonly', (store) => store.get([name, INVALIDATION_KEY]))) as EntryRecord | undefined;
        return asInvalidationRecord(record?.inv);
      },
      save: async (record) => {
        await this.#write((store) => store.put({ ns: name, key: INVALIDATION_KEY, inv: record } satisfies EntryRecord).then(() => {}));
      },
    };
  }

  protected startFeed(): () => void {
    const feed = new ChangeChannel(`dogpile-cache:changes:idb:${this.#storePath()}/${escapeNamespace(this.namespace)}`, tabId(), (origin, changes) => {
      for (const change of changes) this.#heard(origin, change);
    });
    this.#feed = feed;
    return () => {
      feed.close();
      this.#feed = undefined;
    };
  }

  /**
   * Reports every entry this tab had seen that changed while the page was
   * away as a remote change (one read-only transaction).
   */
  protected async catchUp(): Promise<void> {
    const keys = this.seen.keys();
    if (keys.length === 0) return;
    let records: unknown[];
    try {
      records = await this.#run('readonly', (store) => Promise.all(keys.map((key) => store.get(this.#id(key)))));
    } catch {
      return; // The database is unavailable: the next read says so.
    }
    const states = records.map(recordState);
    for (const { key, now } of this.seen.compare(keys, states)) {
      if (now === null) {
        this.order.accept(key, this.now());
        this.notifyChange({ kind: 'delete', key });
        continue;
      }
      if (!this.order.accept(key, now)) continue;
      const { ct, o, st } = records[keys.indexOf(key)] as EntryRecord;
      this.reportSet(key, ct, undefined, o, st);
    }
  }

  // ---------------------------------------------------------------- internals

  /** The database and store, as channel and lock names carry them. */
  #storePath(): string {
    return `${encodeURIComponent(this.dbName)}/${encodeURIComponent(this.storeName)}`;
  }

  #run<T>(mode: IDBTransactionMode, body: (store: Store) => Promise<T>): Promise<T> {
    return this.#connection.run(mode, body);
  }

  #id(key: string): EntryKey {
    return [this.namespace, key];
  }

  /** One change another tab posted on the feed. */
  #heard(origin: string, { kind, key, time, by, st, record }: ChannelChange): void {
    if (kind === 'hand-off') {
      // Not a change yet (its write is committing): only for waiters, and only if newer than anything heard.
      const newest = this.order.newest(key);
      const handed = newest !== undefined && time < newest ? undefined : handedValue(record, this.namespace, key, time);
      if (handed) this.handOffs.offer(key, time, handed);
      return;
    }
    if (!this.order.accept(key, time)) return;
    if (kind === 'delete') {
      this.handOffs.drop(key);
      this.seen.saw(key, null);
      this.notifyChange({ kind, key, origin });
      return;
    }
    this.seen.saw(key, time);
    const handed = record === undefined ? undefined : handedValue(record, this.namespace, key, time);
    if (handed) this.handOffs.offer(key, time, handed);
    else this.handOffs.dropOlder(key, time);
    this.reportSet(key, time, origin, by, st);
  }

  #record(key: string, value: StoredValue, at: number): EntryRecord {
    const reason = value instanceof CachedValue ? unstorableReason(value.payload, 'clone') : undefined;
    if (reason !== undefined) throw this.notStorable(key, reason);
    return toRecord(this.namespace, key, value, at, this.maxBytes !== undefined);
  }

  #decode(record: unknown, key: string): StoredValue | NoValue {
    const value = fromRecord(record);
    if (value !== 'corrupt') return value;
    this.notify({ kind: 'corrupt-entry', message: 'A record that is not an entry of this library was read as a miss; it will be overwritten.', key });
    return NO_VALUE;
  }

  /** An entry larger than `maxBytes` can never be kept: refuse the call before writing or evicting anything. */
  #checkFits(records: readonly EntryRecord[]): void {
    const max = this.maxBytes;
    if (max === undefined) return;
    for (const record of records) {
      if ((record.sz ?? 0) > max) {
        throw new QuotaExceededError(`Region "${this.bindings.regionName}": the entry of key "${String(record.key)}" takes about ${record.sz} bytes, more than the indexeddb maxBytes of ${max}; nothing was written or evicted`);
      }
    }
  }

  /**
   * Posts the values of keys whose lock this tab holds (a creator storing
   * its value) before their write commits, so tabs waiting for them resolve
   * now; the change itself is posted once committed, as for every write.
   */
  #handOffEarly(records: readonly EntryRecord[], at: number): void {
    if (this.held.size === 0 || !this.#feed) return;
    const early: ChannelChange[] = [];
    for (const record of records) {
      if (!this.held.has(record.key as string)) continue;
      const change = setChange(record, at);
      if (change.record === undefined) continue;
      early.push({ ...change, kind: 'hand-off' });
      // This tab's own waiters too (a copy, as a read would give them).
      const copy = handedValue(copyOf(change.record), this.namespace, change.key, change.time);
      if (copy !== undefined) this.handOffs.offer(change.key, change.time, copy);
    }
    this.#feed.publish(early);
  }

  /** Tells other tabs of committed changes; this tab's own count as heard, so older news from elsewhere is dropped. */
  #publish(changes: ChannelChange[]): void {
    for (const { key, time } of changes) this.order.record(key, time);
    for (const { kind, key, time } of changes) if (kind !== 'hand-off') this.seen.saw(key, kind === 'delete' ? null : time);
    this.#feed?.publish(changes);
  }

  #publishDeletes(keys: readonly string[]): void {
    if (keys.length === 0) return;
    for (const key of keys) this.handOffs.drop(key);
    const time = this.now();
    this.#publish(keys.map((key) => ({ kind: 'delete', key, time })));
  }

  /**
   * A read-write transaction that makes room in this namespace when the
   * quota is hit: dead entries, then the oldest ones as far as the records'
   * estimated bytes (see `writeMakingRoom`).
   */
  #write(body: (store: Store) => Promise<void>, records: readonly EntryRecord[] = []): Promise<void> {
    const ns = this.namespace;
    return writeMakingRoom({
      write: () => this.#run('readwrite', body),
      bytes: recordsBytes(records),
      evictDead: async () => {
        const keys = await evictDead(this.#connection, ns, (ct, now) => this.bindings.isDead(ct, now));
        this.#publishDeletes(keys);
        return keys.length;
      },
      evictOldest: async (count) => {
        const { removed, bytes, keys } = await evictOldest(this.#connection, ns, count);
        this.#publishDeletes(keys);
        return { removed, bytes };
      },
      onEvicted: (count) => this.notify({ kind: 'quota-evicted', message: `IndexedDB quota exceeded: evicted ${count} entries of namespace "${ns}" to make room` }),
      fail: (evicted, bytes, cause) =>
        new QuotaExceededError(`IndexedDB quota exceeded: the write does not fit even after evicting ${evicted} entries (about ${bytes} bytes) of namespace "${ns}"`, { cause }),
      mayFit: async () => !((await quotaBelow(records)) ?? false),
      tooLarge: (cause) =>
        new QuotaExceededError(`IndexedDB quota exceeded: the write (about ${recordsBytes(records)} bytes) is larger than the origin's whole quota; nothing was evicted`, { cause }),
      settle: settleUsage,
    }, this.#unclaimed);
  }
}

/** Factory registered as `indexeddb`. */
export const indexedDBBackendFactory = (args: IndexedDBBackendArguments = {}): IndexedDBBackend => new IndexedDBBackend(args);
