/**
 * Making room in the `localstorage` backend's namespace: removing dead or
 * oldest entries when storage is full, telling whether an entry could fit
 * at all, and keeping the namespace within `maxEntries` and `maxBytes`.
 * Keys outside the namespace's prefix are never touched.
 *
 * @module
 */
import { utf16Bytes } from '../../backends/limits.js';
import type { StorageLike } from '../../web-types.js';
import { isQuotaError } from '../quota.js';
import { decodeHeader } from './entry.js';
import { writeTokenTime } from './write-markers.js';

/** Every key of `storage`, in its order. */
export function storageKeys(storage: StorageLike): string[] {
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key !== null) keys.push(key);
  }
  return keys;
}

/**
 * Removes the dead entries under `prefix` (unreadable, or by `isDead`
 * expired or hard-invalidated), or its `count` oldest ones but never the
 * newest. Returns how many, and their bytes (UTF-16, key and text).
 */
export function evict(storage: StorageLike, prefix: string, what: 'dead' | 'oldest', count: number, isDead: (ct: number, now: number) => boolean): { removed: number; bytes: number } {
  const now = Date.now();
  const entries: Array<{ key: string; time: number; dead: boolean; bytes: number }> = [];
  for (const key of storageKeys(storage)) {
    if (!key.startsWith(prefix)) continue;
    const text = storage.getItem(key);
    const decoded = decodeHeader(text);
    if (decoded === undefined) continue;
    const bytes = utf16Bytes(key) + utf16Bytes(text ?? '');
    if (decoded === 'corrupt' || decoded === 'outdated') {
      entries.push({ key, time: -Infinity, dead: true, bytes });
      continue;
    }
    const time = decoded.ct ?? (decoded.token ? writeTokenTime(decoded.token) : Number.NaN);
    const dead = (decoded.ct !== undefined && isDead(decoded.ct, now)) || Number.isNaN(time);
    entries.push({ key, time: Number.isNaN(time) ? -Infinity : time, dead, bytes });
  }
  const victims = what === 'dead' ? entries.filter((e) => e.dead) : entries.sort((a, b) => a.time - b.time).slice(0, Math.min(count, entries.length - 1));
  for (const victim of victims) storage.removeItem(victim.key);
  return { removed: victims.length, bytes: victims.reduce((sum, v) => sum + v.bytes, 0) };
}

/**
 * Whether `chars` (key and value) would fit once every entry under `prefix`
 * were removed: one probe write (under `probeKey`) of the shortfall beyond
 * what the namespace takes, removed at once. Only asked after a write has failed.
 */
export function fitsOnceEmptied(storage: StorageLike, prefix: string, probeKey: string, chars: number): boolean {
  let namespaceChars = 0;
  for (const key of storageKeys(storage)) if (key.startsWith(prefix)) namespaceChars += key.length + (storage.getItem(key)?.length ?? 0);
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

/**
 * Keeps the entries under `prefix` within `maxCount` and `maxBytes`: removes
 * the least recently written past them (by the header's write time), never
 * the storage keys just written (`fresh`) while others remain. Counting is a
 * scan of localStorage's key list. Returns how many were removed.
 */
export function trim(storage: StorageLike, prefix: string, fresh: ReadonlySet<string>, maxCount: number, maxBytes: number): number {
  let count = 0;
  let bytes = 0;
  const written: Array<{ key: string; fresh: boolean; time: number; bytes: number }> = [];
  for (const key of storageKeys(storage)) {
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
  if (count <= maxCount && bytes <= maxBytes) return 0;
  written.sort((a, b) => Number(a.fresh) - Number(b.fresh) || a.time - b.time);
  let removed = 0;
  for (const victim of written) {
    if (count <= maxCount && bytes <= maxBytes) break;
    storage.removeItem(victim.key);
    count--;
    bytes -= victim.bytes;
    removed++;
  }
  return removed;
}
