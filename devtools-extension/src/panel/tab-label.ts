/**
 * How the panel names a tab or worker: by the origin id its inspector
 * announces (`ORIGIN_ID`, as stamped into entries' `metadata.o` and carried
 * by change events), "this tab" for the inspected one.
 *
 * @module
 */
import type { CrossTabInfo } from '../../../src/devtools/protocol.js';

/** "this tab", "tab 3f9a…", or, for a client no inspector speaks for, "client 8c1e…". */
export function tabLabel(originId: string | null | undefined, info: CrossTabInfo | null, clientId?: string): string {
  if (originId) return originId === info?.selfOrigin ? `this tab (${originId})` : `tab ${originId}`;
  if (clientId) return `client ${clientId.slice(0, 8)} (no inspector: a worker, or a tab without devtools)`;
  return 'unknown';
}

/** The origin id of a browser client, from the peers' lifetime locks. */
export function originOfClient(info: CrossTabInfo | null, clientId: string): string | null {
  return info?.peers.find((peer) => peer.clientId === clientId)?.originId ?? null;
}
