// One tab of the cross-tab tests: exposes the library and small helpers as
// `window.dc`. Tests drive several of these pages in one browser context.
import * as dogpile from 'dogpile-cache';
import * as browser from 'dogpile-cache/browser';
import { runConformance, type ConformanceResult, type ConformanceTarget } from '../../../test/conformance/backend-suite.js';
import { decodeEntry, encodeEntry } from '../../../src/browser/local-storage/entry.js';
import { describeValue, storableValues, unstorableValues } from '../../../test/conformance/value-fidelity.js';

type BackendName = 'localstorage' | 'indexeddb';

/** What a test asks a tab to set up. */
export interface TabRegionOptions {
  backend: BackendName;
  name?: string;
  args?: Record<string, unknown>;
  expirationTime?: number;
  /** Regenerate expired values in the background (returns the stale value at once). */
  asyncRunner?: boolean;
  /** The region's `lockTimeout`. */
  lockTimeout?: number;
  /** A region clock that always says this time (epoch ms): for invalidations in the same millisecond. */
  fixedNow?: number;
  /** Every read of the backend answers this many ms late, with what was stored when it started. */
  readDelayMs?: number;
  /** The region's `version` (a deploy buster). */
  version?: string;
}

/**
 * Reads answered late: the value as it was when the read started, given
 * `delayMs` later, and not before the test lets held reads go ({@link hold}).
 * Logs when each read started.
 */
class LateReads extends dogpile.ProxyBackend {
  readonly startedAt: number[] = [];
  readonly #delayMs: number;
  #held: { promise: Promise<void>; release: () => void } | undefined;
  constructor(delayMs: number) {
    super();
    this.#delayMs = delayMs;
  }
  /** From now on, reads answer only once {@link release} is called. */
  hold(): void {
    if (this.#held) return;
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.#held = { promise, release };
  }
  /** Lets the held reads answer, and the next ones too. */
  release(): void {
    this.#held?.release();
    this.#held = undefined;
  }
  override async get(key: string) {
    this.startedAt.push(Date.now());
    const value = await this.proxied.get(key);
    await this.#late();
    return value;
  }
  override async getMulti(keys: readonly string[]) {
    this.startedAt.push(Date.now());
    const values = await this.proxied.getMulti(keys);
    await this.#late();
    return values;
  }
  async #late(): Promise<void> {
    const held = this.#held;
    await sleep(this.#delayMs);
    await held?.promise;
  }
}

/** A summary of one region event, kept for the test to read. */
export interface SeenEvent {
  type: string;
  key?: string;
  kind?: string;
  operation?: string;
  hard?: boolean;
  remote?: boolean;
  error?: string;
  /** For remote sets: the value's creation time. */
  ct?: number;
  /** For remote changes: the tab that made them, when known. */
  origin?: string;
  /** For remote sets: who ran the value's creator, and how long it took, when known. */
  createdBy?: string;
  creationMs?: number;
  /** When the event was emitted (epoch ms, shared by the tabs of a browser). */
  at?: number;
}

const regions = new Map<string, dogpile.CacheRegion>();
const events = new Map<string, SeenEvent[]>();
/** Creator calls made in this tab, by region id. */
const calls = new Map<string, number>();
/** Creators that wait for the test to let them finish, by region id and key. */
const gates = new Map<string, () => void>();

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function summarize(event: dogpile.RegionEvent): SeenEvent {
  const seen: SeenEvent = { type: event.type };
  if ('key' in event && event.key !== undefined) seen.key = event.key;
  if (event.type === 'notice') seen.kind = event.kind;
  if (event.type === 'error') {
    seen.operation = event.operation;
    seen.error = event.error instanceof Error ? event.error.name : String(event.error);
  }
  if (event.type === 'invalidated') {
    seen.hard = event.hard;
    seen.remote = event.remote;
  }
  if (event.type === 'set' || event.type === 'delete') {
    seen.remote = event.remote;
    seen.at = performance.timeOrigin + performance.now();
    if (event.type === 'set' && event.ct !== undefined) seen.ct = event.ct;
    if (event.type === 'set' && event.createdBy !== undefined) seen.createdBy = event.createdBy;
    if (event.type === 'set' && event.creationMs !== undefined) seen.creationMs = event.creationMs;
    if (event.origin !== undefined) seen.origin = event.origin;
  }
  return seen;
}

function setup(id: string, options: TabRegionOptions): void {
  const fixedNow = options.fixedNow;
  const region = dogpile.makeRegion({
    name: options.name ?? id,
    lockTimeout: options.lockTimeout,
    version: options.version,
    now: fixedNow === undefined ? undefined : () => fixedNow,
    asyncCreationRunner: options.asyncRunner
      ? (r, key, creator, mutex) => {
          void (async () => {
            try {
              await r.set(key, await creator());
            } finally {
              mutex.release();
            }
          })();
        }
      : undefined,
  });
  const seen: SeenEvent[] = [];
  events.set(id, seen);
  region.subscribe((event) => seen.push(summarize(event)));
  region.configure(options.backend, {
    expirationTime: options.expirationTime,
    arguments: options.args,
    wrap: options.readDelayMs ? [new LateReads(options.readDelayMs)] : undefined,
  });
  regions.set(id, region);
  calls.set(id, 0);
  listenForTabAnnouncements(id, options.name ?? id);
}

/**
 * Which tabs have announced a tag (for a stampede: all its callers of a key
 * missed; all its callers started), by region id and tag: told between the
 * tabs of a test on a channel opened at setup (before any stampede starts,
 * so no tab's news is lost).
 */
const tabAnnouncements = new Map<string, { channel: BroadcastChannel; tabs: Map<string, Set<string>>; changed: Set<() => void> }>();

function listenForTabAnnouncements(id: string, name: string): void {
  tabAnnouncements.get(id)?.channel.close();
  const state = { channel: new BroadcastChannel(`dc-stampede:${name}`), tabs: new Map<string, Set<string>>(), changed: new Set<() => void>() };
  state.channel.onmessage = (event: MessageEvent) => {
    const { key, tab } = event.data as { key: string; tab: string };
    noteAnnounced(state, key, tab);
  };
  tabAnnouncements.set(id, state);
}

function noteAnnounced(state: NonNullable<ReturnType<typeof tabAnnouncements.get>>, key: string, tab: string): void {
  const tabs = state.tabs.get(key) ?? new Set<string>();
  tabs.add(tab);
  state.tabs.set(key, tabs);
  for (const notify of state.changed) notify();
}

/** Tells every tab (this one too) that this tab has reached `key` (a tag). */
function announceToTabs(id: string, key: string): void {
  const state = tabAnnouncements.get(id)!;
  const tab = browser.tabId();
  noteAnnounced(state, key, tab);
  state.channel.postMessage({ key, tab });
}

/**
 * Resolves once `count` tabs have announced `key` (a tag), or after
 * `giveUpMs` (then the test's own checks say which tab did not get there).
 */
function allTabsAnnounced(id: string, key: string, count: number, giveUpMs = 20_000): Promise<void> {
  const state = tabAnnouncements.get(id)!;
  return new Promise<void>((resolve) => {
    const check = () => {
      if ((state.tabs.get(key)?.size ?? 0) < count) return;
      state.changed.delete(check);
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      state.changed.delete(check);
      resolve();
    }, giveUpMs);
    state.changed.add(check);
    check();
  });
}

function region(id: string): dogpile.CacheRegion {
  const found = regions.get(id);
  if (!found) throw new Error(`no region "${id}" in this tab`);
  return found;
}

/** When the creators of this tab finished (epoch ms), by region id. */
const creatorsEnded = new Map<string, number[]>();

/** A creator that counts its calls and takes `ms` to make `value`. */
function countingCreator(id: string, value: unknown, ms: number): () => Promise<unknown> {
  return async () => {
    calls.set(id, (calls.get(id) ?? 0) + 1);
    await sleep(ms);
    creatorsEnded.set(id, [...(creatorsEnded.get(id) ?? []), Date.now()]);
    return value;
  };
}

async function rendezvous(startAt: number): Promise<void> {
  while (Date.now() < startAt) await sleep(Math.min(5, startAt - Date.now()));
}

/** What one tab did in a stampede. */
export interface StampedeResult {
  calls: number;
  values: unknown[];
  /** When this tab's callers started (epoch ms). */
  startedAt: number;
  /** When this tab's creator finished, if it ran one. */
  creatorEndedAt: number | undefined;
  /** Misses and waits counted meanwhile: a caller that waited for another's creator counts one of each. */
  misses: number;
  waits: number;
}

/**
 * `callers` concurrent getOrCreate of `key`, all started at `startAt` (epoch
 * ms). With `tabs`, the stampede is one of that many tabs' (each calling this
 * with the same key): the creator, in whichever tab it runs, finishes only
 * once every one of those tabs' callers has missed, so that all of them
 * contend however late a busy machine starts one of the tabs.
 */
async function stampede(id: string, key: string, options: { callers: number; creatorMs: number; startAt: number; value: unknown; tabs?: number }): Promise<StampedeResult> {
  const r = region(id);
  const before = calls.get(id) ?? 0;
  const endedBefore = creatorsEnded.get(id)?.length ?? 0;
  await rendezvous(options.startAt);
  const stats = r.stats;
  const startedAt = Date.now();
  const tabs = options.tabs;
  const counting = countingCreator(id, options.value, options.creatorMs);
  let creator = counting;
  if (tabs !== undefined) {
    let missed = 0;
    const unsubscribe = r.subscribe((event) => {
      if (event.type !== 'miss' || event.key !== key || ++missed < options.callers) return;
      unsubscribe();
      announceToTabs(id, key);
    });
    creator = async () => {
      await allTabsAnnounced(id, key, tabs);
      return counting();
    };
  }
  const values = await Promise.all(Array.from({ length: options.callers }, () => r.getOrCreate(key, creator)));
  const after = r.stats;
  return {
    calls: (calls.get(id) ?? 0) - before,
    values: [...new Set(values.map((v) => JSON.stringify(v)))],
    startedAt,
    creatorEndedAt: creatorsEnded.get(id)?.[endedBefore],
    misses: after.misses - stats.misses,
    waits: after.waits - stats.waits,
  };
}

/** What one tab did in a multi-key stampede. */
export interface MultiStampedeResult {
  /** The keys this tab's creator was given, in order. */
  created: string[];
  values: unknown[];
  startedAt: number;
  creatorEndedAt: number | undefined;
}

/**
 * One getOrCreateMulti of `keys` started at `startAt`, with a creator that
 * takes `creatorMs`. With `tabs`, one of that many tabs' (each calling this
 * with the same keys): a creator finishes only once all of them have started.
 */
async function multiStampede(id: string, keys: string[], options: { creatorMs: number; startAt: number; tabs?: number }): Promise<MultiStampedeResult> {
  const created: string[] = [];
  let creatorEndedAt: number | undefined;
  await rendezvous(options.startAt);
  const startedAt = Date.now();
  const barrier = `multi:${keys.join(',')}`;
  if (options.tabs !== undefined) announceToTabs(id, barrier);
  const values = await region(id).getOrCreateMulti(keys, async (...missing) => {
    created.push(...missing);
    if (options.tabs !== undefined) await allTabsAnnounced(id, barrier, options.tabs);
    await sleep(options.creatorMs);
    creatorEndedAt ??= Date.now();
    return missing.map((key) => `${key}:new`);
  });
  return { created, values, startedAt, creatorEndedAt };
}

/** `region.get`, with a miss as the string `'<none>'` (a symbol cannot leave the page). */
async function get(id: string, key: string): Promise<unknown> {
  const value = await region(id).get(key);
  return value === dogpile.NO_VALUE ? '<none>' : value;
}

/** The late reads of a region set up with `readDelayMs`. */
function lateReads(id: string): LateReads {
  const backend = region(id).backend;
  if (!(backend instanceof LateReads)) throw new Error(`region "${id}" was set up without readDelayMs`);
  return backend;
}

/** When the reads of a region with `readDelayMs` started (epoch ms). */
function readsStartedAt(id: string): number[] {
  const backend = region(id).backend;
  return backend instanceof LateReads ? [...backend.startedAt] : [];
}

/** Stores `value` under `key` as if it had been created `ageMs` ago. */
async function storeAged(id: string, key: string, value: unknown, ageMs: number): Promise<void> {
  const { CachedValue, VALUE_VERSION } = dogpile;
  await region(id).actualBackend.set(key, new CachedValue(value, { ct: Date.now() - ageMs, v: VALUE_VERSION }));
}

/**
 * Replaces `Date.now` and `performance.now` with a clock the test moves
 * ({@link advanceTime}), starting at `wallStart` (epoch ms).
 */
function useManualTime(wallStart: number): void {
  const state = { wall: wallStart, elapsed: performance.now() };
  (window as unknown as { __time: typeof state }).__time = state;
  Date.now = () => state.wall;
  performance.now = () => state.elapsed;
}

/** Moves the manual clock on by `ms`; the wall clock also jumps by `wallStep` (negative: set back). */
function advanceTime(ms: number, wallStep = 0): void {
  const state = (window as unknown as { __time: { wall: number; elapsed: number } }).__time;
  state.elapsed += ms;
  state.wall += ms + wallStep;
}

/**
 * Starts a getOrCreate whose creator blocks until {@link openGate} (or forever).
 * Resolves once the creator has started; the getOrCreate result is kept in `pending`.
 */
const pending = new Map<string, Promise<unknown>>();
function startGatedCreate(id: string, key: string, value: unknown): Promise<void> {
  return new Promise<void>((started) => {
    const result = region(id).getOrCreate(key, async () => {
      calls.set(id, (calls.get(id) ?? 0) + 1);
      started();
      await new Promise<void>((open) => gates.set(`${id}|${key}`, open));
      return value;
    });
    pending.set(`${id}|${key}`, result);
    // If the value was found without creating, there is nothing to wait for.
    void result.then(() => started());
  });
}

function openGate(id: string, key: string): Promise<unknown> {
  gates.get(`${id}|${key}`)?.();
  return pending.get(`${id}|${key}`)!;
}

async function conformance(backend: BackendName): Promise<ConformanceResult[]> {
  let n = 0;
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const target: ConformanceTarget = {
    name: backend,
    create: () => {
      n++;
      return backend === 'localstorage'
        ? new browser.LocalStorageBackend({ prefix: `conf-${run}-${n}:` })
        : new browser.IndexedDBBackend({ dbName: `conf-${run}`, namespace: `check-${n}` });
    },
    createCapped: (maxEntries) => {
      n++;
      return backend === 'localstorage'
        ? new browser.LocalStorageBackend({ prefix: `conf-${run}-${n}:`, maxEntries })
        : new browser.IndexedDBBackend({ dbName: `conf-${run}`, namespace: `check-${n}`, maxEntries });
    },
    dispose: async (b) => {
      if (b instanceof browser.LocalStorageBackend) {
        for (const key of Object.keys(localStorage)) if (key.startsWith(b.prefix)) localStorage.removeItem(key);
      } else if (b instanceof browser.IndexedDBBackend) {
        await b.deleteMulti(await b.keys());
        await b.close();
      }
    },
  };
  return runConformance(target);
}

/** Stores every value of the fidelity table; returns their descriptions as written. */
async function writeFidelity(id: string): Promise<Record<string, unknown>> {
  const r = region(id);
  const described: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(storableValues())) {
    await r.set(name, value);
    described[name] = describeValue(value);
  }
  return described;
}

/** Reads the fidelity table back: each value's description, or `'NO_VALUE'`. */
async function readFidelity(id: string): Promise<Record<string, unknown>> {
  const r = region(id);
  const described: Record<string, unknown> = {};
  for (const name of Object.keys(storableValues())) {
    const value = await r.get(name);
    described[name] = value === dogpile.NO_VALUE ? 'NO_VALUE' : describeValue(value);
  }
  return described;
}

/** Tries to store each value that must be refused; reports what `set` rejected with, and whether anything was stored. */
async function tryUnstorable(id: string): Promise<Record<string, { error: string; message: string; stored: boolean }>> {
  const r = region(id);
  const div = document.createElement('div');
  const values: Record<string, unknown> = { ...unstorableValues(), 'DOM node': div, 'DOM node field': { el: document.body }, 'Window': window };
  const out: Record<string, { error: string; message: string; stored: boolean }> = {};
  for (const [name, value] of Object.entries(values)) {
    const key = `refused ${name}`;
    let error = 'none';
    let message = '';
    try {
      await r.set(key, value);
    } catch (e) {
      error = e instanceof Error ? e.name : String(e);
      message = e instanceof Error ? e.message : '';
      if (!(e instanceof dogpile.ValueNotStorableError)) error += ' (not a ValueNotStorableError)';
    }
    out[name] = { error, message, stored: (await r.get(key)) !== dogpile.NO_VALUE };
  }
  return out;
}

/**
 * Plays a change message that arrives late, as another tab ("late-tab") would
 * send it: for localStorage an entry written with creation time `ct`, for
 * IndexedDB a post on the backend's change channel.
 */
function playLateChange(backend: BackendName, where: { prefix?: string; dbName?: string; namespace: string }, key: string, ct: number): void {
  if (backend === 'localstorage') {
    const value = new dogpile.CachedValue('late', { ct, v: dogpile.VALUE_VERSION });
    localStorage.setItem(`${where.prefix}${where.namespace}|${key}`, encodeEntry(value, `${Math.floor(ct).toString(36)}-late`, 'late-tab'));
    return;
  }
  const channel = new BroadcastChannel(`dogpile-cache:changes:idb:${encodeURIComponent(where.dbName!)}/entries/${where.namespace}`);
  channel.postMessage({ tag: 'dogpile-cache.change', origin: 'late-tab', changes: [{ kind: 'set', key, time: ct }] });
  channel.close();
}

const harness = {
  dogpile,
  browser,
  regions,
  setup,
  region,
  calls: (id: string) => calls.get(id) ?? 0,
  events: (id: string) => events.get(id) ?? [],
  countingCreator,
  stampede,
  multiStampede,
  get,
  readsStartedAt,
  /** Holds the answers of the late reads of region `id` (set up with `readDelayMs`) until {@link releaseReads}. */
  holdReads: (id: string) => lateReads(id).hold(),
  releaseReads: (id: string) => lateReads(id).release(),
  storeAged,
  useManualTime,
  advanceTime,
  creatorsEnded: (id: string) => creatorsEnded.get(id) ?? [],
  startGatedCreate,
  openGate,
  conformance,
  writeFidelity,
  readFidelity,
  tryUnstorable,
  playLateChange,
  /** The localStorage entry format, for tests that write or inspect raw entries. */
  entries: { encode: encodeEntry, decode: decodeEntry },
  tabId: browser.tabId,
  now: () => performance.timeOrigin + performance.now(),
  sleep,
};

declare global {
  interface Window {
    dc: typeof harness;
  }
}

window.dc = harness;
