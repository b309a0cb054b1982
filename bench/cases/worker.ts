/**
 * The worker suite (browser only): a cache hit of a region hosted in a
 * dedicated Worker or a SharedWorker (`dogpile-cache/worker`), next to its
 * floors (a raw postMessage round trip, a comlink call) and the same hit in
 * the page.
 *
 * @module
 */
import { wrap } from 'comlink';
import { makeRegion } from 'dogpile-cache';
import { wrapRegion, type RegionClient } from 'dogpile-cache/worker';
import type { Suite, ThroughputCase } from './harness.js';

const startHost = () => new Worker(new URL('../pages/worker-host.ts', import.meta.url), { type: 'module' });
const startSharedHost = () => new SharedWorker(new URL('../pages/worker-host.ts', import.meta.url), { type: 'module', name: 'bench-region' });
const startEcho = () => new Worker(new URL('../pages/echo-worker.ts', import.meta.url), { type: 'module' });

async function client(source: () => Worker | SharedWorker): Promise<RegionClient> {
  const region = wrapRegion(source(), {});
  await region.ready;
  await region.getOrCreate('user:1', 'user');
  return region;
}

const asyncCase = (name: string, library: string, setup: () => Promise<() => Promise<unknown>>): ThroughputCase => ({
  kind: 'throughput',
  name,
  library,
  async: true,
  setup,
});

/** The worker suite; the baseline is a comlink call, the transport the worker entry is built on. */
export function workerSuite(): Suite {
  return {
    id: 'worker',
    title: 'Worker-hosted region: get-or-create hit from the page',
    baseline: 'comlink call round trip (floor)',
    metric: 'nsPerUnit',
    cases: [
      asyncCase('postMessage round trip (floor)', '(platform)', async () => {
        const worker = startEcho();
        let next = 0;
        const waiting = new Map<number, (value: unknown) => void>();
        worker.onmessage = (event: MessageEvent<{ echo: number; value: unknown }>) => {
          waiting.get(event.data.echo)?.(event.data.value);
          waiting.delete(event.data.echo);
        };
        return () =>
          new Promise((resolve) => {
            const id = next++;
            waiting.set(id, resolve);
            worker.postMessage({ echo: id });
          });
      }),
      asyncCase('comlink call round trip (floor)', 'comlink', async () => {
        const worker = startEcho();
        const { port1, port2 } = new MessageChannel();
        worker.postMessage({ port: port2 }, [port2]);
        const remote = wrap<{ get(key: string): unknown }>(port1);
        await remote.get('user:1');
        return () => remote.get('user:1') as Promise<unknown>;
      }),
      asyncCase('dogpile getOrCreate, region in a Worker', 'dogpile-cache', async () => {
        const region = await client(startHost);
        return () => region.getOrCreate('user:1', 'user');
      }),
      asyncCase('dogpile getOrCreate, region in a SharedWorker', 'dogpile-cache', async () => {
        const region = await client(startSharedHost);
        return () => region.getOrCreate('user:1', 'user');
      }),
      asyncCase('dogpile getOrCreate, region in the page', 'dogpile-cache', async () => {
        const region = makeRegion({ name: 'bench-in-page' }).configure('memory', { expirationTime: 60_000 });
        const creator = () => ({ id: 'user:1', name: 'user user:1' });
        await region.getOrCreate('user:1', creator);
        return () => region.getOrCreate('user:1', creator);
      }),
    ],
  };
}
