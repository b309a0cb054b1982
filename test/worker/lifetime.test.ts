// Knowing that the other side is gone without Web Locks (Node has none, like
// an insecure context): the worker pings, each side gives the other up after
// a silence, and a page that never says hello is dropped (issue 17).
import { afterEach, describe, expect, it } from 'vitest';
import { expose, transfer, wrap } from 'comlink';
import { makeRegion, NO_VALUE } from 'dogpile-cache';
import { RegionHost, WorkerUnavailableError, wrapRegion } from 'dogpile-cache/worker';
import { PROTOCOL_VERSION, type HostApi } from '../../src/worker/protocol.js';
import { Harness, until } from './helpers.js';

let h: Harness;
afterEach(() => h?.close());

const fast = { heartbeatInterval: 50, heartbeatTimeout: 300 };

/** Settles within `ms`, or says it hung (the old behaviour: no answer ever). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'hung'> {
  return Promise.race([promise, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), ms))]);
}

/**
 * A worker that answers hello and then goes silent, as one that exited
 * without closing its ports does (its port sends no `close` event): it never
 * pings and never answers a call.
 */
function silentWorker(h: Harness): MessagePort {
  const { port1, port2 } = new MessageChannel();
  h.ports.push(port1, port2);
  const api: Partial<HostApi> = {
    hello: async (client) => ({
      ok: true,
      value: {
        protocol: PROTOCOL_VERSION,
        hostId: 'silent',
        heartbeat: client.heartbeat,
        name: 'silent',
        expirationTime: undefined,
        backend: 'MemoryBackend',
        creators: [],
        multiCreators: [],
        stats: makeRegion().stats,
        invalidation: { hard: false, soft: false, at: undefined },
      },
    }),
    get: () => new Promise(() => {}),
  };
  expose(api, port1);
  return port2;
}

describe('a worker that goes silent (no Web Locks, no close event)', () => {
  it('fails pending and later calls with WorkerUnavailableError', async () => {
    h = new Harness();
    const client = wrapRegion(silentWorker(h), fast);
    h.clients.push(client);
    await client.ready;
    const started = Date.now();
    const pending = within(client.get('k').catch((error: unknown) => error), 2000);
    const error = await pending;
    expect(error).toBeInstanceOf(WorkerUnavailableError);
    expect((error as Error).message).toMatch(/stopped answering/);
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(within(client.get('k'), 2000)).rejects.toBeInstanceOf(WorkerUnavailableError);
    expect(client.connected).toBe(false);
  });

  it('is replaced on the next call when the client can start a new worker', async () => {
    h = new Harness();
    let started = 0;
    const client = wrapRegion(() => {
      started++;
      if (started === 1) return silentWorker(h);
      return h.connectPort(h.host(h.region('second'))).port;
    }, fast);
    h.clients.push(client);
    const first = await within(client.get('k').catch((error: unknown) => error), 2000);
    expect(first).toBeInstanceOf(WorkerUnavailableError);
    expect(await within(client.get('k'), 2000)).toBe(NO_VALUE);
    expect(started).toBe(2);
    expect(client.name).toBe('second');
  });
});

describe('a page that dies without a word (no Web Locks, no close event)', () => {
  /** A page that says hello, watches events, and then never answers: its callbacks port is never read. */
  async function deadPage(host: RegionHost): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    const callbacks = new MessageChannel();
    h.ports.push(port1, port2, callbacks.port1, callbacks.port2);
    host.serve(port1);
    const remote = wrap<HostApi>(port2);
    const answer = await remote.hello({ protocol: PROTOCOL_VERSION, clientId: 'dead', heartbeat: { interval: 50, timeout: 300 } }, transfer(callbacks.port2, [callbacks.port2]));
    expect(answer.ok).toBe(true);
    await remote.watchEvents(true);
  }

  it('loses its session and its event watcher after the heartbeat timeout', async () => {
    h = new Harness();
    const region = h.region();
    const host = h.host(region);
    const { client } = h.connect(host, fast);
    client.subscribe(() => {});
    for (let i = 0; i < 5; i++) await deadPage(host);
    await until(() => host.eventWatchers === 6, 'every page to watch');
    expect(host.connections).toBe(6);
    // The host keeps sending batches only to pages that answer.
    await region.set('k', 1);
    await until(() => host.connections === 1, 'the dead pages to be dropped');
    expect(host.eventWatchers).toBe(1);
    expect(host.sessions).toBe(1);
    // The live page still answers and is kept.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(host.connections).toBe(1);
    expect(await client.get('k')).toBe(1);
  });

  it('a connection that never says hello is closed after handshakeTimeout', async () => {
    h = new Harness();
    const host = h.host(h.region(), { handshakeTimeout: 50 });
    const { port1, port2 } = new MessageChannel();
    h.ports.push(port1, port2);
    host.serve(port1);
    expect(host.sessions).toBe(1);
    await until(() => host.sessions === 0, 'the silent connection to be dropped');
    expect(host.connections).toBe(0);
    // A page that does say hello in time is kept.
    const { client } = h.connect(host);
    await client.ready;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(host.sessions).toBe(1);
    expect(host.connections).toBe(1);
  });

  it('a dedicated worker scope (not a port of its own) waits for its one page however late it says hello', async () => {
    h = new Harness();
    const host = h.host(h.region(), { handshakeTimeout: 30 });
    const { port1, port2 } = new MessageChannel();
    h.ports.push(port1, port2);
    // As a dedicated worker's global scope: an endpoint, but not a MessagePort.
    const scope = {
      postMessage: (message: unknown, transfer?: Transferable[]) => port1.postMessage(message, transfer ?? []),
      addEventListener: (type: string, listener: EventListener) => {
        port1.addEventListener(type, listener);
        port1.start();
      },
      removeEventListener: (type: string, listener: EventListener) => port1.removeEventListener(type, listener),
    };
    host.serve(scope);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(host.sessions).toBe(1);
    const client = wrapRegion(port2);
    h.clients.push(client);
    await client.ready;
    expect(host.connections).toBe(1);
  });
});
