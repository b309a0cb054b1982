/**
 * Suite 2, stampede in one tab: 1,000 concurrent get-or-create calls of a
 * missing key whose creator takes 20 ms. Each round uses a new key. A round
 * reports how many times the creator ran and its overhead: the round's wall
 * time minus the time the creator itself took (so timer jitter of the 20 ms
 * sleep is not counted against anyone).
 *
 * @module
 */
import { QueryClient } from '@tanstack/query-core';
import { createCache } from 'cache-manager';
import { makeRegion } from 'dogpile-cache';
import { LRUCache } from 'lru-cache';
import { sleep, type RoundOp, type Suite } from './harness.js';

/** Concurrent callers per round. */
export const CALLERS = 1000;
/** How long the creator takes. */
export const CREATOR_MS = 20;

interface Value {
  key: string;
  payload: number[];
}

/** A creator for one round that counts its calls and times itself. */
class RoundCreator {
  calls = 0;
  creatorMs = 0;
  readonly create = async (key: string): Promise<Value> => {
    this.calls++;
    const started = performance.now();
    await sleep(CREATOR_MS);
    this.creatorMs = Math.max(this.creatorMs, performance.now() - started);
    return { key, payload: [1, 2, 3] };
  };
}

/** Builds a round: `call(key, creator)` is one caller's get-or-create. */
function rounds(call: (key: string, creator: RoundCreator) => Promise<unknown>): RoundOp {
  let round = 0;
  return async () => {
    const key = `item:${++round}`;
    const creator = new RoundCreator();
    const started = performance.now();
    const calls: Array<Promise<unknown>> = [];
    for (let i = 0; i < CALLERS; i++) calls.push(call(key, creator));
    const values = await Promise.all(calls);
    const totalMs = performance.now() - started;
    // Every caller must get the one value of this round.
    if (values.some((value) => (value as Value).key !== key)) throw new Error(`stampede: a caller got a wrong value for ${key}`);
    return { creatorCalls: creator.calls, overheadMs: totalMs - creator.creatorMs, totalMs };
  };
}

/** The stampede suite; the baseline is lru-cache `fetch`, the target's reference. */
export function stampedeSuite(): Suite {
  return {
    id: 'stampede',
    title: `Stampede in one tab: ${CALLERS} concurrent callers, ${CREATOR_MS} ms creator`,
    baseline: 'lru-cache fetch',
    metric: 'overheadMs',
    cases: [
      {
        kind: 'rounds',
        name: 'promise Map dedupe (floor)',
        library: '(platform)',
        async setup() {
          const values = new Map<string, Value>();
          const inflight = new Map<string, Promise<Value>>();
          return rounds((key, creator) => {
            const value = values.get(key);
            if (value !== undefined) return Promise.resolve(value);
            let pending = inflight.get(key);
            if (!pending) {
              pending = creator.create(key).then((made) => {
                values.set(key, made);
                inflight.delete(key);
                return made;
              });
              inflight.set(key, pending);
            }
            return pending;
          });
        },
      },
      {
        kind: 'rounds',
        name: 'dogpile getOrCreate',
        library: 'dogpile-cache',
        async setup() {
          const region = makeRegion({ name: 'bench-stampede' }).configure('memory', { expirationTime: 60_000 });
          return rounds((key, creator) => region.getOrCreate(key, () => creator.create(key)));
        },
      },
      {
        kind: 'rounds',
        name: 'lru-cache fetch',
        library: 'lru-cache',
        async setup() {
          const lru = new LRUCache<string, Value, RoundCreator>({
            max: 10_000,
            ttl: 60_000,
            fetchMethod: (key, _stale, { context }) => context.create(key),
          });
          return rounds((key, creator) => lru.fetch(key, { context: creator }));
        },
      },
      {
        kind: 'rounds',
        name: 'cache-manager wrap',
        library: 'cache-manager',
        async setup() {
          const cache = createCache({ ttl: 60_000 });
          return rounds((key, creator) => cache.wrap(key, () => creator.create(key)));
        },
      },
      {
        kind: 'rounds',
        name: 'query-core fetchQuery',
        library: '@tanstack/query-core',
        async setup() {
          const client = new QueryClient({ defaultOptions: { queries: { staleTime: 60_000 } } });
          return rounds((key, creator) => client.fetchQuery({ queryKey: [key], queryFn: () => creator.create(key) }));
        },
      },
    ],
  };
}
