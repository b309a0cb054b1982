/**
 * Making room in the `indexeddb` backend's namespace: removing dead or
 * oldest entries when the origin's quota is hit, and keeping the namespace
 * within `maxEntries` and `maxBytes` in each write's transaction.
 *
 * @module
 */
import type { Connection, Store } from './connection.js';
import { AGE_INDEX, NAMESPACE_INDEX, entryKeys, namespaceRange, recordsBytes, type EntryKey, type EntryRecord } from './records.js';

/**
 * Whether the origin's whole quota (`navigator.storage.estimate()`) is
 * smaller than the records' estimated size, so evicting could never make
 * room; `undefined` when the browser does not say.
 */
export async function quotaBelow(records: readonly EntryRecord[]): Promise<boolean | undefined> {
  if (records.length === 0) return undefined;
  const storage = (globalThis as { navigator?: { storage?: { estimate?: () => Promise<{ quota?: number }> } } }).navigator?.storage;
  const quota = await storage?.estimate?.().then((e) => e.quota, () => undefined);
  return typeof quota === 'number' ? recordsBytes(records) > quota : undefined;
}

/**
 * Asks the browser for its usage figure: a turn for its quota bookkeeping
 * to take in this tab's deletes before a write is tried again.
 */
export async function settleUsage(): Promise<void> {
  const storage = (globalThis as { navigator?: { storage?: { estimate?: () => Promise<unknown> } } }).navigator?.storage;
  await storage?.estimate?.().catch(() => undefined);
}

/** Deletes namespace `ns`'s expired, hard-invalidated (by `isDead`) and unreadable entries. Returns their keys. */
export function evictDead(connection: Connection, ns: string, isDead: (ct: number, now: number) => boolean): Promise<string[]> {
  const now = Date.now();
  return connection.run('readwrite', async (store) => {
    const keys: string[] = [];
    let cursor = await store.index(NAMESPACE_INDEX).openCursor(IDBKeyRange.only(ns));
    while (cursor) {
      const record = cursor.value as EntryRecord;
      if (typeof record?.key === 'string') {
        const readable = typeof record.ct === 'number' && typeof record.v === 'number';
        const serialized = typeof record.s === 'string' || record.s instanceof Uint8Array;
        if ((!readable && !serialized) || (readable && isDead(record.ct!, now))) {
          await cursor.delete();
          keys.push(record.key);
        }
      }
      cursor = await cursor.continue();
    }
    return keys;
  });
}

/**
 * Deletes namespace `ns`'s `count` least recently written entries, never its
 * newest one. Returns how many, their estimated bytes, and their keys.
 */
export function evictOldest(connection: Connection, ns: string, count: number): Promise<{ removed: number; bytes: number; keys: string[] }> {
  return connection.run('readwrite', async (store) => {
    const keys: string[] = [];
    let removed = 0;
    let bytes = 0;
    const index = store.index(AGE_INDEX);
    const range = namespaceRange(ns);
    const limit = Math.min(count, (await index.count(range)) - 1);
    let cursor = limit > 0 ? await index.openCursor(range) : undefined;
    while (cursor && removed < limit) {
      const record = cursor.value as EntryRecord;
      const key = (cursor.primaryKey as unknown as EntryKey)[1];
      await cursor.delete();
      bytes += typeof record?.sz === 'number' ? record.sz : recordsBytes([record]);
      if (typeof key === 'string') keys.push(key);
      removed++;
      cursor = await cursor.continue();
    }
    return { removed, bytes, keys };
  });
}

/**
 * Within a write's transaction: keeps namespace `ns` within `maxEntries`
 * and `maxBytes` by deleting the least recently written entries past them
 * (the age index orders them), sparing the keys just written (`fresh`)
 * while others remain. Returns the keys deleted.
 */
export async function trim(store: Store, ns: string, maxEntries: number | undefined, maxBytes: number | undefined, fresh: ReadonlySet<string>): Promise<string[]> {
  if (maxEntries === undefined && maxBytes === undefined) return [];
  const range = namespaceRange(ns);
  const index = store.index(AGE_INDEX);
  let victims: EntryKey[];
  if (maxBytes === undefined) {
    const excess = (await index.count(range)) - maxEntries!;
    if (excess <= 0) return [];
    const oldest = (await index.getAllKeys(range, excess + fresh.size)) as unknown as EntryKey[];
    victims = sparing(oldest, fresh).slice(0, excess);
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
    const maxCount = maxEntries ?? Infinity;
    let count = all.length;
    if (count <= maxCount && bytes <= maxBytes) return [];
    const sizes = new Map(all.map((e) => [e.id[1], e.sz]));
    victims = [];
    for (const id of sparing(all.map((e) => e.id), fresh)) {
      if (count <= maxCount && bytes <= maxBytes) break;
      victims.push(id);
      count--;
      bytes -= sizes.get(id[1]) ?? 0;
    }
  }
  await Promise.all(victims.map((id) => store.delete(id as never)));
  return entryKeys(victims);
}

/** `ids` oldest first, with the keys just written moved to the end. */
function sparing(ids: readonly EntryKey[], fresh: ReadonlySet<string>): EntryKey[] {
  return [...ids.filter((id) => !fresh.has(id[1] as string)), ...ids.filter((id) => fresh.has(id[1] as string))];
}
