/**
 * The devtools protocol: the messages the page-side inspector and the
 * extension panel exchange, and the validators both ends (and the relay in
 * between) run on everything they receive. Everything arriving is untrusted:
 * a validator returns a fresh object holding only known, well-typed,
 * size-capped fields, or `undefined` for anything else.
 *
 * @module
 */
import type { RegionStats } from '../events.js';
import { parseList, parsePreview, type ValuePreview } from './preview.js';

/** Tag on every message, so the relay ignores the page's other `postMessage` traffic. */
export const PROTOCOL_SOURCE = 'dogpile-cache-devtools';
/** Protocol version; both ends drop messages of another version. */
export const PROTOCOL_VERSION = 1;

/** Most entries one `entries` answer carries. */
export const MAX_PAGE_SIZE = 500;
/** Most events one `events` batch carries. */
export const MAX_EVENTS_PER_BATCH = 200;
/** Longest string kept in names, keys, messages (keys longer than this are marked truncated). */
export const MAX_TEXT = 4096;
/** Most regions a snapshot carries. */
export const MAX_REGIONS = 500;

/** Region counters: the page's `RegionStats`, as sent to the panel. */
export type StatsInfo = RegionStats;

const STAT_NAMES: ReadonlyArray<keyof StatsInfo> = [
  'hits',
  'misses',
  'creations',
  'waits',
  'staleServed',
  'sets',
  'deletes',
  'invalidations',
  'lockTimeouts',
  'errors',
];

/** Invalidation state of a region: none, or the kind and time of the last one. */
export interface InvalidationInfo {
  state: 'none' | 'soft' | 'hard';
  /** Epoch ms of the last invalidation, when the strategy reports it. */
  at: number | null;
}

/** What the panel shows of a region. */
export interface RegionInfo {
  /** Inspector-assigned id, unique within one page load. */
  id: string;
  name: string | null;
  configured: boolean;
  /** Backend chain, outermost first: proxies, then the actual backend. */
  backend: string[];
  /** Expiration time in ms; `null`: never. */
  expirationTime: number | null;
  /** Stored entries; `null` when the backend cannot list its keys. */
  entryCount: number | null;
  invalidation: InvalidationInfo;
  stats: StatsInfo;
  /** The last faults it absorbed, newest last (kept by the region before any panel attached). */
  errors?: ErrorInfo[];
  /** How creation is locked: across tabs (`web-locks`) or in this tab only (`in-process`). */
  lockMode?: 'web-locks' | 'in-process';
}

/** A fault a region absorbed, with its details. */
export interface ErrorInfo {
  time: number;
  operation: string;
  key: string | null;
  /** `Name: message`. */
  message: string;
  /** The stack, cut to 2000 characters; `null` when there is none. */
  stack: string | null;
}

/** Freshness of an entry, as `getOrCreate` would see it now. */
export type EntryStatus = 'fresh' | 'expired' | 'soft-invalidated' | 'hard-invalidated' | 'unreadable' | 'absent';

const ENTRY_STATUSES: readonly EntryStatus[] = ['fresh', 'expired', 'soft-invalidated', 'hard-invalidated', 'unreadable', 'absent'];

/** Columns the entry list sorts by. */
export type EntrySort = 'key' | 'size' | 'created' | 'status' | 'origin';

const ENTRY_SORTS: readonly EntrySort[] = ['key', 'size', 'created', 'status', 'origin'];

/** One row of a region's entry list. */
export interface EntryInfo {
  /** The key as stored (mangled when the region mangles keys). */
  key: string;
  /** True when `key` was cut to {@link MAX_TEXT}; such an entry cannot be acted on. */
  keyTruncated: boolean;
  /** Approximate size in bytes (JSON length of objects, byte length of serialized data). */
  size: number | null;
  /** True when sizing stopped at its budget: the entry is at least `size`. */
  sizeCapped: boolean;
  /** Creation time, epoch ms. */
  created: number | null;
  /** When it expires, epoch ms; `null`: never (or unknown). */
  expiresAt: number | null;
  status: EntryStatus;
  /** Whether a creator holds the key's lock now. */
  locked: boolean;
  /** Provenance: the origin id (`metadata.o`) of the tab, worker or process that wrote it; `null`: unknown (older entries). */
  origin?: string | null;
  /** How long its creator ran (`ct - st`), ms; `null` for `set()` values or unknown. */
  creationMs?: number | null;
}

/** One Web Lock of the library, as `navigator.locks.query()` reports it. */
export interface LockInfo {
  /** Full lock name. */
  name: string;
  state: 'held' | 'pending';
  mode: 'exclusive' | 'shared';
  /** The browser's client id of the holder or requester (`''` when not reported). */
  clientId: string;
  /** The region whose key this lock guards (inspector id on the reporting page), when known. */
  regionId: string | null;
  /** The stored key it guards, when the lock belongs to a known region. */
  key: string | null;
}

/** A tab or worker of the origin, as the inspectors hear each other. */
export interface PeerInfo {
  /** Its `ORIGIN_ID`. */
  originId: string;
  /** Browser client id, when a lifetime lock ties it to one. */
  clientId: string | null;
  kind: 'window' | 'worker';
  visibility: 'visible' | 'hidden' | 'unknown';
  frozen: boolean;
  /** Whether it reports its invalidations to the watching panel now. */
  listening: boolean;
  /** Names of the regions it inspects. */
  regions: string[];
  /** Their counters that say who did the work, in the order of `regions` (refreshed while a panel watches). */
  work: PeerWork[];
  /** Path of the page (no origin, no query). */
  path: string;
  /** Whether it is the page the panel is attached to. */
  self: boolean;
  /** Epoch ms it was last heard from. */
  seen: number;
}

/** Who did the work in one region of one tab: creator runs, and reads served without one. */
export interface PeerWork {
  creations: number;
  waits: number;
  hits: number;
  misses: number;
}

/** When one tab received an invalidation. */
export interface LedgerReceipt {
  originId: string;
  time: number;
}

/** One invalidation and who saw it. */
export interface LedgerEntry {
  region: string;
  hard: boolean;
  /** The invalidation's own timestamp (identical in every tab). */
  at: number;
  /** Origin id of the tab that issued it, when heard. */
  issuer: string | null;
  /** Epoch ms when the issuer ran it (its local event time). */
  issuedTime: number | null;
  received: LedgerReceipt[];
}

/** A waiter that gave up on a key's lock after `lockTimeout` and created the value itself. */
export interface LockTimeoutInfo {
  originId: string;
  region: string;
  key: string;
  waitedMs: number;
  time: number;
}

/** Everything the panel shows about the origin's other tabs. */
export interface CrossTabInfo {
  /** This page's origin id. */
  selfOrigin: string;
  /** Whether `navigator.locks.query()` answered. */
  locksAvailable: boolean;
  /** Lock names with no known region are left out unless they use the library's prefix. */
  locks: LockInfo[];
  peers: PeerInfo[];
  ledger: LedgerEntry[];
  /** Lock timeouts in this tab and, while the panel watches, in the others. */
  timeouts: LockTimeoutInfo[];
  /** Epoch ms of the query. */
  time: number;
}

/** Storage of one region. */
export interface RegionStorage {
  regionId: string;
  /** Bytes its entries take, approximately; `null` when not listable. */
  bytes: number | null;
  /** True when the count stopped at a budget (at least `bytes`). */
  capped: boolean;
  entries: number | null;
  /** Label of the actual backend. */
  backend: string;
  /** Where the entries live, as `name: value` pairs (database, store, namespace, prefix, lock mode). */
  details: Array<[string, string]>;
}

/** Storage figures of the page. */
export interface StorageInfo {
  regions: RegionStorage[];
  /** `navigator.storage.estimate()`; `null` where unavailable. */
  usage: number | null;
  quota: number | null;
  /** `navigator.storage.persisted()`; `null` where unavailable. */
  persisted: boolean | null;
}


/** One region event as the panel's log shows it. */
export interface EventInfo {
  seq: number;
  regionId: string;
  type: string;
  time: number;
  key?: string;
  hard?: boolean;
  remote?: boolean;
  /** For another tab's `set`/`delete`: the id of the tab or process that wrote. */
  origin?: string;
  durationMs?: number;
  cached?: boolean;
  operation?: string;
  kind?: string;
  message?: string;
}

/** Fields every message carries. */
interface Envelope {
  source: typeof PROTOCOL_SOURCE;
  version: typeof PROTOCOL_VERSION;
}

/** Messages the page sends (inspector to panel). */
export type PageMessage = Envelope & { direction: 'from-page' } & (
    | { type: 'hello'; inspectorId: string; regionCount: number }
    | { type: 'snapshot'; inspectorId: string; requestId: string | null; regions: RegionInfo[] }
    | { type: 'entries'; requestId: string; regionId: string; offset: number; total: number; listable: boolean; reason: string | null; entries: EntryInfo[] }
    | { type: 'value'; requestId: string; regionId: string; key: string; found: boolean; created: number | null; preview: ValuePreview | null }
    | { type: 'events'; events: EventInfo[]; dropped: number; regions: RegionInfo[] }
    | { type: 'result'; requestId: string; ok: boolean; error: string | null }
    | { type: 'crossTab'; requestId: string; info: CrossTabInfo }
    | { type: 'storage'; requestId: string; info: StorageInfo }
  );

/** Commands the panel sends (panel to inspector). */
export type PanelCommand = Envelope & { direction: 'to-page' } & (
    | { type: 'connect' }
    | { type: 'disconnect' }
    | { type: 'getSnapshot'; requestId: string }
    | {
        type: 'getEntries';
        requestId: string;
        regionId: string;
        offset: number;
        limit: number;
        filter: string;
        /** Column to sort by (default `key`, natural order). */
        sort?: EntrySort;
        /** Descending order. */
        desc?: boolean;
        /** Only entries of this status (default: all). */
        status?: EntryStatus;
      }
    | { type: 'getValue'; requestId: string; regionId: string; key: string }
    | { type: 'invalidate'; requestId: string; regionId: string; hard: boolean }
    | { type: 'deleteEntry'; requestId: string; regionId: string; key: string }
    | { type: 'expireEntry'; requestId: string; regionId: string; key: string }
    /** Runs the creator that last made the entry in that page again (see `CacheRegion.regenerateStored`). */
    | { type: 'regenerateEntry'; requestId: string; regionId: string; key: string }
    | { type: 'getCrossTab'; requestId: string }
    | { type: 'getStorage'; requestId: string }
    | { type: 'clearRegion'; requestId: string; regionId: string }
    | { type: 'resetStats'; requestId: string; regionId: string }
  );

/** Distributes `Omit` over a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A page message without its envelope, as the inspector writes it. */
export type PageMessageBody = DistributiveOmit<PageMessage, 'source' | 'version' | 'direction'>;
/** A panel command without its envelope, as the panel writes it. */
export type PanelCommandBody = DistributiveOmit<PanelCommand, 'source' | 'version' | 'direction'>;

/** Wraps a page message body in the protocol envelope. */
export function pageMessage(body: PageMessageBody): PageMessage {
  return { source: PROTOCOL_SOURCE, version: PROTOCOL_VERSION, direction: 'from-page', ...body } as PageMessage;
}

/** Wraps a panel command body in the protocol envelope. */
export function panelCommand(body: PanelCommandBody): PanelCommand {
  return { source: PROTOCOL_SOURCE, version: PROTOCOL_VERSION, direction: 'to-page', ...body } as PanelCommand;
}

// ---------------------------------------------------------------- validation helpers

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own data property only: never a getter, never the prototype chain. */
function field(obj: Obj, name: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(obj, name);
  return descriptor && 'value' in descriptor ? descriptor.value : undefined;
}

function str(obj: Obj, name: string, max = MAX_TEXT): string | undefined {
  const value = field(obj, name);
  return typeof value === 'string' && value.length <= max ? value : undefined;
}

function num(obj: Obj, name: string): number | undefined {
  const value = field(obj, name);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function count(obj: Obj, name: string): number | undefined {
  const value = num(obj, name);
  return value !== undefined && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function bool(obj: Obj, name: string): boolean | undefined {
  const value = field(obj, name);
  return typeof value === 'boolean' ? value : undefined;
}

function nullable<T>(obj: Obj, name: string, read: (obj: Obj, name: string) => T | undefined): T | null | undefined {
  return field(obj, name) === null ? null : read(obj, name);
}

function list<T>(obj: Obj, name: string, max: number, parse: (item: unknown) => T | undefined): T[] | undefined {
  const value = field(obj, name);
  if (!Array.isArray(value) || value.length > max) return undefined;
  return parseList(value, parse);
}

function hasEnvelope(value: unknown, direction: 'from-page' | 'to-page'): value is Obj {
  return (
    isObject(value) &&
    field(value, 'source') === PROTOCOL_SOURCE &&
    field(value, 'version') === PROTOCOL_VERSION &&
    field(value, 'direction') === direction &&
    typeof field(value, 'type') === 'string'
  );
}

/** Whether `value` is tagged as a page message of this protocol version (a cheap check for the relay). */
export function isPageEnvelope(value: unknown): boolean {
  return hasEnvelope(value, 'from-page');
}

/** Whether `value` is tagged as a panel command of this protocol version. */
export function isPanelEnvelope(value: unknown): boolean {
  return hasEnvelope(value, 'to-page');
}

// ---------------------------------------------------------------- parts

function parseStats(value: unknown): StatsInfo | undefined {
  if (!isObject(value)) return undefined;
  const out = {} as StatsInfo;
  for (const name of STAT_NAMES) {
    const n = count(value, name);
    if (n === undefined) return undefined;
    out[name] = n;
  }
  return out;
}

function parseInvalidation(value: unknown): InvalidationInfo | undefined {
  if (!isObject(value)) return undefined;
  const state = field(value, 'state');
  const at = nullable(value, 'at', num);
  if ((state !== 'none' && state !== 'soft' && state !== 'hard') || at === undefined) return undefined;
  return { state, at };
}

/** Validates a {@link RegionInfo}. */
export function parseRegionInfo(value: unknown): RegionInfo | undefined {
  if (!isObject(value)) return undefined;
  const id = str(value, 'id', 64);
  const name = nullable(value, 'name', str);
  const configured = bool(value, 'configured');
  const backend = list(value, 'backend', 16, (item) => (typeof item === 'string' && item.length <= 200 ? item : undefined));
  const expirationTime = nullable(value, 'expirationTime', num);
  const entryCount = nullable(value, 'entryCount', count);
  const invalidation = parseInvalidation(field(value, 'invalidation'));
  const stats = parseStats(field(value, 'stats'));
  if (
    id === undefined ||
    name === undefined ||
    configured === undefined ||
    backend === undefined ||
    expirationTime === undefined ||
    entryCount === undefined ||
    invalidation === undefined ||
    stats === undefined
  ) {
    return undefined;
  }
  const out: RegionInfo = { id, name, configured, backend, expirationTime, entryCount, invalidation, stats };
  const errors = list(value, 'errors', 20, parseErrorInfo);
  if (errors !== undefined) out.errors = errors;
  const lockMode = oneOf(value, 'lockMode', ['web-locks', 'in-process'] as const);
  if (lockMode !== undefined) out.lockMode = lockMode;
  return out;
}

function parseErrorInfo(value: unknown): ErrorInfo | undefined {
  if (!isObject(value)) return undefined;
  const time = num(value, 'time');
  const operation = str(value, 'operation', 100);
  const key = nullable(value, 'key', str);
  const message = str(value, 'message', 1000);
  const stack = nullable(value, 'stack', (obj, n) => str(obj, n, 2000));
  if (time === undefined || operation === undefined || key === undefined || message === undefined || stack === undefined) return undefined;
  return { time, operation, key, message, stack };
}

function parseEntryInfo(value: unknown): EntryInfo | undefined {
  if (!isObject(value)) return undefined;
  const key = str(value, 'key');
  const keyTruncated = bool(value, 'keyTruncated');
  const size = nullable(value, 'size', count);
  const sizeCapped = bool(value, 'sizeCapped');
  const created = nullable(value, 'created', num);
  const expiresAt = nullable(value, 'expiresAt', num);
  const status = field(value, 'status') as EntryStatus;
  const locked = bool(value, 'locked');
  if (
    key === undefined ||
    keyTruncated === undefined ||
    size === undefined ||
    sizeCapped === undefined ||
    created === undefined ||
    expiresAt === undefined ||
    !ENTRY_STATUSES.includes(status) ||
    locked === undefined
  ) {
    return undefined;
  }
  const out: EntryInfo = { key, keyTruncated, size, sizeCapped, created, expiresAt, status, locked };
  // Provenance is optional: pages of an earlier release do not send it.
  const origin = nullable(value, 'origin', (obj, name) => str(obj, name, 100));
  if (origin !== undefined) out.origin = origin;
  const creationMs = nullable(value, 'creationMs', num);
  if (creationMs !== undefined) out.creationMs = creationMs;
  return out;
}

/** Most locks, peers and ledger rows one cross-tab answer carries. */
export const MAX_CROSS_TAB_ITEMS = 1000;

function oneOf<T extends string>(obj: Obj, name: string, values: readonly T[]): T | undefined {
  const value = field(obj, name);
  return values.includes(value as T) ? (value as T) : undefined;
}

function shortText(item: unknown, max = 200): string | undefined {
  return typeof item === 'string' && item.length <= max ? item : undefined;
}

function parseLockInfo(value: unknown): LockInfo | undefined {
  if (!isObject(value)) return undefined;
  const name = str(value, 'name');
  const state = oneOf(value, 'state', ['held', 'pending'] as const);
  const mode = oneOf(value, 'mode', ['exclusive', 'shared'] as const);
  const clientId = str(value, 'clientId', 200);
  const regionId = nullable(value, 'regionId', (obj, n) => str(obj, n, 64));
  const key = nullable(value, 'key', str);
  if (name === undefined || state === undefined || mode === undefined || clientId === undefined || regionId === undefined || key === undefined) return undefined;
  return { name, state, mode, clientId, regionId, key };
}

function parsePeerInfo(value: unknown): PeerInfo | undefined {
  if (!isObject(value)) return undefined;
  const originId = str(value, 'originId', 100);
  const clientId = nullable(value, 'clientId', (obj, n) => str(obj, n, 200));
  const kind = oneOf(value, 'kind', ['window', 'worker'] as const);
  const visibility = oneOf(value, 'visibility', ['visible', 'hidden', 'unknown'] as const);
  const frozen = bool(value, 'frozen');
  const listening = bool(value, 'listening');
  const regions = list(value, 'regions', MAX_REGIONS, (item) => shortText(item, MAX_TEXT));
  const work = list(value, 'work', MAX_REGIONS, parseWork);
  const path = str(value, 'path', 2000);
  const self = bool(value, 'self');
  const seen = num(value, 'seen');
  if (
    originId === undefined ||
    clientId === undefined ||
    kind === undefined ||
    visibility === undefined ||
    frozen === undefined ||
    listening === undefined ||
    regions === undefined ||
    work === undefined ||
    path === undefined ||
    self === undefined ||
    seen === undefined
  ) {
    return undefined;
  }
  return { originId, clientId, kind, visibility, frozen, listening, regions, work, path, self, seen };
}

/** Validates one region's work counters (shared with the peer channel). */
export function parseWork(value: unknown): PeerWork | undefined {
  if (!isObject(value)) return undefined;
  const creations = count(value, 'creations');
  const waits = count(value, 'waits');
  const hits = count(value, 'hits');
  const misses = count(value, 'misses');
  if (creations === undefined || waits === undefined || hits === undefined || misses === undefined) return undefined;
  return { creations, waits, hits, misses };
}

function parseReceipt(value: unknown): LedgerReceipt | undefined {
  if (!isObject(value)) return undefined;
  const originId = str(value, 'originId', 100);
  const time = num(value, 'time');
  return originId === undefined || time === undefined ? undefined : { originId, time };
}

function parseLedgerEntry(value: unknown): LedgerEntry | undefined {
  if (!isObject(value)) return undefined;
  const region = str(value, 'region');
  const hard = bool(value, 'hard');
  const at = num(value, 'at');
  const issuer = nullable(value, 'issuer', (obj, n) => str(obj, n, 100));
  const issuedTime = nullable(value, 'issuedTime', num);
  const received = list(value, 'received', 100, parseReceipt);
  if (region === undefined || hard === undefined || at === undefined || issuer === undefined || issuedTime === undefined || received === undefined) return undefined;
  return { region, hard, at, issuer, issuedTime, received };
}

function parseTimeout(value: unknown): LockTimeoutInfo | undefined {
  if (!isObject(value)) return undefined;
  const originId = str(value, 'originId', 100);
  const region = str(value, 'region');
  const key = str(value, 'key');
  const waitedMs = num(value, 'waitedMs');
  const time = num(value, 'time');
  if (originId === undefined || region === undefined || key === undefined || waitedMs === undefined || time === undefined) return undefined;
  return { originId, region, key, waitedMs, time };
}

function parseCrossTab(value: unknown): CrossTabInfo | undefined {
  if (!isObject(value)) return undefined;
  const timeouts = list(value, 'timeouts', MAX_CROSS_TAB_ITEMS, parseTimeout);
  const selfOrigin = str(value, 'selfOrigin', 100);
  const locksAvailable = bool(value, 'locksAvailable');
  const locks = list(value, 'locks', MAX_CROSS_TAB_ITEMS, parseLockInfo);
  const peers = list(value, 'peers', MAX_CROSS_TAB_ITEMS, parsePeerInfo);
  const ledger = list(value, 'ledger', MAX_CROSS_TAB_ITEMS, parseLedgerEntry);
  const time = num(value, 'time');
  if (selfOrigin === undefined || locksAvailable === undefined || locks === undefined || peers === undefined || ledger === undefined || timeouts === undefined || time === undefined) return undefined;
  return { selfOrigin, locksAvailable, locks, peers, ledger, timeouts, time };
}

function parseDetail(item: unknown): [string, string] | undefined {
  if (!Array.isArray(item) || item.length !== 2) return undefined;
  const [name, text] = item as unknown[];
  const a = shortText(name, 100);
  const b = shortText(text, 1000);
  return a === undefined || b === undefined ? undefined : [a, b];
}

function parseRegionStorage(value: unknown): RegionStorage | undefined {
  if (!isObject(value)) return undefined;
  const regionId = str(value, 'regionId', 64);
  const bytes = nullable(value, 'bytes', count);
  const capped = bool(value, 'capped');
  const entries = nullable(value, 'entries', count);
  const backend = str(value, 'backend', 200);
  const details = list(value, 'details', 16, parseDetail);
  if (regionId === undefined || bytes === undefined || capped === undefined || entries === undefined || backend === undefined || details === undefined) return undefined;
  return { regionId, bytes, capped, entries, backend, details };
}

function parseStorage(value: unknown): StorageInfo | undefined {
  if (!isObject(value)) return undefined;
  const regions = list(value, 'regions', MAX_REGIONS, parseRegionStorage);
  const usage = nullable(value, 'usage', count);
  const quota = nullable(value, 'quota', count);
  const persisted = nullable(value, 'persisted', bool);
  if (regions === undefined || usage === undefined || quota === undefined || persisted === undefined) return undefined;
  return { regions, usage, quota, persisted };
}

function parseEventInfo(value: unknown): EventInfo | undefined {
  if (!isObject(value)) return undefined;
  const seq = count(value, 'seq');
  const regionId = str(value, 'regionId', 64);
  const type = str(value, 'type', 32);
  const time = num(value, 'time');
  if (seq === undefined || regionId === undefined || type === undefined || time === undefined) return undefined;
  const out: EventInfo = { seq, regionId, type, time };
  // Optional fields: kept when well-typed, dropped otherwise.
  const key = str(value, 'key');
  if (key !== undefined) out.key = key;
  for (const name of ['hard', 'remote', 'cached'] as const) {
    const b = bool(value, name);
    if (b !== undefined) out[name] = b;
  }
  const durationMs = num(value, 'durationMs');
  if (durationMs !== undefined) out.durationMs = durationMs;
  const origin = str(value, 'origin', 100);
  if (origin !== undefined) out.origin = origin;
  for (const name of ['operation', 'kind', 'message'] as const) {
    const s = str(value, name);
    if (s !== undefined) out[name] = s;
  }
  return out;
}

// ---------------------------------------------------------------- messages

/**
 * Validates a message from the page. Returns a clean copy, or `undefined`
 * for anything that is not a well-formed page message of this version.
 */
export function parsePageMessage(value: unknown): PageMessage | undefined {
  if (!hasEnvelope(value, 'from-page')) return undefined;
  const body = parsePageBody(value);
  return body && pageMessage(body);
}

function parsePageBody(value: Obj): PageMessageBody | undefined {
  switch (field(value, 'type')) {
    case 'hello': {
      const inspectorId = str(value, 'inspectorId', 64);
      const regionCount = count(value, 'regionCount');
      return inspectorId !== undefined && regionCount !== undefined ? { type: 'hello', inspectorId, regionCount } : undefined;
    }
    case 'snapshot': {
      const inspectorId = str(value, 'inspectorId', 64);
      const requestId = nullable(value, 'requestId', (obj, name) => str(obj, name, 64));
      const regions = list(value, 'regions', MAX_REGIONS, parseRegionInfo);
      if (inspectorId === undefined || requestId === undefined || regions === undefined) return undefined;
      return { type: 'snapshot', inspectorId, requestId, regions };
    }
    case 'entries': {
      const requestId = str(value, 'requestId', 64);
      const regionId = str(value, 'regionId', 64);
      const offset = count(value, 'offset');
      const total = count(value, 'total');
      const listable = bool(value, 'listable');
      const reason = nullable(value, 'reason', str);
      const entries = list(value, 'entries', MAX_PAGE_SIZE, parseEntryInfo);
      if (
        requestId === undefined ||
        regionId === undefined ||
        offset === undefined ||
        total === undefined ||
        listable === undefined ||
        reason === undefined ||
        entries === undefined
      ) {
        return undefined;
      }
      return { type: 'entries', requestId, regionId, offset, total, listable, reason, entries };
    }
    case 'value': {
      const requestId = str(value, 'requestId', 64);
      const regionId = str(value, 'regionId', 64);
      const key = str(value, 'key');
      const found = bool(value, 'found');
      const created = nullable(value, 'created', num);
      const rawPreview = field(value, 'preview');
      const preview = rawPreview === null ? null : parsePreview(rawPreview);
      if (requestId === undefined || regionId === undefined || key === undefined || found === undefined || created === undefined || preview === undefined) {
        return undefined;
      }
      return { type: 'value', requestId, regionId, key, found, created, preview };
    }
    case 'events': {
      const events = list(value, 'events', MAX_EVENTS_PER_BATCH, parseEventInfo);
      const dropped = count(value, 'dropped');
      const regions = list(value, 'regions', MAX_REGIONS, parseRegionInfo);
      if (events === undefined || dropped === undefined || regions === undefined) return undefined;
      return { type: 'events', events, dropped, regions };
    }
    case 'result': {
      const requestId = str(value, 'requestId', 64);
      const ok = bool(value, 'ok');
      const error = nullable(value, 'error', str);
      if (requestId === undefined || ok === undefined || error === undefined) return undefined;
      return { type: 'result', requestId, ok, error };
    }
    case 'crossTab': {
      const requestId = str(value, 'requestId', 64);
      const info = parseCrossTab(field(value, 'info'));
      return requestId === undefined || info === undefined ? undefined : { type: 'crossTab', requestId, info };
    }
    case 'storage': {
      const requestId = str(value, 'requestId', 64);
      const info = parseStorage(field(value, 'info'));
      return requestId === undefined || info === undefined ? undefined : { type: 'storage', requestId, info };
    }
    default:
      return undefined;
  }
}

/**
 * Validates a command from the panel. Returns a clean copy, or `undefined`
 * for anything that is not a well-formed command of this version.
 */
export function parsePanelCommand(value: unknown): PanelCommand | undefined {
  if (!hasEnvelope(value, 'to-page')) return undefined;
  const body = parsePanelBody(value);
  return body && panelCommand(body);
}

function parsePanelBody(value: Obj): PanelCommandBody | undefined {
  const type = field(value, 'type');
  if (type === 'connect' || type === 'disconnect') return { type };
  const requestId = str(value, 'requestId', 64);
  if (requestId === undefined) return undefined;
  if (type === 'getSnapshot' || type === 'getCrossTab' || type === 'getStorage') return { type, requestId };
  const regionId = str(value, 'regionId', 64);
  if (regionId === undefined) return undefined;
  switch (type) {
    case 'getEntries': {
      const offset = count(value, 'offset');
      const limit = count(value, 'limit');
      const filter = str(value, 'filter', 1000);
      if (offset === undefined || limit === undefined || filter === undefined) return undefined;
      const out: PanelCommandBody = { type, requestId, regionId, offset, limit: Math.min(limit, MAX_PAGE_SIZE), filter };
      // Optional: absent means the defaults; present but malformed drops the command.
      if (field(value, 'sort') !== undefined) {
        const sort = oneOf(value, 'sort', ENTRY_SORTS);
        if (sort === undefined) return undefined;
        out.sort = sort;
      }
      if (field(value, 'desc') !== undefined) {
        const desc = bool(value, 'desc');
        if (desc === undefined) return undefined;
        out.desc = desc;
      }
      if (field(value, 'status') !== undefined) {
        const status = oneOf(value, 'status', ENTRY_STATUSES);
        if (status === undefined) return undefined;
        out.status = status;
      }
      return out;
    }
    case 'getValue':
    case 'deleteEntry':
    case 'expireEntry':
    case 'regenerateEntry': {
      const key = str(value, 'key');
      return key === undefined ? undefined : { type, requestId, regionId, key };
    }
    case 'invalidate': {
      const hard = bool(value, 'hard');
      return hard === undefined ? undefined : { type, requestId, regionId, hard };
    }
    case 'clearRegion':
    case 'resetStats':
      return { type, requestId, regionId };
    default:
      return undefined;
  }
}
