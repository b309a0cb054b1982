/**
 * Write markers: how a localStorage value written by one tab is never missed
 * by the next tab to take the key's lock.
 *
 * In Chromium each renderer reads localStorage from its own cached copy,
 * updated asynchronously. A tab granted a Web Lock right after another tab
 * wrote and released it may still read the old value, and create again. So
 * before releasing a key's lock, a writer takes a second, short-lived Web
 * Lock named after the key and a token of its write, and waits until the
 * browser has granted it. The next holder of the key's lock is granted after
 * that, so `navigator.locks.query()` shows it the marker; it then waits until
 * its copy of localStorage holds that write (or a newer one).
 *
 * A delete leaves a marker of its own (`deleted:` instead of `written:`),
 * taken before the entry is removed. The next holder goes by the newest
 * marker: after a delete it waits only until the entry is gone from its copy
 * (or overwritten by a newer write), not for a write it will never see.
 *
 * @module
 */
import { monotonicNow } from '../../clock.js';
import type { StorageLike } from '../../web-types.js';
import { LOCK_PREFIX } from '../key-locks.js';
import { decodeHeader } from './entry.js';

/** What a marker announces: a write of the key, or its deletion. */
export type MarkerKind = 'write' | 'delete';

/** The newest marker held for a key. */
export interface Marker {
  kind: MarkerKind;
  /** The write or delete token (see {@link newWriteToken}). */
  token: string;
}

const MARKER_PREFIXES: Record<MarkerKind, string> = {
  write: `${LOCK_PREFIX}written:`,
  delete: `${LOCK_PREFIX}deleted:`,
};

/** How often a tab waiting for a marked change looks at its copy of localStorage again. */
const POLL_MS = 20;

let sequence = 0;

/** A token for one write: its time (ms, base 36) and a random part, with no `:`. */
export function newWriteToken(): string {
  sequence = (sequence + 1) % 1_296;
  const random = Math.floor(Math.random() * 0x7fffffff).toString(36);
  return `${Date.now().toString(36)}-${sequence.toString(36)}${random}`;
}

/** The write time (epoch ms) a token carries, or `NaN`. */
export function writeTokenTime(token: string): number {
  const dash = token.indexOf('-');
  return dash > 0 ? Number.parseInt(token.slice(0, dash), 36) : Number.NaN;
}

function markerName(kind: MarkerKind, lockName: string, token: string): string {
  return `${MARKER_PREFIXES[kind]}${token}:${lockName}`;
}

/**
 * Takes the marker lock for a write or a delete of `lockName`'s key and
 * holds it for `holdMs`. Resolves once the browser has granted it.
 */
export function placeMarker(kind: MarkerKind, locks: LockManager, lockName: string, token: string, holdMs: number): Promise<void> {
  return new Promise<void>((granted, reject) => {
    locks
      .request(markerName(kind, lockName, token), () => {
        granted();
        return new Promise<void>((done) => setTimeout(done, holdMs));
      })
      .catch(reject);
  });
}

/**
 * The newest marker held for `lockName`'s key, if any, by the time its token
 * carries. A delete and a write of the same millisecond cannot be ordered, so
 * the delete counts as newer: waiting for the key to be gone, or for a later
 * write, never reads a deleted value.
 */
export async function latestMarker(locks: LockManager, lockName: string): Promise<Marker | undefined> {
  const state = await locks.query();
  const suffix = `:${lockName}`;
  let latest: Marker | undefined;
  let latestTime = -Infinity;
  for (const lock of state.held ?? []) {
    const name = lock.name;
    if (!name || !name.endsWith(suffix)) continue;
    const kind = (Object.keys(MARKER_PREFIXES) as MarkerKind[]).find((k) => name.startsWith(MARKER_PREFIXES[k]));
    if (!kind) continue;
    const token = name.slice(MARKER_PREFIXES[kind].length, name.length - suffix.length);
    if (token.includes(':')) continue;
    const time = writeTokenTime(token);
    if (time > latestTime || (time === latestTime && kind === 'delete')) {
      latest = { kind, token };
      latestTime = time;
    }
  }
  return latest;
}

/**
 * Runs when a tab is granted a key's lock (`lockName`, entry `storageKey`):
 * if the newest marker left for the key is a write, waits (at most
 * `timeout` ms) until that write is visible in this tab's copy of
 * `storage()`, so the region's re-read finds it instead of creating the
 * value again; if it is a delete, waits until the entry is gone here, so the
 * re-read does not find the deleted value. Resolves `true` when there was
 * such a recent change (the region then reads again even for an expired value).
 */
export async function awaitMarkedChange(storage: () => StorageLike, storageKey: string, locks: LockManager, lockName: string, timeout: number): Promise<boolean> {
  const marker = await latestMarker(locks, lockName);
  if (marker === undefined) return false;
  const area = storage();
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
  const visible = () => shows(area.getItem(storageKey));
  if (visible()) return true;
  const target = globalThis as { addEventListener?: typeof addEventListener; removeEventListener?: typeof removeEventListener };
  await new Promise<void>((resolve) => {
    const deadline = monotonicNow() + timeout;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      clearTimeout(timer);
      target.removeEventListener?.('storage', onStorage);
      resolve();
    };
    const onStorage = (event: Event) => {
      const { key: changed, storageArea, newValue, oldValue } = event as StorageEvent;
      if (changed !== storageKey || storageArea !== area) return;
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
