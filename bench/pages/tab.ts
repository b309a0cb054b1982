/**
 * One tab of the cross-tab benchmark (suite 4). The runner opens four of
 * these in one browser context, arms them for a round, and starts the round
 * from the first tab, which tells the others over a BroadcastChannel. Every
 * tab then starts 50 concurrent get-or-create calls of the round's key with
 * a 50 ms creator, and records when its creator finished and when each of
 * its callers got the value, on the clock shared by the tabs
 * (`performance.timeOrigin + performance.now()`).
 *
 * It also hosts the floor: a raw Web Locks hand-off between two pages.
 *
 * @module
 */
import { makeRegion, type CacheRegion } from 'dogpile-cache';
import 'dogpile-cache/browser';
import { LRUCache } from 'lru-cache';

/** Concurrent callers per tab. */
export const CALLERS_PER_TAB = 50;
/** How long the creator takes. */
export const CREATOR_MS = 50;

/** A tab's account of one round. */
export interface TabRound {
  creatorCalls: number;
  /** When this tab's creator returned (shared clock, ms); absent when it did not run here. */
  creatorDoneAt?: number;
  /** When the first of this tab's callers got the value. */
  firstValueAt: number;
  /** When the last of this tab's callers got the value. */
  lastValueAt: number;
  /** When the last of this tab's callers that did not run the creator (waiters) got the value. */
  lastWaiterAt: number;
  /** Every caller got the round's value. */
  consistent: boolean;
}

/** What the runner calls in each tab. */
export interface TabBench {
  /** Prepares this tab for `mode`: `dogpile-indexeddb`, `dogpile-localstorage` or `lru-cache`. */
  setup(mode: string): Promise<void>;
  /** Waits for the start signal of `round`; resolves when this tab is listening. */
  arm(round: number): void;
  /** Starts `round` in every armed tab (call in one tab). */
  go(round: number): void;
  /** This tab's account of `round`, once its callers all have the value. */
  result(round: number): Promise<TabRound>;
  /** Web Locks floor: takes lock `name` and holds it until {@link handOff}. */
  hold(name: string): Promise<void>;
  /** Web Locks floor: asks for lock `name`; records when it is granted. */
  request(name: string): void;
  /** Web Locks floor: waits until another page queues for `name`, releases it, and returns when it released. */
  handOff(name: string): Promise<number>;
  /** Web Locks floor: when the lock asked for by {@link request} was granted. */
  granted(): Promise<number>;
}

declare global {
  interface Window {
    tab: TabBench;
  }
}

const sharedNow = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type GetOrCreate = (key: string, creator: () => Promise<string>) => Promise<string>;

let getOrCreate: GetOrCreate | undefined;
let region: CacheRegion | undefined;
const channel = new BroadcastChannel('bench-cross-tab');
const rounds = new Map<number, Promise<TabRound>>();
const armed = new Map<number, () => void>();

channel.onmessage = (event: MessageEvent<{ go: number }>) => armed.get(event.data.go)?.();

function runRound(round: number): Promise<TabRound> {
  const key = `round:${round}`;
  let creatorCalls = 0;
  let creatorDoneAt: number | undefined;
  const creator = async () => {
    creatorCalls++;
    await sleep(CREATOR_MS);
    creatorDoneAt = sharedNow();
    return key;
  };
  let firstValueAt = Infinity;
  let lastValueAt = 0;
  let lastWaiterAt = 0;
  const calls = Array.from({ length: CALLERS_PER_TAB }, () => {
    let created = false;
    const own = () => {
      created = true;
      return creator();
    };
    return getOrCreate!(key, own).then((value) => {
      const at = sharedNow();
      firstValueAt = Math.min(firstValueAt, at);
      lastValueAt = Math.max(lastValueAt, at);
      if (!created) lastWaiterAt = Math.max(lastWaiterAt, at);
      return value;
    });
  });
  return Promise.all(calls).then((values) => ({
    creatorCalls,
    ...(creatorDoneAt === undefined ? {} : { creatorDoneAt }),
    firstValueAt,
    lastValueAt,
    lastWaiterAt,
    consistent: values.every((value) => value === key),
  }));
}

let heldRelease: (() => void) | undefined;
let grantedAt: Promise<number> | undefined;

window.tab = {
  async setup(mode) {
    if (mode === 'lru-cache') {
      const lru = new LRUCache<string, string, () => Promise<string>>({ max: 1000, ttl: 60_000, fetchMethod: (_key, _stale, { context }) => context() });
      getOrCreate = async (key, creator) => (await lru.fetch(key, { context: creator }))!;
      return;
    }
    const backend = mode === 'dogpile-indexeddb' ? 'indexeddb' : 'localstorage';
    region = makeRegion({ name: `bench-${backend}` }).configure(backend, {
      expirationTime: 60_000,
      arguments: backend === 'indexeddb' ? { dbName: 'bench-cross-tab' } : { prefix: 'bench-cross-tab:' },
    });
    // Loads the shared invalidation state before the first round.
    await region.get('warm-up');
    getOrCreate = (key, creator) => region!.getOrCreate(key, creator);
  },
  arm(round) {
    rounds.set(round, new Promise<void>((resolve) => armed.set(round, resolve)).then(() => runRound(round)));
  },
  go(round) {
    channel.postMessage({ go: round });
    armed.get(round)?.();
  },
  result(round) {
    const result = rounds.get(round);
    if (!result) return Promise.reject(new Error(`round ${round} was not armed in this tab`));
    return result.finally(() => {
      rounds.delete(round);
      armed.delete(round);
    });
  },
  hold(name) {
    return new Promise<void>((held) => {
      void navigator.locks.request(name, () => {
        held();
        return new Promise<void>((release) => (heldRelease = release));
      });
    });
  },
  request(name) {
    grantedAt = new Promise((resolve) => {
      void navigator.locks.request(name, () => resolve(sharedNow()));
    });
  },
  async handOff(name) {
    for (;;) {
      const state = await navigator.locks.query();
      if (state.pending?.some((lock) => lock.name === name)) break;
      await sleep(0);
    }
    const releasedAt = sharedNow();
    heldRelease?.();
    heldRelease = undefined;
    return releasedAt;
  },
  granted() {
    if (!grantedAt) return Promise.reject(new Error('no lock requested'));
    return grantedAt;
  },
};
