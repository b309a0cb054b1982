/**
 * The page-side inspector: answers the panel's requests about registered
 * regions and, while a panel is attached, streams their events in throttled
 * batches. While no panel is attached it holds no region subscription, so
 * regions build no events and the cache runs as if it were absent.
 *
 * @module
 */
import { freshnessOf } from '../freshness.js';
import { checkDuration } from '../validate.js';
import { CachedValue, NO_VALUE } from '../api.js';
import type { RegionEvent } from '../events.js';
import type { InspectableRegion } from './inspectable.js';
import { devtoolsHook, type DevtoolsHook } from './hook.js';
import { compareNatural } from './natural-sort.js';
import { approximateSize, makePreview, type PreviewLimits } from './preview.js';
import {
  MAX_EVENTS_PER_BATCH,
  MAX_PAGE_SIZE,
  MAX_REGIONS,
  MAX_TEXT,
  pageMessage,
  type EntryInfo,
  type EntrySort,
  type ErrorInfo,
  type EventInfo,
  type PageMessageBody,
  type PanelCommand,
  type RegionInfo,
} from './protocol.js';
import { windowTransport, type InspectorTransport } from './transport.js';
import { lockPrefixOf, queryLocks } from './lock-query.js';
import { Peers } from './peers.js';
import { ORIGIN_ID } from '../origin.js';
import { storageDetails, measureRegion, storageEstimate } from './storage-info.js';

/** Options of {@link Inspector} and {@link installInspector}. */
export interface InspectorOptions {
  /** Where to talk to the panel. Default: the page's window ({@link windowTransport}). */
  transport?: InspectorTransport;
  /** The registration queue to read. Default: the global one. */
  hook?: DevtoolsHook;
  /** Milliseconds between event batches while a panel is attached. Default 250. */
  eventInterval?: number;
  /** How much of a value the panel gets when it asks for one. */
  previewLimits?: Partial<PreviewLimits>;
  /** The clock used to judge freshness, epoch ms. Default `Date.now`. */
  now?: () => number;
  /**
   * Hear the origin's other inspectors (their tabs, and their invalidations
   * while a panel watches) over a `BroadcastChannel`. Default: on when talking
   * to the page's window, off with a custom `transport`.
   */
  peers?: boolean;
}

/** Creators a region keeps for the panel's "Regenerate", the least recently run dropped first. */
const KEPT_CREATORS = 500;
const TEXT_LIMIT = 500;
/** Most entries read to sort by a column other than the key, or to filter by status. */
const SORT_BUDGET = 5000;

const STATUS_ORDER: readonly EntryInfo['status'][] = ['fresh', 'soft-invalidated', 'expired', 'hard-invalidated', 'unreadable', 'absent'];

function compareEntries(a: EntryInfo, b: EntryInfo, sort: EntrySort): number {
  switch (sort) {
    case 'size':
      return (a.size ?? -1) - (b.size ?? -1);
    case 'created':
      return (a.created ?? -Infinity) - (b.created ?? -Infinity) || 0;
    case 'status':
      return STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status);
    case 'origin':
      return (a.origin ?? '').localeCompare(b.origin ?? '');
    case 'key':
      return compareNatural(a.key, b.key);
  }
}

/** Serves registered regions to a devtools panel. */
export class Inspector {
  /** Random id of this inspector; a new one means the page was reloaded. */
  readonly id: string;
  readonly #transport: InspectorTransport;
  readonly #hook: DevtoolsHook;
  readonly #interval: number;
  readonly #previewLimits: Partial<PreviewLimits>;
  readonly #now: () => number;
  readonly #ids = new Map<InspectableRegion, string>();
  readonly #regions = new Map<string, InspectableRegion>();
  readonly #subscriptions = new Map<InspectableRegion, () => void>();
  readonly #stop: Array<() => void> = [];
  #nextRegion = 0;
  #attached = false;
  #disposed = false;
  #seq = 0;
  #pending: EventInfo[] = [];
  #dropped = 0;
  #touched = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #snapshotQueued = false;
  #watched = false;
  readonly #peers: Peers | undefined;
  readonly #lockPrefixes = new Map<InspectableRegion, string | null>();

  constructor(options: InspectorOptions = {}) {
    this.id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    this.#transport = options.transport ?? windowTransport();
    this.#hook = options.hook ?? devtoolsHook();
    const interval = options.eventInterval ?? 250;
    checkDuration(interval, 'eventInterval');
    this.#interval = interval;
    this.#previewLimits = options.previewLimits ?? {};
    this.#now = options.now ?? Date.now;
    if (options.peers ?? !options.transport) {
      this.#peers = new Peers({
        originId: ORIGIN_ID,
        regions: () => [...this.#regions.values()].map((r) => ({ name: r.name ?? '(unnamed)', work: r.stats })),
        onWatch: (watched) => {
          this.#watched = watched;
          this.#syncSubscriptions();
        },
      });
    }
    for (const region of this.#hook.regions) this.#add(region);
    this.#stop.push(
      this.#hook.listen((change, region) => {
        if (change === 'add') this.#add(region);
        else this.#remove(region);
        this.#peers?.announce();
        if (this.#attached) this.#queueSnapshot();
      }),
      this.#transport.listen((command) => void this.#handle(command)),
    );
    this.#post({ type: 'hello', inspectorId: this.id, regionCount: this.#regions.size });
  }

  /** Whether a panel is attached (events are being collected). */
  get attached(): boolean {
    return this.#attached;
  }

  /** Number of regions the inspector serves. */
  get regionCount(): number {
    return this.#regions.size;
  }

  /** Sends the events collected so far now instead of at the next interval. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0 && this.#dropped === 0) return;
    const events = this.#pending;
    const dropped = this.#dropped;
    const touched = [...this.#touched];
    this.#pending = [];
    this.#dropped = 0;
    this.#touched.clear();
    const regions: RegionInfo[] = [];
    for (const id of touched) {
      const region = this.#regions.get(id);
      if (region) regions.push(await this.#summary(id, region));
    }
    if (this.#attached) this.#post({ type: 'events', events, dropped, regions });
  }

  /** Stops listening, detaches from every region and forgets them. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#detach();
    this.#peers?.dispose();
    this.#stop.forEach((stop) => stop());
    this.#stop.length = 0;
    this.#ids.clear();
    this.#regions.clear();
    const scope = globalThis as unknown as Record<symbol, unknown>;
    if (scope[INSTALLED] === this) delete scope[INSTALLED];
  }

  // ---------------------------------------------------------------- regions

  #add(region: InspectableRegion): void {
    if (this.#ids.has(region) || this.#ids.size >= MAX_REGIONS) return;
    const id = `r${++this.#nextRegion}`;
    this.#ids.set(region, id);
    this.#regions.set(id, region);
    // So the panel can offer "Regenerate": the region keeps the creators that run from now on.
    region.keepCreators?.(KEPT_CREATORS);
    if (this.#attached || this.#watched) this.#subscribe(id, region);
  }

  #remove(region: InspectableRegion): void {
    const id = this.#ids.get(region);
    if (id === undefined) return;
    this.#subscriptions.get(region)?.();
    this.#subscriptions.delete(region);
    this.#ids.delete(region);
    this.#regions.delete(id);
  }

  #subscribe(id: string, region: InspectableRegion): void {
    if (this.#subscriptions.has(region)) return;
    this.#subscriptions.set(
      region,
      region.subscribe((event) => this.#onEvent(id, event)),
    );
  }

  #attach(): void {
    this.#attached = true;
    this.#peers?.setWatching(true);
    this.#syncSubscriptions();
  }

  /** Subscribed while a panel is attached here or watches from another tab; otherwise not at all. */
  #syncSubscriptions(): void {
    if (!this.#disposed && (this.#attached || this.#watched)) {
      for (const [id, region] of this.#regions) this.#subscribe(id, region);
      return;
    }
    this.#subscriptions.forEach((unsubscribe) => unsubscribe());
    this.#subscriptions.clear();
  }

  #detach(): void {
    this.#attached = false;
    this.#peers?.setWatching(false);
    this.#syncSubscriptions();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = [];
    this.#dropped = 0;
    this.#touched.clear();
  }

  #queueSnapshot(): void {
    if (this.#snapshotQueued) return;
    this.#snapshotQueued = true;
    queueMicrotask(() => {
      this.#snapshotQueued = false;
      void this.#sendSnapshot(null);
    });
  }

  // ---------------------------------------------------------------- events

  #onEvent(regionId: string, event: RegionEvent): void {
    if (event.type === 'invalidated') {
      const name = this.#regions.get(regionId)?.name ?? regionId;
      this.#peers?.recordInvalidation(name, event.hard, event.at, event.remote, event.time);
    } else if (event.type === 'lockTimeout') {
      this.#peers?.recordLockTimeout(this.#regions.get(regionId)?.name ?? regionId, event.key, event.waitedMs, event.time);
    }
    if (!this.#attached) return;
    this.#pending.push(eventInfo(++this.#seq, regionId, event));
    if (this.#pending.length > MAX_EVENTS_PER_BATCH) {
      // Keep the newest: a burst is summarized by its count, the log stays current.
      this.#pending.shift();
      this.#dropped++;
    }
    this.#touched.add(regionId);
    this.#timer ??= setTimeout(() => void this.flush(), this.#interval);
  }

  // ---------------------------------------------------------------- commands

  async #handle(command: PanelCommand): Promise<void> {
    if (this.#disposed) return;
    switch (command.type) {
      case 'connect':
        this.#attach();
        await this.#sendSnapshot(null);
        return;
      case 'disconnect':
        this.#detach();
        return;
      case 'getSnapshot':
        await this.#sendSnapshot(command.requestId);
        return;
      case 'getEntries':
        await this.#sendEntries(command);
        return;
      case 'getValue':
        await this.#sendValue(command);
        return;
      case 'invalidate':
      case 'deleteEntry':
      case 'expireEntry':
      case 'regenerateEntry':
      case 'clearRegion':
      case 'resetStats':
        await this.#act(command);
        return;
      case 'getCrossTab':
        await this.#sendCrossTab(command.requestId);
        return;
      case 'getStorage':
        await this.#sendStorage(command.requestId);
        return;
    }
  }

  async #sendSnapshot(requestId: string | null): Promise<void> {
    const regions: RegionInfo[] = [];
    for (const [id, region] of this.#regions) regions.push(await this.#summary(id, region));
    this.#post({ type: 'snapshot', inspectorId: this.id, requestId, regions });
  }

  async #sendEntries(command: Extract<PanelCommand, { type: 'getEntries' }>): Promise<void> {
    const { requestId, regionId, offset, filter } = command;
    const limit = Math.min(command.limit, MAX_PAGE_SIZE);
    const reply = (body: { total: number; listable: boolean; reason: string | null; entries: EntryInfo[] }) =>
      this.#post({ type: 'entries', requestId, regionId, offset, ...body });
    const region = this.#regions.get(regionId);
    if (!region) return reply({ total: 0, listable: false, reason: unknownRegion(regionId), entries: [] });
    if (!region.isConfigured) return reply({ total: 0, listable: false, reason: 'The region is not configured yet.', entries: [] });
    let keys: string[] | undefined;
    try {
      keys = await region.storedKeys();
    } catch (error) {
      return reply({ total: 0, listable: false, reason: `Listing keys failed: ${errorText(error)}`, entries: [] });
    }
    if (!keys) {
      return reply({ total: 0, listable: false, reason: `The ${region.backendLabels.at(-1) ?? 'unknown'} backend cannot list its keys (it has no keys() method).`, entries: [] });
    }
    const needle = filter.toLowerCase();
    const matching = (needle ? keys.filter((key) => key.toLowerCase().includes(needle)) : keys).sort(compareNatural);
    const now = this.#now();
    const { sort = 'key', desc = false, status } = command;
    if (sort === 'key' && status === undefined) {
      // Natural key order needs no entry read: only the page is read.
      if (desc) matching.reverse();
      const page = matching.slice(offset, offset + limit);
      const entries = await Promise.all(page.map((key) => this.#entry(region, key, now)));
      return reply({ total: matching.length, listable: true, reason: null, entries });
    }
    // Other orders and the status filter read every entry, up to a budget.
    const budget = matching.slice(0, SORT_BUDGET);
    let all = await Promise.all(budget.map((key) => this.#entry(region, key, now)));
    if (status !== undefined) all = all.filter((entry) => entry.status === status);
    all.sort((a, b) => compareEntries(a, b, sort) || compareNatural(a.key, b.key));
    if (desc) all.reverse();
    const reason = matching.length > SORT_BUDGET ? `Sorted and filtered among the first ${SORT_BUDGET} keys of ${matching.length}.` : null;
    reply({ total: all.length, listable: true, reason, entries: all.slice(offset, offset + limit) });
  }

  async #entry(region: InspectableRegion, key: string, now: number): Promise<EntryInfo> {
    const keyTruncated = key.length > MAX_TEXT;
    const entry: EntryInfo = {
      key: keyTruncated ? key.slice(0, MAX_TEXT) : key,
      keyTruncated,
      size: null,
      sizeCapped: false,
      created: null,
      expiresAt: null,
      status: 'unreadable',
      locked: false,
    };
    try {
      entry.locked = await region.storedKeyIsLocked(key);
    } catch {
      // A lock that cannot be queried shows as free.
    }
    let found: Awaited<ReturnType<InspectableRegion['peekStored']>>;
    try {
      found = await region.peekStored(key);
    } catch {
      return entry;
    }
    if (found.raw === NO_VALUE) {
      entry.status = 'absent';
      return entry;
    }
    const measured = approximateSize(found.raw instanceof CachedValue ? found.raw.payload : found.raw);
    entry.size = measured.size;
    entry.sizeCapped = measured.capped;
    const value = found.value;
    if (!value) return entry;
    const ct = value.metadata.ct;
    const expiration = expirationOf(region);
    const invalidator = region.regionInvalidator;
    entry.created = ct;
    const { o, st } = value.metadata;
    entry.origin = typeof o === 'string' ? truncate(o, 100) : null;
    entry.creationMs = typeof st === 'number' && Number.isFinite(st) && ct >= st ? ct - st : null;
    entry.expiresAt = expiration === null ? null : ct + expiration;
    entry.status = freshnessOf(value.metadata, expiration === null ? undefined : expiration, invalidator, now);
    return entry;
  }

  async #sendValue(command: Extract<PanelCommand, { type: 'getValue' }>): Promise<void> {
    const { requestId, regionId, key } = command;
    const region = this.#regions.get(regionId);
    let body: Extract<PageMessageBody, { type: 'value' }> = { type: 'value', requestId, regionId, key, found: false, created: null, preview: null };
    if (region?.isConfigured) {
      try {
        const { value } = await region.peekStored(key);
        if (value) body = { ...body, found: true, created: value.metadata.ct, preview: makePreview(value.payload, this.#previewLimits) };
      } catch (error) {
        body = { ...body, preview: { t: 'unreadable', reason: errorText(error) } };
      }
    }
    this.#post(body);
  }

  async #sendCrossTab(requestId: string): Promise<void> {
    const prefixes = new Map<string, string>();
    for (const [id, region] of this.#regions) {
      const prefix = this.#lockPrefix(region);
      if (prefix) prefixes.set(prefix, id);
    }
    const nav = (globalThis as { navigator?: Navigator }).navigator;
    const result = await queryLocks(nav?.locks, prefixes, 1000);
    this.#post({
      type: 'crossTab',
      requestId,
      info: {
        selfOrigin: ORIGIN_ID,
        locksAvailable: result.available,
        locks: result.locks,
        peers: this.#peers?.peers(result.clients) ?? [],
        ledger: this.#peers?.ledger() ?? [],
        timeouts: this.#peers?.timeouts() ?? [],
        time: this.#now(),
      },
    });
  }

  #lockPrefix(region: InspectableRegion): string | undefined {
    let prefix = this.#lockPrefixes.get(region);
    if (prefix === undefined && region.isConfigured) {
      prefix = lockPrefixOf(actualBackendOf(region)) ?? null;
      this.#lockPrefixes.set(region, prefix);
    }
    return prefix ?? undefined;
  }

  async #sendStorage(requestId: string): Promise<void> {
    const regions = [];
    for (const [id, region] of this.#regions) {
      if (!region.isConfigured) continue;
      const measured = await measureRegion(region);
      regions.push({ regionId: id, ...measured, backend: truncate(region.backendLabels.at(-1) ?? 'unknown', 200), details: storageDetails(actualBackendOf(region)) });
    }
    this.#post({ type: 'storage', requestId, info: { regions, ...(await storageEstimate()) } });
  }

  /**
   * Makes one entry look expired, as if its expiration time had passed: the
   * next `getOrCreate` regenerates it (other callers get the old value
   * meanwhile, as for a soft invalidation). Rewrites the entry with an older
   * `ct`, through the region's backend chain, so shared backends tell the
   * other tabs.
   */
  async #expire(region: InspectableRegion, key: string): Promise<void> {
    const expiration = expirationOf(region);
    if (expiration === null) throw new Error('The region has no expiration time, so an entry cannot be expired: delete it instead.');
    const { raw } = await region.peekStored(key);
    if (raw === NO_VALUE) throw new Error(`No entry "${truncate(key, 100)}".`);
    if (!(raw instanceof CachedValue)) throw new Error('The region serializes its values: its entries can be deleted from the panel, not expired.');
    let backend: { set?: unknown } | undefined;
    try {
      backend = region.backend as { set?: unknown } | undefined;
    } catch {
      backend = undefined;
    }
    if (typeof backend?.set !== 'function') throw new Error('This region cannot expire entries from the panel.');
    const ct = Math.min(raw.metadata.ct, region.now?.() ?? this.#now()) - expiration - 1;
    // `st` keeps the original time, so invalidations still compare against when the value was made.
    await (backend.set as (key: string, value: CachedValue) => Promise<void>).call(backend, key, new CachedValue(raw.payload, { ...raw.metadata, st: raw.metadata.st ?? raw.metadata.ct, ct }));
  }

  async #act(command: Extract<PanelCommand, { type: 'invalidate' | 'deleteEntry' | 'expireEntry' | 'regenerateEntry' | 'clearRegion' | 'resetStats' }>): Promise<void> {
    const region = this.#regions.get(command.regionId);
    let error: string | null = null;
    try {
      if (!region) throw new Error(unknownRegion(command.regionId));
      if (command.type === 'invalidate') await region.invalidate(command.hard);
      else if (command.type === 'deleteEntry') await region.deleteStored(command.key);
      else if (command.type === 'expireEntry') await this.#expire(region, command.key);
      else if (command.type === 'regenerateEntry') {
        if (typeof region.regenerateStored !== 'function') throw new Error('This region cannot regenerate entries from the panel.');
        await region.regenerateStored(command.key);
      }
      else if (command.type === 'clearRegion') {
        if (typeof region.clear !== 'function') throw new Error('This region cannot be cleared from the panel.');
        await region.clear();
      } else {
        if (typeof region.resetStats !== 'function') throw new Error('This region cannot reset its counters from the panel.');
        region.resetStats();
      }
    } catch (caught) {
      error = errorText(caught);
    }
    this.#post({ type: 'result', requestId: command.requestId, ok: error === null, error });
    // The panel sees the effect at once rather than at the next event batch.
    if (this.#attached) await this.flush();
  }

  async #summary(id: string, region: InspectableRegion): Promise<RegionInfo> {
    const invalidator = region.regionInvalidator;
    const hard = invalidator.wasHardInvalidated();
    const soft = invalidator.wasSoftInvalidated();
    let at: number | null = null;
    try {
      at = invalidator.invalidatedAt?.() ?? null;
    } catch {
      // Inspection is optional for strategies.
    }
    let entryCount: number | null = null;
    const configured = region.isConfigured;
    if (configured) {
      try {
        entryCount = (await region.storedKeys())?.length ?? null;
      } catch {
        entryCount = null;
      }
    }
    return {
      id,
      name: region.name === undefined ? null : truncate(region.name, MAX_TEXT),
      configured,
      backend: configured ? backendChain(region) : [],
      expirationTime: expirationOf(region),
      entryCount,
      invalidation: { state: hard ? 'hard' : soft ? 'soft' : 'none', at: typeof at === 'number' && Number.isFinite(at) ? at : null },
      stats: region.stats,
      errors: errorInfos(region),
      ...lockModeField(configured ? lockModeOf(region) : undefined),
    };
  }

  #post(body: PageMessageBody): void {
    if (this.#disposed) return;
    try {
      this.#transport.post(pageMessage(body));
    } catch {
      // No one to tell: the page keeps working without its panel.
    }
  }
}

// ---------------------------------------------------------------- helpers

function unknownRegion(id: string): string {
  return `No region "${id}" on this page (it may have been reloaded).`;
}


/** Web Locks when the backend says so (`lockMode`, or a Web Lock mutex), else in-process. */
function lockModeOf(region: InspectableRegion): 'web-locks' | 'in-process' | undefined {
  const backend = actualBackendOf(region);
  // A view of a region hosted elsewhere (a worker) has no backend here: its locks are not this tab's.
  if (backend === undefined) return undefined;
  const mode = (backend as { lockMode?: unknown } | undefined)?.lockMode;
  if (mode === 'web-locks' || mode === 'in-process') return mode;
  return lockPrefixOf(backend) ? 'web-locks' : 'in-process';
}

function lockModeField(mode: 'web-locks' | 'in-process' | undefined): { lockMode?: 'web-locks' | 'in-process' } {
  return mode ? { lockMode: mode } : {};
}

/** The region's innermost backend, or `undefined` (unconfigured, or a view without one). */
function actualBackendOf(region: InspectableRegion): unknown {
  try {
    return region.actualBackend;
  } catch {
    return undefined;
  }
}

function expirationOf(region: InspectableRegion): number | null {
  const expiration = region.expirationTime;
  return typeof expiration === 'number' && expiration >= 0 && Number.isFinite(expiration) ? expiration : null;
}

function backendChain(region: InspectableRegion): string[] {
  return region.backendLabels.slice(0, 16).map((label) => truncate(String(label), 100));
}

function truncate(text: string, max = TEXT_LIMIT): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function errorInfos(region: InspectableRegion): ErrorInfo[] {
  let records: InspectableRegion['recentErrors'];
  try {
    records = region.recentErrors;
  } catch {
    return [];
  }
  if (!Array.isArray(records)) return [];
  return records.slice(-20).map((record) => {
    const stack = record.error instanceof Error && typeof record.error.stack === 'string' ? record.error.stack.slice(0, 2000) : null;
    return {
      time: Number.isFinite(record.time) ? record.time : 0,
      operation: truncate(String(record.operation), 100),
      key: typeof record.key === 'string' ? truncate(record.key, MAX_TEXT) : null,
      message: truncate(errorText(record.error), 1000),
      stack,
    };
  });
}

function errorText(error: unknown): string {
  if (error instanceof Error) return truncate(`${error.name}: ${error.message}`);
  return truncate(String(error));
}

function eventInfo(seq: number, regionId: string, event: RegionEvent): EventInfo {
  const info: EventInfo = { seq, regionId, type: event.type, time: event.time };
  if ('key' in event && typeof event.key === 'string') info.key = truncate(event.key, MAX_TEXT);
  switch (event.type) {
    case 'created':
      info.durationMs = event.durationMs;
      info.cached = event.cached;
      break;
    case 'waited':
      info.durationMs = event.durationMs;
      break;
    case 'lockTimeout':
      info.durationMs = event.waitedMs;
      break;
    case 'set':
    case 'delete':
      // Provenance: the panel tells this tab's writes from other tabs' ones.
      info.remote = event.remote;
      if (event.origin !== undefined) info.origin = truncate(event.origin, 100);
      break;
    case 'invalidated':
      info.hard = event.hard;
      info.remote = event.remote;
      break;
    case 'error':
      info.operation = truncate(event.operation, 100);
      info.message = errorText(event.error);
      break;
    case 'notice':
      info.kind = truncate(event.kind, 100);
      info.message = truncate(event.message);
      break;
  }
  return info;
}

// ---------------------------------------------------------------- installation

const INSTALLED = Symbol.for('dogpile-cache.devtools.inspector');

/**
 * Starts the page-side inspector (once per page when talking to the window;
 * later calls return the same one). Regions registered before or after are
 * all served. Throws a `TypeError` where there is no window and no
 * `transport` is given.
 */
export function installInspector(options: InspectorOptions = {}): Inspector {
  if (options.transport) return new Inspector(options);
  if (typeof window === 'undefined') {
    throw new TypeError('dogpile-cache: installInspector needs a window (or a transport); in Node, pass options.transport');
  }
  const scope = globalThis as unknown as Record<symbol, Inspector | undefined>;
  const existing = scope[INSTALLED];
  if (existing instanceof Inspector) return existing;
  const inspector = new Inspector(options);
  Object.defineProperty(scope, INSTALLED, { value: inspector, configurable: true, writable: true, enumerable: false });
  return inspector;
}
