import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeRegion } from 'dogpile-cache';
import { DEVTOOLS_HOOK, Inspector, createMemoryChannel, devtoolsHook, pageMessage, type InspectorTransport } from 'dogpile-cache/devtools';
import { memoryAdapter, type AdapterEvent, type PanelAdapter } from '../../devtools-extension/src/panel/adapter.js';
import { PanelClient } from '../../devtools-extension/src/panel/client.js';

/** A page (inspector + regions) and a panel client joined by a memory channel. */
function setup(options: { answerTimeout?: number } = {}) {
  delete (globalThis as Record<symbol, unknown>)[DEVTOOLS_HOOK];
  const hook = devtoolsHook();
  const { transport, panel } = createMemoryChannel();
  let inject!: (event: AdapterEvent) => void;
  const base = memoryAdapter(panel, 'http://app.test');
  const sent: unknown[] = [];
  const adapter: PanelAdapter = {
    start(listener) {
      inject = listener;
      base.start(listener);
    },
    send(command) {
      sent.push(command);
      base.send(command);
    },
    probe: () => base.probe(),
    stop: () => base.stop(),
  };
  const client = new PanelClient(adapter, { pageSize: 50, answerTimeout: options.answerTimeout ?? 2000, reloadGrace: 10 });
  return { hook, transport, client, sent, inject: (event: AdapterEvent) => inject(event) };
}

function page(transport: InspectorTransport, hook = devtoolsHook()) {
  const users = makeRegion({ name: 'users' }).configure('memory', { expirationTime: 60_000 });
  const posts = makeRegion({ name: 'posts' }).configure('memory');
  hook.push(users, posts);
  const inspector = new Inspector({ transport, hook, eventInterval: 5 });
  return { users, posts, inspector };
}

afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[DEVTOOLS_HOOK];
});

describe('panel client', () => {
  it('connects, shows regions, pages through entries and filters them', async () => {
    const s = setup();
    const { users, inspector } = page(s.transport, s.hook);
    for (let i = 0; i < 120; i++) await users.set(`k${String(i).padStart(3, '0')}`, i);
    s.client.start();
    await vi.waitFor(() => expect(s.client.state.connection.state).toBe('connected'));
    expect(s.client.state.origin).toBe('http://app.test');
    expect(s.client.state.regions.map((r) => [r.name, r.entryCount])).toEqual([
      ['users', 120],
      ['posts', 0],
    ]);

    s.client.selectRegion('r1');
    await vi.waitFor(() => expect(s.client.state.entries?.total).toBe(120));
    expect(s.client.state.entries!.rows.size).toBe(50);
    s.client.showRows(110, 119);
    await vi.waitFor(() => expect(s.client.state.entries!.rows.get(119)?.key).toBe('k119'));
    expect(s.client.state.entries!.rows.has(60)).toBe(false);

    s.client.setFilter('k11');
    await vi.waitFor(() => expect(s.client.state.entries?.total).toBe(10));
    expect([...s.client.state.entries!.rows.values()].map((e) => e.key)[0]).toBe('k110');
    inspector.dispose();
    s.client.dispose();
  });

  it('logs events, updates counters and reloads entries when they change', async () => {
    const s = setup();
    const { users, inspector } = page(s.transport, s.hook);
    s.client.start();
    await vi.waitFor(() => expect(s.client.state.connection.state).toBe('connected'));
    s.client.selectRegion('r1');
    await vi.waitFor(() => expect(s.client.state.entries?.total).toBe(0));
    await users.getOrCreate('a', () => 1);
    await users.get('a');
    await vi.waitFor(() => expect(s.client.state.log.map((e) => e.type)).toEqual(['miss', 'lockAcquired', 'created', 'set', 'lockReleased', 'hit']));
    expect(s.client.state.regions[0]!.stats).toMatchObject({ hits: 1, misses: 1, creations: 1 });
    await vi.waitFor(() => expect(s.client.state.entries?.total).toBe(1));
    s.client.clearLog();
    expect(s.client.state.log).toEqual([]);
    inspector.dispose();
    s.client.dispose();
  });

  it('shows a value on demand and acts on the page: invalidate and delete', async () => {
    const s = setup();
    const { users, inspector } = page(s.transport, s.hook);
    await users.set('a', { name: 'Ada' });
    await users.set('b', 2);
    s.client.start();
    await vi.waitFor(() => expect(s.client.state.connection.state).toBe('connected'));
    s.client.selectRegion('r1');
    await s.client.showValue('a');
    expect(s.client.state.value).toMatchObject({ key: 'a', status: 'loaded', found: true, preview: { t: 'object', entries: [['name', { t: 'string', v: 'Ada' }]] } });

    expect(await s.client.invalidate('r1', false)).toBe(true);
    expect(users.regionInvalidator.wasSoftInvalidated()).toBe(true);
    expect(s.client.state.notice).toEqual({ text: 'users: soft-invalidated.', ok: true });
    await vi.waitFor(() => expect(s.client.state.regions[0]!.invalidation.state).toBe('soft'));

    expect(await s.client.deleteEntry('a')).toBe(true);
    expect(s.client.state.value).toBeNull();
    expect(await users.get('a', { ignoreExpiration: true })).toBe(Symbol.for('dogpile-cache.NO_VALUE'));
    await vi.waitFor(() => expect(s.client.state.entries?.total).toBe(1));

    expect(await s.client.invalidate('r404', true)).toBe(false);
    expect(s.client.state.notice?.ok).toBe(false);
    inspector.dispose();
    s.client.dispose();
  });

  it('drops malformed and hostile page data without changing what it shows', async () => {
    const s = setup();
    const { inspector } = page(s.transport, s.hook);
    s.client.start();
    await vi.waitFor(() => expect(s.client.state.connection.state).toBe('connected'));
    const before = s.client.state;
    for (const data of [
      null,
      { type: 'snapshot', regions: [] },
      { ...pageMessage({ type: 'events', events: [], dropped: 0, regions: [] }), events: 'lots' },
      { ...pageMessage({ type: 'snapshot', inspectorId: 'x', requestId: null, regions: [] }), version: 0 },
      { ...pageMessage({ type: 'value', requestId: 'q', regionId: 'r1', key: 'a', found: true, created: 1, preview: null }), preview: { t: 'script', v: 'alert(1)' } },
    ]) {
      s.inject({ kind: 'page', origin: 'http://app.test', data });
    }
    expect(s.client.state).toBe(before);
    inspector.dispose();
    s.client.dispose();
  });

  it('says no cache was found: no inspector, no content script, or no answer', async () => {
    const s = setup({ answerTimeout: 20 });
    s.client.start();
    // Nothing runs on the page side: the memory adapter says "connected" and nobody answers.
    await vi.waitFor(() => expect(s.client.state.connection).toEqual({ state: 'not-found', reason: 'no-answer', detail: null }));
    s.inject({ kind: 'status', status: 'connected', inspector: false, origin: 'http://x.test', url: 'http://x.test/' });
    expect(s.client.state.connection).toMatchObject({ state: 'not-found', reason: 'no-inspector' });
    s.inject({ kind: 'status', status: 'no-content-script', detail: 'reload the page' });
    expect(s.client.state.connection).toEqual({ state: 'not-found', reason: 'no-content-script', detail: 'reload the page' });
    // An inspector that starts later is picked up.
    const { inspector } = page(s.transport, s.hook);
    await vi.waitFor(() => expect(s.client.state.connection.state).toBe('connected'));
    expect(s.client.state.regions).toHaveLength(2);
    inspector.dispose();
    s.client.dispose();
  });

  it('follows a reloaded page and keeps the selected region by name', async () => {
    const s = setup();
    const first = page(s.transport, s.hook);
    s.client.start();
    await vi.waitFor(() => expect(s.client.state.connection.state).toBe('connected'));
    s.client.selectRegion('r2');
    const firstId = s.client.state.inspectorId;
    first.inspector.dispose();
    s.inject({ kind: 'status', status: 'page-gone' });
    expect(s.client.state.connection.state).toBe('reloading');
    // The new page registers its regions in another order.
    delete (globalThis as Record<symbol, unknown>)[DEVTOOLS_HOOK];
    const hook = devtoolsHook();
    const posts = makeRegion({ name: 'posts' }).configure('memory');
    await posts.set('p', 1);
    hook.push(posts, makeRegion({ name: 'users' }).configure('memory'));
    const second = new Inspector({ transport: s.transport, hook });
    await vi.waitFor(() => expect(s.client.state.inspectorId).toBe(second.id));
    expect(second.id).not.toBe(firstId);
    expect(s.client.state.connection.state).toBe('connected');
    expect(s.client.state.selectedRegionId).toBe('r1');
    await vi.waitFor(() => expect(s.client.state.entries?.total).toBe(1));
    second.dispose();
    s.client.dispose();
  });
});

describe('panel client: cross-tab views and entry order', () => {
  it('polls the page for locks and tabs, builds the in-process lane from lock events, and sends sort and status', async () => {
    const s = setup();
    const { users, inspector } = page(s.transport, s.hook);
    await users.set('b', 'xx');
    await users.set('a', 'xxxxxx');
    s.client.start();
    await vi.waitFor(() => expect(s.client.state.crossTab).not.toBeNull());
    expect(s.client.state.crossTab!.locksAvailable).toBe(false);

    // A memory region locks in-process: its lane comes from the lock events.
    let finish!: () => void;
    const pending = users.getOrCreate('slow', () => new Promise((resolve) => (finish = () => resolve(1))));
    await vi.waitFor(() => expect(s.client.state.lanes[0]?.spans.some((span) => span.key === 'slow' && span.released === null)).toBe(true));
    finish();
    await pending;
    await vi.waitFor(() => expect(s.client.state.lanes[0]?.spans.find((span) => span.key === 'slow')?.released).not.toBeNull());

    s.client.selectRegion('r1');
    await vi.waitFor(() => expect([...s.client.state.entries!.rows.values()].map((e) => e.key)).toEqual(['a', 'b', 'slow']));
    s.client.setSort('size');
    await vi.waitFor(() => expect([...s.client.state.entries!.rows.values()].map((e) => e.key)).toEqual(['slow', 'b', 'a']));
    s.client.setSort('size');
    await vi.waitFor(() => expect(s.client.state.entries!.order).toEqual({ sort: 'size', desc: true, status: '' }));
    await vi.waitFor(() => expect([...s.client.state.entries!.rows.values()].map((e) => e.key)).toEqual(['a', 'b', 'slow']));
    s.client.setStatusFilter('absent');
    await vi.waitFor(() => expect(s.client.state.entries!.total).toBe(0));
    const last = s.sent.filter((c) => (c as { type?: string }).type === 'getEntries').at(-1);
    expect(last).toMatchObject({ sort: 'size', desc: true, status: 'absent' });
    s.client.dispose();
    inspector.dispose();
  });
});
