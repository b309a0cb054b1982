/**
 * Who is speaking: an id for this tab, worker or process, carried by the
 * records and messages it shares, so others can tell its changes apart and
 * order concurrent ones the same way.
 *
 * @module
 */

function randomId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

/** This tab's, worker's or process's id: random, made once per load. */
export const ORIGIN_ID: string = randomId();
