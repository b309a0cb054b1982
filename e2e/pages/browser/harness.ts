// One tab of the cross-tab tests: exposes the library and small helpers as
// `window.dc`. Tests drive several of these pages in one browser context.
import * as dogpile from 'dogpile-cache';
import * as browser from 'dogpile-cache/browser';
import { runConformance, type ConformanceResult, type ConformanceTarget } from '../../../test/conformance/backend-suite.js';

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
}

/** Reads answered late: the value as it was when the read started. Logs when each read started. */
class LateReads extends dogpile.ProxyBackend {
  readonly startedAt: number[] = [];
  readonly #delayMs: number;
  constructor(delayMs: number) {
    super();
    this.#delayMs = delayMs;
  }
  override async get(key: string) {
    this.startedAt.push(Date.now());
    const value = await this.proxied.get(key);
    await sleep(this.#delayMs);
    return value;
  }
  override async getMulti(keys: readonly string[]) {
    this.startedAt.push(Date.now());
    const values = await this.proxied.getMulti(keys);
    await sleep(this.#delayMs);
    return values;
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
  return seen;
}

function setup(id: string, options: TabRegionOptions): void {
  const fixedNow = options.fixedNow;
  const region = dogpile.makeRegion({
    name: options.name ?? id,
    lockTimeout: options.lockTimeout,
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

/** `callers` concurrent getOrCreate of `key`, all started at `startAt` (epoch ms). */
async function stampede(id: string, key: string, options: { callers: number; creatorMs: number; startAt: number; value: unknown }): Promise<StampedeResult> {
  const r = region(id);
  const before = calls.get(id) ?? 0;
  const endedBefore = creatorsEnded.get(id)?.length ?? 0;
  await rendezvous(options.startAt);
  const stats = r.stats;
  const startedAt = Date.now();
  const creator = countingCreator(id, options.value, options.creatorMs);
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

/** One getOrCreateMulti of `keys` started at `startAt`, with a creator that takes `creatorMs`. */
async function multiStampede(id: string, keys: string[], options: { creatorMs: number; startAt: number }): Promise<MultiStampedeResult> {
  const created: string[] = [];
  let creatorEndedAt: number | undefined;
  await rendezvous(options.startAt);
  const startedAt = Date.now();
  const values = await region(id).getOrCreateMulti(keys, async (...missing) => {
    created.push(...missing);
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
  storeAged,
  useManualTime,
  advanceTime,
  creatorsEnded: (id: string) => creatorsEnded.get(id) ?? [],
  startGatedCreate,
  openGate,
  conformance,
  sleep,
};

declare global {
  interface Window {
    dc: typeof harness;
  }
}

window.dc = harness;
