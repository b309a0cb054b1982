/**
 * The lock timeline, built from successive lock queries: for each browser
 * client (tab or worker) and lock, when it was first seen requested, when it
 * was granted and when it went. A lock seen already held was requested
 * before the panel looked (`requested: null`); a request that vanished
 * without being seen held was granted and released between two looks, or
 * given up (`granted: null`, `released` set).
 *
 * @module
 */
import type { CrossTabInfo, LockInfo } from '../../../src/devtools/protocol.js';

/** One request of one lock by one client. */
export interface LockSpan {
  id: number;
  name: string;
  regionId: string | null;
  key: string | null;
  mode: LockInfo['mode'];
  /** First seen pending; `null`: already held when first seen. */
  requested: number | null;
  /** First seen held; `null`: not (yet) seen held. */
  granted: number | null;
  /** Gone since; `null`: still there. */
  released: number | null;
}

/** The spans of one client. */
export interface Lane {
  clientId: string;
  /** The inspector origin id tied to the client, when known. */
  originId: string | null;
  self: boolean;
  spans: LockSpan[];
}

/** Client id of the lane holding this tab's in-process locks (regions Web Locks cannot see). */
export const IN_PROCESS_CLIENT = 'in-process';

/** A region event about a key's lock, as the log has it. */
export interface LockEvent {
  type: string;
  regionId: string;
  key?: string;
  time: number;
  durationMs?: number;
}

/** Options of {@link LockTimeline}. */
export interface LockTimelineOptions {
  /** Ms of history kept. Default 5 minutes. */
  historyMs?: number;
  /** Closed spans kept at most. Default 2000. */
  maxSpans?: number;
}

/** Accumulates lock queries into lanes. */
export class LockTimeline {
  readonly #historyMs: number;
  readonly #maxSpans: number;
  readonly #open = new Map<string, LockSpan>();
  #closed: Array<LockSpan & { clientId: string }> = [];
  readonly #openClients = new Map<LockSpan, string>();
  readonly #origins = new Map<string, string>();
  #selfClient: string | null = null;
  #selfOrigin: string | null = null;
  #nextId = 0;

  constructor(options: LockTimelineOptions = {}) {
    this.#historyMs = options.historyMs ?? 5 * 60_000;
    this.#maxSpans = options.maxSpans ?? 2000;
  }

  /** Adds one query's result. */
  update(info: CrossTabInfo): void {
    const time = info.time;
    this.#selfOrigin = info.selfOrigin;
    for (const peer of info.peers) {
      if (peer.clientId) this.#origins.set(peer.clientId, peer.originId);
      if (peer.self && peer.clientId) this.#selfClient = peer.clientId;
    }
    const seen = new Set<string>();
    for (const lock of info.locks) {
      const id = `${lock.clientId}\u0000${lock.mode}\u0000${lock.name}`;
      seen.add(id);
      const span = this.#open.get(id);
      if (span) {
        if (lock.state === 'held' && span.granted === null) span.granted = time;
        continue;
      }
      const fresh: LockSpan = {
        id: ++this.#nextId,
        name: lock.name,
        regionId: lock.regionId,
        key: lock.key,
        mode: lock.mode,
        requested: lock.state === 'pending' ? time : null,
        granted: lock.state === 'held' ? time : null,
        released: null,
      };
      this.#open.set(id, fresh);
      this.#openClients.set(fresh, lock.clientId);
    }
    for (const [id, span] of this.#open) {
      if (seen.has(id) || this.#openClients.get(span) === IN_PROCESS_CLIENT) continue;
      span.released = time;
      this.#open.delete(id);
      this.#closed.push({ ...span, clientId: this.#openClients.get(span) ?? '' });
      this.#openClients.delete(span);
    }
    this.#trim(time);
  }

  /**
   * Adds one of this tab's lock events for a region locked in-process, which
   * no lock query sees: `lockAcquired` opens a span, `lockReleased` closes it,
   * `waited` is a wait that ended with another caller's value.
   */
  local(event: LockEvent): void {
    if (event.key === undefined) return;
    const name = `${IN_PROCESS_CLIENT}:${event.regionId}:${event.key}`;
    const id = `${IN_PROCESS_CLIENT}\u0000exclusive\u0000${name}`;
    const base = { name, regionId: event.regionId, key: event.key, mode: 'exclusive' as const };
    if (event.type === 'lockAcquired') {
      if (this.#open.has(id)) return;
      const span: LockSpan = { id: ++this.#nextId, ...base, requested: null, granted: event.time, released: null };
      this.#open.set(id, span);
      this.#openClients.set(span, IN_PROCESS_CLIENT);
    } else if (event.type === 'lockReleased') {
      const span = this.#open.get(id);
      if (!span) return;
      span.released = event.time;
      this.#open.delete(id);
      this.#openClients.delete(span);
      this.#closed.push({ ...span, clientId: IN_PROCESS_CLIENT });
    } else if (event.type === 'waited' && event.durationMs !== undefined) {
      this.#closed.push({ id: ++this.#nextId, ...base, requested: event.time - event.durationMs, granted: null, released: event.time, clientId: IN_PROCESS_CLIENT });
    } else {
      return;
    }
    this.#trim(event.time);
  }

  #trim(time: number): void {
    const horizon = time - this.#historyMs;
    this.#closed = this.#closed.filter((span) => (span.released ?? time) >= horizon).slice(-this.#maxSpans);
  }

  /** The lanes: this tab first, then by client id; spans oldest first. */
  lanes(): Lane[] {
    const byClient = new Map<string, LockSpan[]>();
    const add = (clientId: string, span: LockSpan) => {
      let spans = byClient.get(clientId);
      if (!spans) byClient.set(clientId, (spans = []));
      spans.push({ ...span });
    };
    for (const span of this.#closed) add(span.clientId, span);
    for (const span of this.#open.values()) add(this.#openClients.get(span) ?? '', span);
    const lanes: Lane[] = [...byClient].map(([clientId, spans]) => ({
      clientId,
      originId: clientId === IN_PROCESS_CLIENT ? this.#selfOrigin : (this.#origins.get(clientId) ?? null),
      self: clientId === IN_PROCESS_CLIENT || (clientId !== '' && clientId === this.#selfClient),
      spans: spans.sort((a, b) => start(a) - start(b) || a.id - b.id),
    }));
    return lanes.sort((a, b) => Number(b.self) - Number(a.self) || a.clientId.localeCompare(b.clientId));
  }

  /** Forgets everything (a reloaded page). */
  clear(): void {
    this.#open.clear();
    this.#openClients.clear();
    this.#closed = [];
  }
}

/** When a span began, as far as seen. */
export function start(span: LockSpan): number {
  return span.requested ?? span.granted ?? span.released ?? 0;
}
