/**
 * The backend on a real 3-primary Redis Cluster (started by the global
 * setup on free loopback ports): one creator across processes
 * for keys on every node, multi-key calls spanning slots, sharded pub/sub
 * for invalidation and the change feed, and a primary killed last.
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { createCluster } from 'redis';
import { makeRegion, NO_VALUE, ValidationError } from 'dogpile-cache';
import { KeySpace, RedisBackend, RedisUnavailableError } from 'dogpile-cache/redis';
import { keySlot } from '../../src/redis/slots.js';
import { RegionProcess, stampede, uniquePrefix, type ChildRegion } from './helpers.js';
import { crash } from '../../scripts/redis-topologies.js';

const cluster = inject('redisCluster');
const started: RegionProcess[] = [];
const backends: RedisBackend[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((child) => child.kill('SIGKILL')));
  await Promise.all(backends.splice(0).map((backend) => backend.close()));
});
afterAll(async () => {
  await Promise.all(started.splice(0).map((child) => child.kill('SIGKILL')));
});

function region(prefix: string, extra: Partial<ChildRegion> = {}): ChildRegion {
  return { prefix, expirationTime: 60_000, cluster: { rootNodes: cluster.rootNodes }, ...extra };
}

async function startAll(count: number, settings: ChildRegion): Promise<RegionProcess[]> {
  const children = await Promise.all(Array.from({ length: count }, () => RegionProcess.start(settings)));
  started.push(...children);
  return children;
}

/** A backend of this process on the cluster. */
function backendOn(prefix: string, extra: Partial<ConstructorParameters<typeof RedisBackend>[0]> = {}): RedisBackend {
  const backend = new RedisBackend({ cluster: { rootNodes: cluster.rootNodes }, prefix, commandTimeout: 2_000, ...extra });
  backends.push(backend);
  return backend;
}

/** `count` cache keys whose lock keys fall in each third of the slots (one third per primary). */
function keysOnEveryNode(prefix: string, stem: string, perThird: number): string[] {
  const space = new KeySpace(prefix, 'shared');
  const thirds: string[][] = [[], [], []];
  for (let i = 0; thirds.some((third) => third.length < perThird); i++) {
    const key = `${stem}-${i}`;
    const third = thirds[Math.floor((keySlot(space.lock(key)) * 3) / 16384)]!;
    if (third.length < perThird) third.push(key);
  }
  return thirds.flat();
}

describe('redis cluster', () => {
  it('computes the slot of a key as the server does (hash tags included)', async () => {
    const client = createCluster({ rootNodes: cluster.rootNodes });
    await client.connect();
    try {
      for (const key of ['a', 'dogpile-cache:x|v:k', 'user:{42}:name', '{}x', 'a{b}c{d}', 'héllo', '{', '}{x}']) {
        const reply = await client.sendCommand(key, true, ['CLUSTER', 'KEYSLOT', key]);
        expect(keySlot(key), key).toBe(Number(reply));
      }
    } finally {
      await client.close();
    }
  });

  it('4 processes x 20 concurrent getOrCreate, keys on every primary: one creator per key, missing and expired', async () => {
    const prefix = uniquePrefix();
    const children = await startAll(4, region(prefix));
    for (const key of keysOnEveryNode(prefix, 'missing', 2)) {
      const { calls, values } = await stampede(children, key, 20);
      expect(calls, key).toBe(1);
      expect(values, key).toHaveLength(1);
    }
    const expiring = await startAll(4, region(uniquePrefix(), { expirationTime: 300 }));
    for (const key of ['hot-a', 'hot-b', 'hot-c']) {
      await expiring[0]!.request('set', { key, value: 'old' });
    }
    // Expired for the regions after 300 ms (their clock); Redis keeps the values longer (staleMargin).
    await new Promise((resolve) => setTimeout(resolve, 400));
    for (const key of ['hot-a', 'hot-b', 'hot-c']) {
      const { calls, values } = await stampede(expiring, key, 20, true);
      expect(calls, key).toBe(1);
      expect(values, key).toContain('old');
    }
  }, 60_000);

  it('getMulti, setMulti and deleteMulti across slots keep the caller order; another process sees them', async () => {
    const prefix = uniquePrefix();
    const backend = backendOn(prefix);
    const local = makeRegion({ name: 'shared' }).configure(backend, { expirationTime: 60_000 });
    const keys = Array.from({ length: 40 }, (_, i) => `m-${i}`);
    const slots = new Set(keys.map((key) => keySlot(new KeySpace(prefix, 'shared').entry(key))));
    expect(slots.size).toBeGreaterThan(30);
    await local.setMulti(new Map(keys.map((key, i) => [key, i])));
    const [other] = await startAll(1, region(prefix));
    const order = [...keys].reverse().concat('absent');
    expect(await other!.request('getMulti', { keys: order })).toEqual([...keys.map((_, i): number | null => i).reverse(), null]);
    await other!.request('deleteMulti', { keys: keys.slice(0, 20) });
    const after = await local.getMulti(keys);
    expect(after.slice(0, 20).every((value) => value === NO_VALUE)).toBe(true);
    expect(after.slice(20)).toEqual(keys.slice(20).map((_, i) => i + 20));
    // keys() walks every primary.
    const listed: string[] = [];
    for await (const key of backend.keys()) listed.push(key);
    expect(listed.sort()).toEqual(keys.slice(20).sort());
  }, 30_000);

  it('invalidation and the change feed over sharded pub/sub: seen by running processes and by one started later', async () => {
    const prefix = uniquePrefix();
    const [a, b] = await startAll(2, region(prefix));
    await a!.request('set', { key: 'k', value: 'v1' });
    await b!.next((e) => e.event === 'set' && e.key === 'k');
    expect(await b!.request('get', { key: 'k' })).toEqual({ value: 'v1' });
    await a!.request('invalidate', { hard: true });
    await b!.next((e) => e.event === 'invalidated' && e.remote === true && e.hard === true);
    expect(await b!.request('get', { key: 'k' })).toEqual({ missing: true });
    const [late] = await startAll(1, region(prefix));
    expect(await late!.request('get', { key: 'k' })).toEqual({ missing: true });
    expect((await late!.request<{ calls: number }>('getOrCreate', { key: 'k' })).calls).toBe(1);
  }, 30_000);

  it('takes a cluster client as `client`, and exactly one of url, client, cluster and sentinel', async () => {
    const client = createCluster({ rootNodes: cluster.rootNodes });
    const backend = new RedisBackend({ client, prefix: uniquePrefix() });
    backends.push(backend);
    expect(backend.deployment).toBe('cluster');
    const r = makeRegion({ name: 'shared' }).configure(backend, { expirationTime: 60_000 });
    expect(await r.getOrCreate('k', () => 'v')).toBe('v');
    expect(await r.get('k')).toBe('v');
    await backend.close();
    await client.close();
    expect(() => new RedisBackend({ url: 'redis://127.0.0.1:1', cluster: { rootNodes: cluster.rootNodes } })).toThrow(ValidationError);
    expect(() => new RedisBackend({ cluster: { rootNodes: [] } })).toThrow(/rootNodes/);
    expect(() => new RedisBackend({ sentinel: { name: '', sentinelRootNodes: [{ host: 'h', port: 1 }] } })).toThrow(ValidationError);
  });

  // Last: the cluster has lost a primary afterwards.
  it('a primary killed: every call resolves or fails typed (fail), or creates uncached (create); nothing hangs', async () => {
    const prefix = uniquePrefix();
    const failing = makeRegion({ name: 'shared' }).configure(backendOn(prefix, { commandTimeout: 1_000 }), { expirationTime: 60_000 });
    const creating = makeRegion({ name: 'shared' }).configure(backendOn(prefix, { commandTimeout: 1_000, whenUnavailable: 'create' }), { expirationTime: 60_000 });
    const keys = keysOnEveryNode(prefix, 'down', 3);
    await failing.setMulti(new Map(keys.map((key) => [key, 'before'])));
    await crash(cluster.ports[0]!);
    const outcomes = await Promise.all(
      keys.flatMap((key) => [
        failing.get(key).then((value) => ({ ok: value === 'before' || value === NO_VALUE })),
        failing.getOrCreate(`${key}-new`, () => 'made').then(
          (value) => ({ ok: value === 'made' }),
          (error: unknown) => ({ ok: error instanceof RedisUnavailableError }),
        ),
        creating.getOrCreate(`${key}-new2`, () => 'made').then((value) => ({ ok: value === 'made' })),
      ]),
    );
    expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);
  }, 30_000);
});
