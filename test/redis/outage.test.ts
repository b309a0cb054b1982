/**
 * The server stopped mid-run: typed errors within the command timeout, no
 * hang, then recovery once it is back. Uses a server of its own, so the
 * other tests' server keeps running.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { makeRegion, NO_VALUE, type CacheRegion, type RegionEvent } from 'dogpile-cache';
import { RedisBackend, RedisUnavailableError } from 'dogpile-cache/redis';
import { eventually, uniquePrefix } from './helpers.js';
import { startRedisServer, type TestRedisServer } from '../../scripts/redis-server.js';

let server: TestRedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterEach(async () => {
  // A test that failed while the server was down must not leave it down for the next.
  if (!server.running) await server.start();
});
afterAll(async () => {
  await server?.stop();
});

/** Settles `promise` and returns the rejection reason (or fails when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function recovers(region: CacheRegion): Promise<void> {
  await eventually(
    async () => {
      try {
        await region.set('after', 'back');
        return true;
      } catch {
        return false;
      }
    },
    15_000,
    'the region to work again after the restart',
  );
}

describe('redis: connection loss', () => {
  it('a backend made from a URL: typed errors while the server is down, then recovery', async () => {
    const backend = new RedisBackend({ url: server.url, prefix: uniquePrefix(), commandTimeout: 500, lockTimeout: 1_000 });
    const region = makeRegion({ name: 'outage' }).configure(backend, { expirationTime: 60_000 });
    const notices: string[] = [];
    region.subscribe((event: RegionEvent) => event.type === 'notice' && notices.push(event.kind));
    await region.set('k', 'v');
    expect(await region.get('k')).toBe('v');

    const errors: unknown[] = [];
    region.subscribe((event: RegionEvent) => event.type === 'error' && errors.push(event.error));
    await server.stop();
    // The backend's own calls reject with the typed error, within the command timeout.
    expect(await rejection(backend.get('k'))).toBeInstanceOf(RedisUnavailableError);
    expect(await rejection(backend.getMulti(['k', 'j']))).toBeInstanceOf(RedisUnavailableError);
    // The region reads a read fault as a miss and says why in an error event...
    expect(await region.get('k')).toBe(NO_VALUE);
    expect(errors.at(-1)).toBeInstanceOf(RedisUnavailableError);
    // ...and every call that needs Redis to answer rejects with it.
    const operations: Array<() => Promise<unknown>> = [
      () => region.set('k', 'w'),
      () => region.delete('k'),
      () => region.getOrCreate('new', () => 'x'),
      () => region.invalidate(),
      () => region.keyIsLocked('k'),
      () => backend.getMutex('k').acquire(true),
    ];
    for (const operation of operations) {
      const error = await rejection(operation());
      expect(error, String(error)).toBeInstanceOf(RedisUnavailableError);
    }
    expect(notices).toContain('redis-connection-lost');

    await server.start();
    await recovers(region);
    // The test server keeps nothing across a restart: the entry written after it is what is there.
    expect(await region.get('after')).toBe('back');
    expect(await region.getOrCreate('new', () => 'x')).toBe('x');
    // Pub/sub is back too: a write elsewhere is reported here again.
    const other = new RedisBackend({ url: server.url, prefix: backend.prefix, namespace: 'outage' });
    const seen: string[] = [];
    region.subscribe((event) => event.type === 'set' && event.remote && seen.push(event.key));
    await eventually(
      async () => {
        await makeRegion({ name: 'outage' }).configure(other, { expirationTime: 60_000 }).set('remote', 1);
        return seen.includes('remote');
      },
      10_000,
      'remote set after reconnect',
    );
    await other.close();
    await backend.close();
  }, 40_000);

  it('a node-redis client passed in (offline queue on): calls still fail within the command timeout', async () => {
    const client = createClient({ url: server.url, socket: { reconnectStrategy: () => 100 } });
    client.on('error', () => {});
    await client.connect();
    const backend = new RedisBackend({ client, prefix: uniquePrefix(), commandTimeout: 300 });
    const region = makeRegion({ name: 'given' }).configure(backend, { expirationTime: 60_000 });
    await region.set('k', 'v');
    await server.stop();
    expect(await rejection(backend.get('k'))).toBeInstanceOf(RedisUnavailableError);
    expect(await rejection(region.getOrCreate('k2', () => 'x'))).toBeInstanceOf(RedisUnavailableError);
    await server.start();
    await recovers(region);
    expect(await region.get('after')).toBe('back');
    await backend.close();
    expect(client.isOpen).toBe(true);
    await client.close();
  }, 30_000);

  it("whenUnavailable: 'create' runs the creator without the lock and returns its value uncached", async () => {
    const backend = new RedisBackend({ url: server.url, prefix: uniquePrefix(), commandTimeout: 300, whenUnavailable: 'create' });
    const region = makeRegion({ name: 'degrade' }).configure(backend, { expirationTime: 60_000 });
    await region.set('warm', 1);
    const events: string[] = [];
    region.subscribe((event: RegionEvent) => events.push(event.type === 'notice' ? event.kind : event.type));
    await server.stop();
    let calls = 0;
    const values = await Promise.all(Array.from({ length: 5 }, () => region.getOrCreate('k', () => (calls++, 'made'))));
    expect(values).toEqual(['made', 'made', 'made', 'made', 'made']);
    // The in-process layer still serialises this process's callers; none could be stored, so each created.
    expect(calls).toBe(5);
    expect(events).toContain('lock-degraded');
    expect(events).toContain('error');
    await server.start();
    await recovers(region);
    await backend.close();
  }, 30_000);
});
