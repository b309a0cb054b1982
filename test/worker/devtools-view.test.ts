import { afterEach, describe, expect, it } from 'vitest';
import { makeRegion } from 'dogpile-cache';
import { DEVTOOLS_HOOK, Inspector, createMemoryChannel, devtoolsHook, panelCommand, parsePageMessage, type PageMessage, type PanelCommandBody } from 'dogpile-cache/devtools';
import { InPageRegionClient, registerClientWithDevtools } from 'dogpile-cache/worker';
import { Harness, until } from './helpers.js';

let h: Harness;
afterEach(() => {
  h?.close();
  delete (globalThis as Record<symbol, unknown>)[DEVTOOLS_HOOK];
});

/** A panel on a memory channel, asking as the extension's panel would. */
function panelFor() {
  delete (globalThis as Record<symbol, unknown>)[DEVTOOLS_HOOK];
  const { transport, panel } = createMemoryChannel();
  const received: PageMessage[] = [];
  panel.onMessage((data) => {
    const message = parsePageMessage(data);
    if (message) received.push(message);
  });
  let n = 0;
  async function ask<T extends PageMessage['type']>(body: PanelCommandBody, type: T): Promise<Extract<PageMessage, { type: T }>> {
    const requestId = `q${++n}`;
    panel.send(panelCommand({ ...body, requestId } as PanelCommandBody));
    let found: PageMessage | undefined;
    await until(() => (found = received.find((m) => m.type === type && 'requestId' in m && m.requestId === requestId)) !== undefined, `a ${type} answer`);
    return found as Extract<PageMessage, { type: T }>;
  }
  return { transport, panel, received, ask };
}

describe('the devtools inspector sees a worker-hosted region through the page client', () => {
  it('lists, reads, deletes and invalidates the worker entries, and streams their events', async () => {
    h = new Harness();
    const region = h.region('users', 60_000);
    const { client } = h.connect(h.host(region));
    const p = panelFor();
    registerClientWithDevtools(client);
    const inspector = new Inspector({ transport: p.transport, hook: devtoolsHook(), eventInterval: 5 });
    await client.set('user:1', { name: 'Ada' });
    await client.set('user:2', { name: 'Grace' });

    const snapshot = await p.ask({ type: 'getSnapshot', requestId: '' }, 'snapshot');
    expect(snapshot.regions).toHaveLength(1);
    expect(snapshot.regions[0]).toMatchObject({ name: 'users', configured: true, backend: ['MessagePort', 'MemoryBackend'], expirationTime: 60_000, entryCount: 2 });
    const id = snapshot.regions[0]!.id;

    const entries = await p.ask({ type: 'getEntries', requestId: '', regionId: id, offset: 0, limit: 50, filter: '' }, 'entries');
    expect(entries.entries.map((entry) => [entry.key, entry.status])).toEqual([
      ['user:1', 'fresh'],
      ['user:2', 'fresh'],
    ]);
    const value = await p.ask({ type: 'getValue', requestId: '', regionId: id, key: 'user:2' }, 'value');
    expect(value.found).toBe(true);
    expect(JSON.stringify(value.preview)).toContain('Grace');

    // Events from the worker region reach the panel while it is attached.
    p.panel.send(panelCommand({ type: 'connect' }));
    await until(() => inspector.attached, 'the panel to attach');
    await region.getOrCreate('user:3', () => ({ name: 'Linus' }));
    await until(() => p.received.some((m) => m.type === 'events' && m.events.some((e) => e.type === 'created' && e.key === 'user:3')), 'the created event');
    const batch = p.received.filter((m): m is Extract<PageMessage, { type: 'events' }> => m.type === 'events').at(-1)!;
    expect(batch.regions[0]!.stats.creations).toBe(1);

    const deleted = await p.ask({ type: 'deleteEntry', requestId: '', regionId: id, key: 'user:1' }, 'result');
    expect(deleted.ok).toBe(true);
    expect(await region.keyIsLocked('user:1')).toBe(false);
    expect((await region.actualBackend.keys!()) as string[]).toEqual(['user:2', 'user:3']);

    const invalidated = await p.ask({ type: 'invalidate', requestId: '', regionId: id, hard: true }, 'result');
    expect(invalidated.ok).toBe(true);
    const after = await p.ask({ type: 'getSnapshot', requestId: '' }, 'snapshot');
    expect(after.regions[0]!.invalidation.state).toBe('hard');
    const stale = await p.ask({ type: 'getEntries', requestId: '', regionId: id, offset: 0, limit: 50, filter: '' }, 'entries');
    expect(stale.entries.map((entry) => entry.status)).toEqual(['hard-invalidated', 'hard-invalidated']);
    inspector.dispose();
  });

  it('registers an in-page fallback region as itself, and unregisters', () => {
    delete (globalThis as Record<symbol, unknown>)[DEVTOOLS_HOOK];
    const region = makeRegion({ name: 'local' }).configure('memory');
    const unregister = registerClientWithDevtools(new InPageRegionClient(region));
    expect(devtoolsHook().regions).toEqual([region]);
    unregister();
    expect(devtoolsHook().regions).toEqual([]);
  });
});
