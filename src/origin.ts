/**
 * Who is speaking: an id for this tab, worker or process, carried by the
 * records and messages it shares, so others can tell its changes apart and
 * order concurrent ones the same way.
 *
 * @module
 */

/** A random id of 16 hex digits (64 bits): for this realm, a connection, a lock name. */
export function randomId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  // 64 random bits: short enough to stamp every stored entry, wide enough never to collide between tabs.
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID().replace(/-/g, '').slice(0, 16);
  return (Math.random().toString(16).slice(2, 10) + Math.random().toString(16).slice(2, 10)).padEnd(16, '0');
}

/** This tab's, worker's or process's id: random, made once per load. */
export const ORIGIN_ID: string = randomId();
