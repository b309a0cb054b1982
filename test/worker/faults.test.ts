import { afterEach, describe, expect, it } from 'vitest';
import { NO_VALUE, makeRegion, type RegionEvent } from 'dogpile-cache';
import { CreatorGoneError, RegionHost, ValueNotCloneableError, WorkerUnavailableError, connectRegion, wrapRegion } from 'dogpile-cache/worker';
import { Harness, deferred, until } from './helpers.js';

let h: Harness;
afterEach(() => h?.close());

describe('a page that leaves while its creator runs', () => {
  it('does not hang the others: their waiting callers retry and one of them creates', async () => {
    h = new Harness();
    const region = h.region();
    const host = h.host(region);
    const leaving = h.connect(host);
    const { client: b } = h.connect(host);
    const { client: c } = h.connect(host);
    const never = leaving.client.getOrCreate('k', () => new Promise<string>(() => {}));
    never.catch(() => {});
    await until(() => region.keyIsLocked('k'), 'the leaving page to hold the lock');
    const calls = { b: 0, c: 0 };
    const waiting = [
      ...Array.from({ length: 5 }, () => b.getOrCreate('k', () => (calls.b++, 'from b'))),
      ...Array.from({ length: 5 }, () => c.getOrCreate('k', () => (calls.c++, 'from c'))),
    ];
    await until(() => region.stats.misses === 11, 'every caller to wait');
    const errors: RegionEvent[] = [];
    region.subscribe((event) => event.type === 'error' && errors.push(event));
    // The page is gone: its end of the channel closes, as when a tab is closed.
    leaving.port.close();
    const values = await Promise.all(waiting);
    expect(calls.b + calls.c).toBe(1);
    expect(new Set(values).size).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ operation: 'creator', key: 'k' });
    expect((errors[0] as { error: unknown }).error).toBeInstanceOf(CreatorGoneError);
    await until(() => host.connections === 2, 'the host to drop the page');
  });
});

describe('a worker that is gone', () => {
  it('fails pending and later calls with WorkerUnavailableError, and tells subscribers', async () => {
    h = new Harness();
    const region = h.region();
    const host = h.host(region, { creators: { never: () => new Promise(() => {}) } });
    const { client, workerPort } = h.connect(host);
    const notices: RegionEvent[] = [];
    client.subscribe((event) => event.type === 'notice' && notices.push(event));
    const pending = client.getOrCreate('k', 'never');
    await until(() => region.keyIsLocked('k'), 'the creator to start');
    // The worker dies: its end of the channel closes.
    workerPort.close();
    const error = await pending.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkerUnavailableError);
    expect((error as Error).message).toMatch(/unavailable/);
    await expect(client.get('k')).rejects.toBeInstanceOf(WorkerUnavailableError);
    await expect(client.set('k', 1)).rejects.toBeInstanceOf(WorkerUnavailableError);
    expect(client.connected).toBe(false);
    expect(notices).toMatchObject([{ type: 'notice', kind: 'worker-lost' }]);
  });

  it('reconnects on the next call when given a function that starts a new worker', async () => {
    h = new Harness();
    let started = 0;
    let current: { port: MessagePort; host: RegionHost } | undefined;
    const startWorker = () => {
      started++;
      const host = new RegionHost(makeRegion({ name: `worker-${started}` }).configure('memory'));
      const { port1, port2 } = new MessageChannel();
      h.ports.push(port1, port2);
      h.hosts.push(host);
      host.serve(port1);
      current = { port: port1, host };
      return port2;
    };
    const client = wrapRegion(startWorker);
    h.clients.push(client);
    const notices: string[] = [];
    client.subscribe((event) => event.type === 'notice' && notices.push(event.kind));
    await client.set('k', 'v');
    expect(client.name).toBe('worker-1');
    current!.port.close();
    await until(() => !client.connected, 'the loss to be noticed');
    // A fresh worker, with an empty cache.
    expect(await client.get('k')).toBe(NO_VALUE);
    expect(started).toBe(2);
    expect(client.name).toBe('worker-2');
    expect(notices).toEqual(['worker-lost', 'worker-reconnected']);
    // Events keep flowing from the new worker.
    const types: string[] = [];
    client.subscribe((event) => types.push(event.type));
    await client.set('k', 'again');
    await until(() => types.includes('set'), 'events from the new worker');
  });

  it('gives a caller the value its own creator made when the worker dies before storing it', async () => {
    h = new Harness();
    const region = h.region();
    const { client, workerPort } = h.connect(h.host(region));
    const gate = deferred();
    let calls = 0;
    const pending = client.getOrCreate('k', async () => {
      calls++;
      await gate.promise;
      return 'made in the page';
    });
    await until(() => region.keyIsLocked('k'), 'the creator to start');
    workerPort.close();
    await until(() => !client.connected, 'the loss to be noticed');
    gate.resolve();
    expect(await pending).toBe('made in the page');
    expect(calls).toBe(1);
  });

  it('rejects ready with WorkerUnavailableError when nobody answers', async () => {
    h = new Harness();
    const { port1, port2 } = new MessageChannel();
    h.ports.push(port1, port2);
    port1.start();
    const client = wrapRegion(port2, { connectTimeout: 30 });
    h.clients.push(client);
    await expect(client.ready).rejects.toBeInstanceOf(WorkerUnavailableError);
    await expect(client.ready).rejects.toThrow(/exposeRegion/);
    await expect(client.get('k')).rejects.toBeInstanceOf(WorkerUnavailableError);
  });

  it('close() ends the session in the worker, and later calls fail', async () => {
    h = new Harness();
    const host = h.host(h.region());
    const { client } = h.connect(host);
    await client.ready;
    expect(host.connections).toBe(1);
    client.close();
    await until(() => host.connections === 0, 'the host to drop the page');
    await expect(client.get('k')).rejects.toBeInstanceOf(WorkerUnavailableError);
  });
});

describe('values structured clone cannot copy', () => {
  const fn = () => 1;

  it('set and setMulti name the key', async () => {
    h = new Harness();
    const { client } = h.connect(h.host(h.region()));
    const error = await client.set('user:1', { render: fn }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValueNotCloneableError);
    expect((error as ValueNotCloneableError).key).toBe('user:1');
    expect((error as Error).message).toMatch(/"user:1".*structured clone/);
    const multi = await client.setMulti({ a: 1, b: fn }).catch((caught: unknown) => caught);
    expect(multi).toBeInstanceOf(ValueNotCloneableError);
    expect((multi as ValueNotCloneableError).key).toBe('b');
    // The connection is still good.
    await client.set('ok', 1);
    expect(await client.get('ok')).toBe(1);
  });

  it('a page creator value names the key; nothing is cached and waiters retry', async () => {
    h = new Harness();
    const region = h.region();
    const { client } = h.connect(h.host(region));
    const error = await client.getOrCreate('k', () => ({ callback: fn })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValueNotCloneableError);
    expect((error as ValueNotCloneableError).key).toBe('k');
    expect((error as Error).message).toMatch(/"k"/);
    expect(await region.get('k')).toBe(NO_VALUE);
    const multi = await client.getOrCreateMulti(['x', 'y'], () => [1, fn]).catch((caught: unknown) => caught);
    expect(multi).toBeInstanceOf(ValueNotCloneableError);
    expect((multi as ValueNotCloneableError).key).toBe('y');
    expect(await client.getOrCreate('k', () => 'fine')).toBe('fine');
  });

  it('a worker creator value names the key and is not cached', async () => {
    h = new Harness();
    const region = h.region();
    const { client } = h.connect(h.host(region, { creators: { handle: () => fn } }));
    const error = await client.getOrCreate('h', 'handle').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValueNotCloneableError);
    expect((error as ValueNotCloneableError).key).toBe('h');
    expect(await region.get('h')).toBe(NO_VALUE);
  });

  it('a value stored by worker code names the key when a page reads it', async () => {
    h = new Harness();
    const region = h.region();
    await region.set('w', fn);
    const { client } = h.connect(h.host(region));
    const error = await client.get('w').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValueNotCloneableError);
    expect((error as ValueNotCloneableError).key).toBe('w');
    expect(await client.get('other')).toBe(NO_VALUE);
  });
});

describe('connectRegion where there are no workers (Node)', () => {
  it('falls back to an in-page region and says why', async () => {
    const client = await connectRegion({
      sharedWorker: () => {
        throw new Error('not reached');
      },
      worker: () => {
        throw new Error('not reached');
      },
      inPage: () => makeRegion({ name: 'local' }).configure('memory'),
      creators: { upper: (key) => key.toUpperCase() },
    });
    expect(client.mode).toBe('in-page');
    expect(client.modeReason).toMatch(/SharedWorker is not available.*Worker is not available.*in this page/);
    expect(client.name).toBe('local');
    expect(await client.getOrCreate('abc', 'upper')).toBe('ABC');
    expect(await client.getOrCreateMulti(['x', 'y'], 'upper')).toEqual(['X', 'Y']);
    let calls = 0;
    const values = await Promise.all(Array.from({ length: 10 }, () => client.getOrCreate('k', async () => (calls++, 'v'))));
    expect(values).toEqual(Array(10).fill('v'));
    expect(calls).toBe(1);
    expect(client.stats.creations).toBe(4);
    client.close();
    await expect(client.get('k')).rejects.toBeInstanceOf(WorkerUnavailableError);
  });

  it('rejects with WorkerUnavailableError when nothing can host the region', async () => {
    await expect(connectRegion({ sharedWorker: () => ({}) as SharedWorker })).rejects.toBeInstanceOf(WorkerUnavailableError);
    await expect(connectRegion({})).rejects.toBeInstanceOf(TypeError);
  });
});
