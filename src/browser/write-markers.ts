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
 * @module
 */
import { LOCK_PREFIX } from './key-locks.js';

const MARKER_PREFIX = `${LOCK_PREFIX}written:`;

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

function markerName(lockName: string, token: string): string {
  return `${MARKER_PREFIX}${token}:${lockName}`;
}

/**
 * Takes the marker lock for a write of `lockName`'s key and holds it for
 * `holdMs`. Resolves once the browser has granted it.
 */
export function placeWriteMarker(locks: LockManager, lockName: string, token: string, holdMs: number): Promise<void> {
  return new Promise<void>((granted, reject) => {
    locks
      .request(markerName(lockName, token), () => {
        granted();
        return new Promise<void>((done) => setTimeout(done, holdMs));
      })
      .catch(reject);
  });
}

/** The token of the newest write marker held for `lockName`'s key, if any. */
export async function latestWriteMarker(locks: LockManager, lockName: string): Promise<string | undefined> {
  const state = await locks.query();
  const suffix = `:${lockName}`;
  let latest: string | undefined;
  let latestTime = -Infinity;
  for (const lock of state.held ?? []) {
    const name = lock.name;
    if (!name || !name.startsWith(MARKER_PREFIX) || !name.endsWith(suffix)) continue;
    const token = name.slice(MARKER_PREFIX.length, name.length - suffix.length);
    if (token.includes(':')) continue;
    const time = writeTokenTime(token);
    if (time > latestTime) {
      latest = token;
      latestTime = time;
    }
  }
  return latest;
}
