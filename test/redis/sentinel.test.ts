/**
 * The backend through Sentinel on real servers (a primary, a replica and
 * three Sentinels, started by the global setup on free loopback ports): it works through the primary Sentinel names, and when that
 * primary is killed in the middle of a stampede it follows the fail-over,
 * with at most one extra creation of the key (the documented bound).
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { makeRegion } from 'dogpile-cache';
import { RedisBackend } from 'dogpile-cache/redis';
import { RegionProcess, uniquePrefix, type ChildRegion } from './helpers.js';
import { crash, promoted } from '../../scripts/redis-topologies.js';

const sentinel = inject('redisSentinel');
const started: RegionProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((child) => child.kill('SIGKILL')));
});
afterAll(async () => {
  await Promise.all(started.splice(0).map((child) => child.kill('SIGKILL')));
});

function region(prefix: string, extra: Partial<ChildRegion> = {}): ChildRegion {
  return { prefix, expirationTime: 60_000, sentinel: { name: sentinel.name, sentinelRootNodes: sentinel.sentinelRootNodes }, ...extra };
}

async function startAll(count: number, settings: ChildRegion): Promise<RegionProcess[]> {
  const children = await Promise.all(Array.from({ length: count }, () => RegionProcess.start(settings)));
  started.push(...children);
  return children;
}

describe('redis sentinel', () => {
  it('works through the primary Sentinel names: one creator across processes, changes seen by the others', async () => {
    const backend = new RedisBackend({ sentinel: { name: sentinel.name, sentinelRootNodes: sentinel.sentinelRootNodes }, prefix: uniquePrefix() });
    try {
      expect(backend.deployment).toBe('sentinel');
      const local = makeRegion({ name: 'shared' }).configure(backend, { expirationTime: 60_000 });
      expect(await local.getOrCreate('k', () => 'v')).toBe('v');
      expect(await local.get('k')).toBe('v');
    } finally {
      await backend.close();
    }
    const prefix = uniquePrefix();
    const [a, b] = await startAll(2, region(prefix));
    await a!.request('set', { key: 'x', value: 1 });
    await b!.next((e) => e.event === 'set' && e.key === 'x');
    expect(await b!.request('get', { key: 'x' })).toEqual({ value: 1 });
  }, 30_000);

  // Last: the primary is gone afterwards.
  it('primary killed mid-stampede: the fail-over is followed, at most one extra creation, callers get the value or a typed error', async () => {
    const prefix = uniquePrefix();
    // A command timeout above the fail-over time: callers wait through it instead of failing.
    const children = await startAll(3, region(prefix, { lockTimeout: 5_000, commandTimeout: 15_000 }));
    let creators = 0;
    const contending = Promise.all(children.map((child) => child.next((e) => e.event === 'contending' && e.key === 'k', 15_000)));
    const creating = new Promise<void>((resolve) => {
      for (const child of children) {
        child.onEvent((e) => {
          if (e.event !== 'creating' || e.key !== 'k') return;
          creators++;
          // A second creator (the lock lost in the fail-over) may finish at once.
          if (creators > 1) child.proceed('k');
          resolve();
        });
      }
    });
    const results = children.map((child) => child.request<{ calls: number; values: string[]; errors: string[] }>('stampede', { key: 'k', n: 10, settle: true }));
    await creating;
    await contending;
    await crash(sentinel.primaryPort);
    await promoted(sentinel.name, sentinel.sentinelRootNodes.map((node) => node.port), sentinel.replicaPort);
    for (const child of children) child.proceed('k');
    const answers = await Promise.all(results);
    const calls = answers.reduce((sum, a) => sum + a.calls, 0);
    // The documented bound: a fail-over can lose the lock once, so at most two creations of the key.
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(2);
    for (const answer of answers) {
      for (const value of answer.values) expect(value).toMatch(/^made by /);
      for (const error of answer.errors) expect(error).toBe('RedisUnavailableError');
    }
    // The fail-over was followed: every process works on the new primary, one creator for a new key.
    const after = await Promise.all(children.map((child) => child.request<{ calls: number; value: string }>('getOrCreate', { key: 'after' })));
    expect(after.reduce((sum, a) => sum + a.calls, 0)).toBe(1);
    expect(new Set(after.map((a) => a.value)).size).toBe(1);
    const [late] = await startAll(1, region(prefix));
    expect(await late!.request('get', { key: 'after' })).toEqual({ value: after[0]!.value });
  }, 60_000);
});
