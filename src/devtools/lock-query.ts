/**
 * Reads the origin's Web Locks for the panel: every key lock the library
 * holds or waits for in any tab or worker (`navigator.locks.query()`), tied
 * to the region and stored key it guards, and the lifetime locks that tie a
 * browser client id to an inspector's origin id.
 *
 * @module
 */
import type { LockInfo } from './protocol.js';
import { MAX_TEXT } from './protocol.js';

/** Key lock names: `dogpile-cache:2:<scope>:<key>` (see `src/browser/key-locks.ts`). */
export const KEY_LOCK_PREFIX = 'dogpile-cache:2:';
/** Held by each inspector for its whole life, so `query()` maps its client id to its origin id. */
export const LIFETIME_LOCK_PREFIX = 'dogpile-cache-devtools:client:';

/** Undoes `lockSafe` (`%25` → `%`, `%uXXXX` → that code unit). */
export function unescapeLockText(text: string): string {
  return text.replace(/%25|%u([0-9A-F]{4})/g, (match, hex: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : '%'));
}

/** What a lock query found. */
export interface LockQueryResult {
  available: boolean;
  locks: LockInfo[];
  /** Client id → origin id, from lifetime locks. */
  clients: Map<string, string>;
}

interface LockLike {
  name?: unknown;
  mode?: unknown;
  clientId?: unknown;
}

/**
 * Queries the lock manager. `prefixes` maps a region's key lock prefix
 * (the lock name of its key `''`) to the region's inspector id.
 */
export async function queryLocks(locks: LockManager | undefined, prefixes: ReadonlyMap<string, string>, max: number): Promise<LockQueryResult> {
  const clients = new Map<string, string>();
  if (!locks || typeof locks.query !== 'function') return { available: false, locks: [], clients };
  let snapshot: LockManagerSnapshot;
  try {
    snapshot = await locks.query();
  } catch {
    return { available: false, locks: [], clients };
  }
  const out: LockInfo[] = [];
  const take = (items: readonly LockLike[] | undefined, state: 'held' | 'pending') => {
    for (const item of items ?? []) {
      const name = typeof item.name === 'string' ? item.name : '';
      const clientId = typeof item.clientId === 'string' ? item.clientId.slice(0, 200) : '';
      if (name.startsWith(LIFETIME_LOCK_PREFIX)) {
        if (state === 'held' && clientId) clients.set(clientId, name.slice(LIFETIME_LOCK_PREFIX.length).slice(0, 100));
        continue;
      }
      if (!name.startsWith(KEY_LOCK_PREFIX) || out.length >= max || name.length > MAX_TEXT) continue;
      let regionId: string | null = null;
      let key: string | null = null;
      for (const [prefix, id] of prefixes) {
        if (name.startsWith(prefix)) {
          regionId = id;
          key = unescapeLockText(name.slice(prefix.length));
          break;
        }
      }
      out.push({ name, state, mode: item.mode === 'shared' ? 'shared' : 'exclusive', clientId, regionId, key });
    }
  };
  take(snapshot.held as LockLike[] | undefined, 'held');
  take(snapshot.pending as LockLike[] | undefined, 'pending');
  return { available: true, locks: out, clients };
}

/**
 * The key lock prefix of a region's backend, or `undefined` when its backend
 * takes no Web Locks. Read from the mutex the backend hands out for key
 * `''`, duck-typed (a `LayeredMutex` over a `WebLockMutex`), so it works
 * against minified builds and other copies of the library.
 */
export function lockPrefixOf(backend: unknown): string | undefined {
  const getMutex = (backend as { getMutex?: unknown } | null)?.getMutex;
  if (typeof getMutex !== 'function') return undefined;
  let mutex: unknown;
  try {
    mutex = getMutex.call(backend, '');
  } catch {
    return undefined;
  }
  const shared = (mutex as { shared?: unknown } | null)?.shared ?? mutex;
  const name = (shared as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name.startsWith(KEY_LOCK_PREFIX) ? name : undefined;
}
