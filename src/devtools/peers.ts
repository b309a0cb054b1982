/**
 * The inspectors of one origin hearing each other, so the panel attached to
 * one tab can show every tab: each inspector announces itself (origin id,
 * visibility, frozen state, regions) on a `BroadcastChannel`, holds a
 * lifetime Web Lock that ties its browser client id to its origin id, and,
 * while some panel of the origin watches, reports the invalidations it
 * issues and receives. With no panel watching, peers exchange only their
 * presence and hold no region subscription.
 *
 * Peer messages come from same-origin code, which could run anything in the
 * page anyway; they are still validated and size-capped like everything else.
 *
 * @module
 */
import { LIFETIME_LOCK_PREFIX } from './lock-query.js';
import { MAX_REGIONS, MAX_TEXT, parseWork, type LedgerEntry, type LockTimeoutInfo, type PeerInfo, type PeerWork } from './protocol.js';

/** Channel the inspectors of an origin share. */
export const PEER_CHANNEL = 'dogpile-cache-devtools:peers';
/** Ms a watch request lasts; the watching inspector renews it at a third of that. */
export const WATCH_LEASE_MS = 3000;
/** Invalidations the ledger keeps. */
const LEDGER_LIMIT = 200;
/** Lock timeouts kept. */
const TIMEOUT_LIMIT = 100;
/** Peers not heard from for this long are forgotten (a closed tab says goodbye, a crashed one cannot). */
const PEER_EXPIRY_MS = 30_000;

type Presence = Omit<PeerInfo, 'self' | 'seen' | 'clientId'>;

type PeerMessage =
  | { t: 'ask' }
  | { t: 'presence'; p: Presence }
  | { t: 'bye'; o: string }
  | { t: 'watch' }
  | { t: 'inv'; o: string; region: string; hard: boolean; at: number; time: number; remote: boolean }
  | { t: 'lt'; o: string; region: string; key: string; waitedMs: number; time: number };

/** Options of {@link Peers}. */
export interface PeersOptions {
  originId: string;
  /** The regions this inspector serves, with their counters, read at each announcement. */
  regions: () => Array<{ name: string; work: PeerWork }>;
  /** Told when some panel of the origin starts or stops watching. */
  onWatch: (watched: boolean) => void;
  now?: () => number;
  /** Ms a watch request lasts. Default {@link WATCH_LEASE_MS}. */
  leaseMs?: number;
}

/** This inspector's view of the origin's other inspectors. */
export class Peers {
  readonly #options: PeersOptions;
  readonly #now: () => number;
  readonly #leaseMs: number;
  readonly #channel: BroadcastChannel | undefined;
  readonly #peers = new Map<string, { presence: Presence; seen: number }>();
  readonly #ledger = new Map<string, LedgerEntry>();
  #timeouts: LockTimeoutInfo[] = [];
  readonly #stop: Array<() => void> = [];
  #watchedUntil = 0;
  #watched = false;
  #watchTimer: ReturnType<typeof setTimeout> | undefined;
  #renewTimer: ReturnType<typeof setInterval> | undefined;
  #frozen = false;
  #releaseLifetime: (() => void) | undefined;

  constructor(options: PeersOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#leaseMs = options.leaseMs ?? WATCH_LEASE_MS;
    const Channel = (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
    if (typeof Channel === 'function') {
      try {
        this.#channel = new Channel(PEER_CHANNEL);
        const onMessage = (event: MessageEvent) => this.#onMessage(event.data);
        this.#channel.addEventListener('message', onMessage);
      } catch {
        this.#channel = undefined;
      }
    }
    this.#holdLifetimeLock();
    this.#listenToPage();
    this.#post({ t: 'ask' });
    this.announce();
  }

  /** Tells the others this inspector's current state. */
  announce(): void {
    this.#post({ t: 'presence', p: this.#presence() });
  }

  /** Starts or stops watching the origin (while a panel is attached to this page). */
  setWatching(watching: boolean): void {
    if (this.#renewTimer !== undefined) clearInterval(this.#renewTimer);
    this.#renewTimer = undefined;
    if (!watching) return;
    this.#post({ t: 'watch' });
    this.#post({ t: 'ask' });
    this.#renewTimer = setInterval(() => this.#post({ t: 'watch' }), this.#leaseMs / 3);
  }

  /** Records an invalidation this page's region reported, and tells the watching panel's page. */
  recordInvalidation(region: string, hard: boolean, at: number, remote: boolean, time: number): void {
    const message: PeerMessage = { t: 'inv', o: this.#options.originId, region: region.slice(0, MAX_TEXT), hard, at, time, remote };
    this.#addToLedger(message);
    this.#post(message);
  }

  /** Records a lock timeout this page's region reported, and tells the watching panel's page. */
  recordLockTimeout(region: string, key: string, waitedMs: number, time: number): void {
    const message: PeerMessage = { t: 'lt', o: this.#options.originId, region: region.slice(0, MAX_TEXT), key: key.slice(0, MAX_TEXT), waitedMs, time };
    this.#addTimeout(message);
    this.#post(message);
  }

  /** The lock timeouts heard of (this page's and, while watched, the others'), oldest first. */
  timeouts(): LockTimeoutInfo[] {
    return this.#timeouts.map((t) => ({ ...t }));
  }

  #addTimeout(message: Extract<PeerMessage, { t: 'lt' }>): void {
    this.#timeouts.push({ originId: message.o, region: message.region, key: message.key, waitedMs: message.waitedMs, time: message.time });
    if (this.#timeouts.length > TIMEOUT_LIMIT) this.#timeouts = this.#timeouts.slice(-TIMEOUT_LIMIT);
  }

  /** The peers heard from, this page first. */
  peers(clients: ReadonlyMap<string, string>): PeerInfo[] {
    const byOrigin = new Map([...clients].map(([clientId, originId]) => [originId, clientId]));
    const now = this.#now();
    const self: PeerInfo = { ...this.#presence(), clientId: byOrigin.get(this.#options.originId) ?? null, self: true, seen: now };
    const others: PeerInfo[] = [];
    for (const [originId, { presence, seen }] of this.#peers) {
      if (now - seen > PEER_EXPIRY_MS && !byOrigin.has(originId)) {
        this.#peers.delete(originId);
        continue;
      }
      others.push({ ...presence, clientId: byOrigin.get(originId) ?? null, self: false, seen });
    }
    return [self, ...others];
  }

  /** The invalidations heard of, oldest first. */
  ledger(): LedgerEntry[] {
    return [...this.#ledger.values()].map((entry) => ({ ...entry, received: [...entry.received] }));
  }

  /** Stops listening and says goodbye. */
  dispose(): void {
    this.setWatching(false);
    this.#post({ t: 'bye', o: this.#options.originId });
    if (this.#watchTimer !== undefined) clearTimeout(this.#watchTimer);
    this.#stop.forEach((stop) => stop());
    this.#stop.length = 0;
    this.#releaseLifetime?.();
    try {
      this.#channel?.close();
    } catch {
      // Already closed.
    }
  }

  // ---------------------------------------------------------------- internals

  #presence(): Presence {
    const doc = (globalThis as { document?: Document }).document;
    const loc = (globalThis as { location?: Location }).location;
    const visibility = doc ? (doc.visibilityState === 'hidden' ? 'hidden' : 'visible') : 'unknown';
    const regions = this.#options.regions().slice(0, MAX_REGIONS);
    return {
      originId: this.#options.originId,
      kind: doc ? 'window' : 'worker',
      visibility,
      frozen: this.#frozen,
      listening: this.#watched,
      regions: regions.map((r) => r.name.slice(0, MAX_TEXT)),
      work: regions.map((r) => ({ creations: r.work.creations, waits: r.work.waits, hits: r.work.hits, misses: r.work.misses })),
      path: (loc?.pathname ?? '').slice(0, 2000),
    };
  }

  #holdLifetimeLock(): void {
    const locks = (globalThis as { navigator?: Navigator }).navigator?.locks;
    if (!locks || typeof locks.request !== 'function') return;
    const held = new Promise<void>((resolve) => (this.#releaseLifetime = resolve));
    // Held until the page goes: the browser releases it when the tab closes.
    locks.request(`${LIFETIME_LOCK_PREFIX}${this.#options.originId}`, () => held).catch(() => undefined);
  }

  #listenToPage(): void {
    const doc = (globalThis as { document?: Document }).document;
    if (!doc || typeof doc.addEventListener !== 'function') return;
    const onChange = () => this.announce();
    const onFreeze = () => {
      this.#frozen = true;
      this.announce();
    };
    const onResume = () => {
      this.#frozen = false;
      this.announce();
    };
    const onHide = () => this.#post({ t: 'bye', o: this.#options.originId });
    doc.addEventListener('visibilitychange', onChange);
    doc.addEventListener('freeze', onFreeze);
    doc.addEventListener('resume', onResume);
    globalThis.addEventListener?.('pagehide', onHide);
    this.#stop.push(() => {
      doc.removeEventListener('visibilitychange', onChange);
      doc.removeEventListener('freeze', onFreeze);
      doc.removeEventListener('resume', onResume);
      globalThis.removeEventListener?.('pagehide', onHide);
    });
  }

  #post(message: PeerMessage): void {
    try {
      this.#channel?.postMessage(message);
    } catch {
      // A closed channel: the page keeps working.
    }
  }

  #onMessage(data: unknown): void {
    const message = parsePeerMessage(data);
    if (!message) return;
    switch (message.t) {
      case 'ask':
        this.announce();
        return;
      case 'presence':
        if (message.p.originId !== this.#options.originId) this.#peers.set(message.p.originId, { presence: message.p, seen: this.#now() });
        return;
      case 'bye':
        this.#peers.delete(message.o);
        return;
      case 'watch':
        this.#onWatch();
        return;
      case 'inv':
        this.#addToLedger(message);
        return;
      case 'lt':
        this.#addTimeout(message);
        return;
    }
  }

  #onWatch(): void {
    this.#watchedUntil = this.#now() + this.#leaseMs;
    if (!this.#watched) {
      this.#watched = true;
      this.#options.onWatch(true);
    }
    // Each renewal refreshes the counters the watching panel shows for this tab.
    this.announce();
    if (this.#watchTimer !== undefined) clearTimeout(this.#watchTimer);
    this.#watchTimer = setTimeout(() => {
      this.#watchTimer = undefined;
      if (this.#now() < this.#watchedUntil) return this.#onWatch();
      this.#watched = false;
      this.#options.onWatch(false);
      this.announce();
    }, this.#leaseMs);
  }

  #addToLedger(message: Extract<PeerMessage, { t: 'inv' }>): void {
    const id = `${message.region}\u0000${message.at}\u0000${message.hard}`;
    let entry = this.#ledger.get(id);
    if (!entry) {
      entry = { region: message.region, hard: message.hard, at: message.at, issuer: null, issuedTime: null, received: [] };
      this.#ledger.set(id, entry);
      if (this.#ledger.size > LEDGER_LIMIT) this.#ledger.delete(this.#ledger.keys().next().value!);
    }
    if (!message.remote) {
      entry.issuer = message.o;
      entry.issuedTime = message.time;
    } else if (!entry.received.some((r) => r.originId === message.o) && entry.received.length < 100) {
      entry.received.push({ originId: message.o, time: message.time });
    }
  }
}

// ---------------------------------------------------------------- validation

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function parsePresence(value: unknown): Presence | undefined {
  if (!isObj(value)) return undefined;
  const { originId, kind, visibility, frozen, listening, regions, work, path } = value;
  if (!text(originId, 100) || (kind !== 'window' && kind !== 'worker') || typeof frozen !== 'boolean' || typeof listening !== 'boolean' || !text(path, 2000)) return undefined;
  if (visibility !== 'visible' && visibility !== 'hidden' && visibility !== 'unknown') return undefined;
  if (!Array.isArray(regions) || regions.length > MAX_REGIONS || !regions.every((r) => text(r, MAX_TEXT))) return undefined;
  if (!Array.isArray(work) || work.length !== regions.length) return undefined;
  const counters = work.map(parseWork);
  if (!counters.every((c): c is PeerWork => c !== undefined)) return undefined;
  return { originId, kind, visibility, frozen, listening, regions: [...(regions as string[])], work: counters, path };
}

/** Validates a message from another inspector. */
export function parsePeerMessage(value: unknown): PeerMessage | undefined {
  if (!isObj(value)) return undefined;
  switch (value.t) {
    case 'ask':
    case 'watch':
      return { t: value.t };
    case 'bye':
      return text(value.o, 100) ? { t: 'bye', o: value.o } : undefined;
    case 'presence': {
      const p = parsePresence(value.p);
      return p && { t: 'presence', p };
    }
    case 'inv': {
      const { o, region, hard, at, time, remote } = value;
      if (!text(o, 100) || !text(region, MAX_TEXT) || typeof hard !== 'boolean' || !finite(at) || !finite(time) || typeof remote !== 'boolean') return undefined;
      return { t: 'inv', o, region, hard, at, time, remote };
    }
    case 'lt': {
      const { o, region, key, waitedMs, time } = value;
      if (!text(o, 100) || !text(region, MAX_TEXT) || !text(key, MAX_TEXT) || !finite(waitedMs) || !finite(time)) return undefined;
      return { t: 'lt', o, region, key, waitedMs, time };
    }
    default:
      return undefined;
  }
}
