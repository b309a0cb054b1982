/**
 * Several Node processes on one Redis: one creator across all of them, a
 * killed holder's lease, shared invalidation and the change feed.
 *
 * Contention is made certain, not left to timing: each creator blocks until
 * every process reports that all of its callers have read the key while the
 * lock was held (a miss, or the stale value), and only then finishes.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { processPool, stampede, uniquePrefix } from './helpers.js';

const { startAll, killAll } = processPool();

afterEach(killAll);
afterAll(killAll);

describe('redis: several processes', () => {
  it('4 processes x 50 concurrent getOrCreate of a missing key: exactly one creator call, 20 rounds', async () => {
    const children = await startAll(4, { prefix: uniquePrefix(), expirationTime: 60_000 });
    for (let round = 0; round < 20; round++) {
      const { calls, values } = await stampede(children, `missing-${round}`, 50);
      expect(calls, `round ${round}`).toBe(1);
      expect(values, `round ${round}: every caller got the one created value`).toHaveLength(1);
    }
  }, 45_000);

  it('expired value stampede across processes: one regeneration, the others get the stale value', async () => {
    const prefix = uniquePrefix();
    const children = await startAll(4, { prefix, expirationTime: 300 });
    await children[0]!.request('set', { key: 'hot', value: 'old' });
    // The value is expired after 300 ms (the region's clock); Redis keeps it longer (staleMargin).
    await new Promise((resolve) => setTimeout(resolve, 400));
    const { calls, values } = await stampede(children, 'hot', 50, true);
    expect(calls).toBe(1);
    expect(values).toContain('old');
    const after = await children[3]!.request<{ value: string }>('get', { key: 'hot' });
    expect(after.value).toMatch(/^made by /);
  }, 20_000);

  it('a process killed (SIGKILL) while holding the lock: another takes over once the lease ends', async () => {
    const prefix = uniquePrefix();
    const [holder, other] = await startAll(2, { prefix, expirationTime: 60_000, lockTimeout: 1_000 });
    await holder!.request('hold', { key: 'k' });
    await holder!.next((e) => e.event === 'creating' && e.key === 'k');
    expect(await other!.request('locked', { key: 'k' })).toBe(true);
    // Waiting on the live holder's lock, then the holder dies without releasing it.
    const taking = other!.request<{ calls: number; value: string }>('getOrCreate', { key: 'k' });
    await holder!.kill('SIGKILL');
    const { calls, value } = await taking;
    expect(calls).toBe(1);
    expect(value).toBe(`made by ${other!.proc.pid}`);
  }, 15_000);

  it('invalidate() in one process is seen by the others and by a process started afterwards', async () => {
    const prefix = uniquePrefix();
    const [a, b, c] = await startAll(3, { prefix, expirationTime: 60_000 });
    await a!.request('set', { key: 'k', value: 'v1' });
    expect(await b!.request('get', { key: 'k' })).toEqual({ value: 'v1' });
    await a!.request('invalidate', { hard: true });
    await Promise.all([b, c].map((child) => child!.next((e) => e.event === 'invalidated' && e.remote === true && e.hard === true)));
    expect(await b!.request('get', { key: 'k' })).toEqual({ missing: true });
    expect(await c!.request('get', { key: 'k' })).toEqual({ missing: true });
    const [late] = await startAll(1, { prefix, expirationTime: 60_000 });
    expect(await late!.request('get', { key: 'k' })).toEqual({ missing: true });
    const made = await late!.request<{ calls: number }>('getOrCreate', { key: 'k' });
    expect(made.calls).toBe(1);
    // A value stored after the invalidation is seen by everyone.
    expect(await a!.request('get', { key: 'k' })).toEqual({ value: `made by ${late!.proc.pid}` });
  }, 20_000);

  it('soft invalidation in one process: the others serve the old value while one regenerates', async () => {
    const prefix = uniquePrefix();
    const [a, b] = await startAll(2, { prefix, expirationTime: 60_000 });
    await a!.request('set', { key: 'k', value: 'old' });
    await a!.request('invalidate', { hard: false });
    await b!.next((e) => e.event === 'invalidated' && e.remote === true && e.hard === false);
    // Soft-invalidated reads as expired: get (which ignores the lock) still says it is not fresh.
    expect(await b!.request('get', { key: 'k' })).toEqual({ missing: true });
    const made = await b!.request<{ calls: number; value: string }>('getOrCreate', { key: 'k' });
    expect(made.calls).toBe(1);
  }, 15_000);

  it('remote set and delete events reach the other processes, not the writer', async () => {
    const prefix = uniquePrefix();
    const [a, b] = await startAll(2, { prefix, expirationTime: 60_000 });
    await a!.request('set', { key: 'x', value: 1 });
    const set = await b!.next((e) => e.event === 'set' && e.key === 'x');
    expect(set.origin).toBeTypeOf('string');
    await a!.request('delete', { key: 'x' });
    await b!.next((e) => e.event === 'delete' && e.key === 'x');
    // The writer reported its own changes as local only: no remote event came back to it.
    await b!.request('set', { key: 'y', value: 2 });
    await a!.next((e) => e.event === 'set' && e.key === 'y');
    expect(a!.events.filter((e) => e.key === 'x')).toEqual([]);
  }, 15_000);
});
