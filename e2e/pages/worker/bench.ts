// Round-trip cost of a cache hit: region in a SharedWorker / dedicated Worker
// (through dogpile-cache/worker) vs in-page memory and in-page IndexedDB.
// Driven by e2e/worker/measure-round-trip.mjs; results are for the README,
// not assertions.
import { makeRegion, type CacheRegion } from 'dogpile-cache';
import 'dogpile-cache/browser';
import { wrapRegion, type RegionClient } from 'dogpile-cache/worker';

type Hit = () => Promise<unknown>;

const value = { id: 1, name: 'Ada Lovelace', roles: ['admin', 'author'], profile: { city: 'London', born: 1815 } };
const creator = () => value;

async function inPage(backend: 'memory' | 'indexeddb'): Promise<CacheRegion> {
  const region = makeRegion({ name: `bench-${backend}` }).configure(backend, {
    expirationTime: 600_000,
    ...(backend === 'indexeddb' ? { arguments: { dbName: 'dogpile-bench-worker' } } : {}),
  });
  await region.getOrCreate('user:1', creator);
  return region;
}

async function remote(source: () => Worker | SharedWorker): Promise<RegionClient> {
  const client = wrapRegion(source());
  await client.ready;
  await client.getOrCreate('user:1', creator);
  return client;
}

/** Microseconds per hit: sequential (one awaited after the other) and 100 in flight at once. */
async function measure(hit: Hit, sequentialOps: number, parallelBatches: number) {
  for (let i = 0; i < 200; i++) await hit(); // warm-up
  const reps: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let i = 0; i < sequentialOps; i++) await hit();
    reps.push(((performance.now() - start) * 1000) / sequentialOps);
  }
  const parallel: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let b = 0; b < parallelBatches; b++) await Promise.all(Array.from({ length: 100 }, hit));
    parallel.push(((performance.now() - start) * 1000) / (parallelBatches * 100));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { sequentialUs: median(reps), parallelUs: median(parallel) };
}

async function run() {
  const memory = await inPage('memory');
  const idb = await inPage('indexeddb');
  const worker = await remote(() => new Worker(new URL('./host.ts', import.meta.url), { type: 'module' }));
  const shared = await remote(() => new SharedWorker(new URL('./host.ts', import.meta.url), { type: 'module', name: 'bench-round-trip' }));
  const cases: Array<[string, Hit, number, number]> = [
    ['in-page memory, getOrCreate hit', () => memory.getOrCreate('user:1', creator), 20_000, 100],
    ['in-page IndexedDB, getOrCreate hit', () => idb.getOrCreate('user:1', creator), 1_000, 10],
    ['dedicated Worker, getOrCreate hit', () => worker.getOrCreate('user:1', creator), 2_000, 20],
    ['SharedWorker, getOrCreate hit', () => shared.getOrCreate('user:1', creator), 2_000, 20],
    ['SharedWorker, get hit', () => shared.get('user:1'), 2_000, 20],
  ];
  const results: Record<string, { sequentialUs: number; parallelUs: number }> = {};
  for (const [name, hit, ops, batches] of cases) results[name] = await measure(hit, ops, batches);
  worker.close();
  shared.close();
  return results;
}

declare global {
  interface Window {
    runRoundTrip: typeof run;
  }
}
window.runRoundTrip = run;
