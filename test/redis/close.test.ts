/**
 * Short-lived processes: `getOrCreate` then `close()` at once, as a script,
 * a CLI tool or a serverless function does. The creator's release must reach
 * Redis before the connection closes, or every other process waits for the
 * whole lease. Each test uses a freshly started server, so no Lua script is
 * cached there yet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { KeySpace } from 'dogpile-cache/redis';
import { RegionProcess, uniquePrefix } from './helpers.js';
import { startRedisServer, type TestRedisServer } from '../../scripts/redis-server.js';

const started: RegionProcess[] = [];
let server: TestRedisServer | undefined;

afterEach(async () => {
  await Promise.all(started.splice(0).map((child) => child.kill('SIGKILL')));
  await server?.stop();
  server = undefined;
});

/**
 * One creator process and two waiters on a fresh server (lease 30 s); the
 * creator closes its backend as soon as its getOrCreate resolves. `between`
 * runs on the server while the creator holds the lock.
 */
async function closeRightAfter(between?: (raw: ReturnType<typeof createClient>) => Promise<unknown>): Promise<void> {
  server = await startRedisServer();
  const prefix = uniquePrefix();
  const region = { url: server.url, prefix, expirationTime: 60_000, lockTimeout: 30_000, reportMisses: true };
  const [creator, ...waiters] = await Promise.all(Array.from({ length: 3 }, () => RegionProcess.start(region)));
  started.push(creator!, ...waiters);
  const lockKey = new KeySpace(prefix, 'shared').lock('k');
  const raw = createClient({ url: server.url });
  await raw.connect();
  try {
    const creating = creator!.request<{ calls: number; value: string }>('getOrCreateThenClose', { key: 'k' });
    await creator!.next((e) => e.event === 'creating' && e.key === 'k');
    const waiting = waiters.map((child) => child.request<{ calls: number; value: string }>('getOrCreate', { key: 'k' }));
    // A failed assertion below kills the children: their pending answers must not surface as unhandled.
    waiting.forEach((answer) => answer.catch(() => {}));
    await Promise.all(waiters.map((child) => child.next((e) => e.event === 'miss' && e.key === 'k')));
    await between?.(raw);
    creator!.proceed('k');
    const made = await creating;
    expect(made.calls).toBe(1);
    // close() has resolved, so the release reached Redis before the connection closed: the waiters get the
    // value now, not when the 30 s lease ends (a bound far below it, not a timing claim)...
    const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('waiters still waiting after 10 s (lease 30 s)')), 10_000).unref());
    const got = await Promise.race([Promise.all(waiting), deadline]);
    for (const answer of got) expect(answer).toEqual({ calls: 0, value: made.value });
    // ...and nothing holds the lock any more (checked once the waiters are done: a waiter may hold it a moment).
    expect(await raw.exists(lockKey)).toBe(0);
  } finally {
    await raw.close();
  }
}

describe('redis: close() right after getOrCreate', () => {
  it('on a fresh server (no script cached): the lock is released before close() resolves, waiters get the value', async () => {
    await closeRightAfter();
  }, 30_000);

  it('scripts flushed while the creator runs: close() still waits for the release (EVALSHA, then EVAL)', async () => {
    await closeRightAfter((raw) => raw.scriptFlush());
  }, 30_000);
});
