/**
 * The change feed over pub/sub: every write and delete is published with
 * the writer's origin id, and messages from other origins become the
 * backend's `notifyChange` calls (the region's remote `set`/`delete` events).
 *
 * @module
 */
import type { BackendChange } from '../api.js';
import { parseJsonObject } from './json-object.js';

/** A published change: kind, key (as stored), creation time for a set, origin id. */
interface ChangeMessage {
  t: 'set' | 'delete';
  k: string;
  ct?: number;
  o: string;
}

/** The message announcing `change`, made by `origin`. */
export function changeMessage(kind: 'set' | 'delete', key: string, origin: string, ct?: number): string {
  const message: ChangeMessage = ct === undefined ? { t: kind, k: key, o: origin } : { t: kind, k: key, ct, o: origin };
  return JSON.stringify(message);
}

/**
 * The change a message announces, or `undefined` for one of `ownOrigin`'s
 * own messages (the region reported those as local already) or for
 * anything that is not a change message.
 */
export function parseChange(text: string, ownOrigin: string): BackendChange | undefined {
  const value = parseJsonObject(text);
  if (!value) return undefined;
  const { t, k, ct, o } = value as Partial<ChangeMessage>;
  if ((t !== 'set' && t !== 'delete') || typeof k !== 'string' || typeof o !== 'string' || o === ownOrigin) return undefined;
  const change: BackendChange = { kind: t, key: k, origin: o };
  if (typeof ct === 'number') change.ct = ct;
  return change;
}
