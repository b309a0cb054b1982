import { afterEach, describe, expect, it, vi } from 'vitest';
import { CacheBackend, CachedValue, MemoryBackend, NO_VALUE, ProxyBackend, type NoValue, VALUE_VERSION, makeRegion, type CacheRegion } from 'dogpile-cache';
import {
  DEVTOOLS_HOOK,
  Inspector,
  createMemoryChannel,
  devtoolsHook,
  inspect,
  panelCommand,
  parsePageMessage,
  registerRegion,
  type PageMessage,
  type PanelCommandBody,
} from 'dogpile-cache/devtools';

/** An inspector on a memory channel, with helpers to ask it things as a panel would. */
function harness(options: { eventInterval?: number; now?: () => number } = {}) {
  const hook = freshHook();
  const { transport, panel } = createMemoryChannel();
  const received: PageMessage[] = [];
  const raw: unknown[] = [];
  panel.onMessage((data) => {
    raw.push(data);
    const message = parsePageMessage(data);
    if (message) received.push(message);
  });
  const make = () => new Inspector({ transport, hook, eventInterval: options.eventInterval ?? 10_000, now: options.now });
  let n = 0;
  async function ask<T extends PageMessage['type']>(body: PanelCommandBody, type: T): Promise<Extract<PageMessage, { type: T }>> {
    const requestId = `t${++n}`;
    panel.send(panelCommand({ ...body, requestId } as PanelCommandBody));
    for (let i = 0; i < 50; i++) {
      await tick();
      const found = received.find((m) => m.type === type && 'requestId' in m && m.requestId === requestId);
      if (found) return found as Extract<PageMessage, { type: T }>;
    }
    throw new Error(`no ${type} answer`);
  }
  return { hook, panel, received, raw, make, ask };
}

/** Each test gets its own queue, as if on a fresh page. */
function freshHook() {
  delete (globalThis as Record<symbol, unknown>)[DEVTOOLS_HOOK];
  return devtoolsHook();
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[DEVTOOLS_HOOK];
});

class TagProxy extends ProxyBackend {}

/** A backend without keys(): its entries cannot be listed. */
class NoKeysBackend extends CacheBackend {
  get(): Promise<NoValue> {
    return Promise.resolve(NO_VALUE);
  }
  set(): Promise<void> {
    return Promise.resolve();
  }
  delete(): Promise<void> {
    return Promise.resolve();
  }
}

describe('registration queue', () => {
  it('serves regions registered before and after the inspector starts', async () => {
    const h = harness();
    const before = makeRegion({ name: 'before' }).configure('memory');
    registerRegion(before);
    const inspector = h.make();
    const after = makeRegion({ name: 'after' }).configure('memory');
    registerRegion(after);
    expect(inspector.regionCount).toBe(2);
    const snapshot = await h.ask({ type: 'getSnapshot', requestId: '' }, 'snapshot');
    expect(snapshot.regions.map((r) => r.name)).toEqual(['before', 'after']);
    inspector.dispose();
  });

  it('takes over an array queued by code that does not import the devtools', () => {
    delete (globalThis as Record<symbol, unknown>)[DEVTOOLS_HOOK];
    const region = makeRegion({ name: 'queued' }).configure('memory');
    const scope = globalThis as unknown as Record<symbol, unknown[]>;
    (scope[DEVTOOLS_HOOK] ??= []).push(region, { not: 'a region' });
    const hook = devtoolsHook();
    expect(hook.regions).toEqual([region]);
    // Later pushes in the same one-liner style still work.
    const other = makeRegion({ name: 'other' }).configure('memory');
    (scope[DEVTOOLS_HOOK] as unknown as { push(...items: unknown[]): number }).push(other, other);
    expect(hook.regions).toEqual([region, other]);
  });

  it('unregisters', () => {
    const hook = freshHook();
    const region = makeRegion().configure('memory');
    const unregister = registerRegion(region);
    expect(hook.regions).toHaveLength(1);
    unregister();
    expect(hook.regions).toHaveLength(0);
    expect(() => registerRegion({} as CacheRegion)).toThrow(TypeError);
  });

  it('inspect() in Node registers the regions and starts nothing without a window', () => {
    const hook = freshHook();
    const region = makeRegion().configure('memory');
    expect(inspect(region)).toBeUndefined();
    expect(hook.regions).toEqual([region]);
  });
});

describe('inspector', () => {
  it('says hello, then sends a snapshot on connect with backend chain, expiration, counts and counters', async () => {
    const h = harness();
    const users = makeRegion({ name: 'users' }).configure('memory', { expirationTime: 60_000, wrap: [TagProxy] });
    const forever = makeRegion({ name: 'forever' }).configure('memory');
    registerRegion(users);
    registerRegion(forever);
    await users.set('a', 1);
    await users.getOrCreate('b', () => 2);
    await users.get('a');
    const inspector = h.make();
    await tick();
    expect(h.received[0]).toMatchObject({ type: 'hello', inspectorId: inspector.id, regionCount: 2 });
    h.panel.send(panelCommand({ type: 'connect' }));
    await tick();
    await tick();
    const snapshot = h.received.find((m) => m.type === 'snapshot');
    expect(snapshot).toBeDefined();
    if (snapshot?.type !== 'snapshot') return;
    expect(snapshot.requestId).toBeNull();
    const [u, f] = snapshot.regions;
    expect(u).toMatchObject({
      name: 'users',
      configured: true,
      backend: ['TagProxy', 'MemoryBackend'],
      expirationTime: 60_000,
      entryCount: 2,
      invalidation: { state: 'none', at: null },
    });
    expect(u!.stats).toMatchObject({ hits: 1, misses: 1, creations: 1, sets: 2 });
    expect(f).toMatchObject({ name: 'forever', expirationTime: null, entryCount: 0 });
    expect(inspector.attached).toBe(true);
    inspector.dispose();
  });

  it('holds no region subscription and builds no events while no panel is attached', async () => {
    const h = harness();
    const region = makeRegion({ name: 'r' }).configure('memory');
    const subscribe = vi.spyOn(region, 'subscribe');
    registerRegion(region);
    const inspector = h.make();
    for (let i = 0; i < 100; i++) await region.getOrCreate(`k${i % 10}`, () => i);
    expect(subscribe).not.toHaveBeenCalled();
    h.panel.send(panelCommand({ type: 'connect' }));
    await tick();
    expect(subscribe).toHaveBeenCalledTimes(1);
    h.panel.send(panelCommand({ type: 'disconnect' }));
    await tick();
    expect(inspector.attached).toBe(false);
    // Events after the panel left are not collected.
    await region.set('late', 1);
    await inspector.flush();
    expect(h.received.filter((m) => m.type === 'events')).toHaveLength(0);
    inspector.dispose();
  });

  it('tells other tabs\' writes and deletes from this tab\'s, with the writer', async () => {
    // A backend whose change feed reports what another tab did, as shared backends do.
    class FeedBackend extends MemoryBackend {
      report(kind: 'set' | 'delete', key: string, origin: string): void {
        this.notifyChange({ kind, key, origin, ...(kind === 'set' ? { ct: 1 } : {}) });
      }
    }
    const backend = new FeedBackend({});
    const h = harness();
    const region = makeRegion({ name: 'feed' }).configure(backend);
    registerRegion(region);
    const inspector = h.make();
    h.panel.send(panelCommand({ type: 'connect' }));
    await tick();
    backend.report('set', 'k', 'tab-b');
    backend.report('delete', 'k', 'tab-c');
    await inspector.flush();
    await tick();
    const batch = h.received.find((m) => m.type === 'events');
    if (batch?.type !== 'events') throw new Error('no batch');
    expect(batch.events).toMatchObject([
      { type: 'set', key: 'k', remote: true, origin: 'tab-b' },
      { type: 'delete', key: 'k', remote: true, origin: 'tab-c' },
    ]);
  });

  it('batches events while attached, with the touched regions, keeping the newest on bursts', async () => {
    const h = harness();
    const region = makeRegion({ name: 'r' }).configure('memory', { expirationTime: 1000 });
    registerRegion(region);
    const inspector = h.make();
    h.panel.send(panelCommand({ type: 'connect' }));
    await tick();
    await region.getOrCreate('k', () => 'v');
    await region.get('k');
    await region.invalidate(false);
    await inspector.flush();
    await tick();
    const batch = h.received.find((m) => m.type === 'events');
    if (batch?.type !== 'events') throw new Error('no batch');
    expect(batch.events.map((e) => e.type)).toEqual(['miss', 'lockAcquired', 'created', 'set', 'lockReleased', 'hit', 'invalidated']);
    expect(batch.events.find((e) => e.type === 'invalidated')).toMatchObject({ hard: false, remote: false });
    expect(batch.events.find((e) => e.type === 'created')).toMatchObject({ key: 'k', cached: true });
    expect(batch.events.find((e) => e.type === 'set')).toMatchObject({ key: 'k', remote: false });
    expect(batch.regions).toHaveLength(1);
    expect(batch.regions[0]!.invalidation.state).toBe('soft');
    expect(batch.dropped).toBe(0);

    for (let i = 0; i < 500; i++) await region.set(`s${i}`, i);
    await inspector.flush();
    await tick();
    const burst = h.received.filter((m) => m.type === 'events').at(-1);
    if (burst?.type !== 'events') throw new Error('no burst');
    expect(burst.events).toHaveLength(200);
    expect(burst.dropped).toBe(300);
    expect(burst.events.at(-1)).toMatchObject({ type: 'set', key: 's499' });
    inspector.dispose();
  });

  it('sends events on its own after the interval', async () => {
    const h = harness({ eventInterval: 5 });
    const region = makeRegion({ name: 'r' }).configure('memory');
    registerRegion(region);
    const inspector = h.make();
    h.panel.send(panelCommand({ type: 'connect' }));
    await tick();
    await region.set('a', 1);
    await region.set('b', 2);
    await vi.waitFor(() => expect(h.received.some((m) => m.type === 'events')).toBe(true));
    const batches = h.received.filter((m) => m.type === 'events');
    expect(batches).toHaveLength(1);
    inspector.dispose();
  });

  it('lists keys in natural order', async () => {
    const h = harness();
    const region = makeRegion({ name: 'r' }).configure('memory');
    registerRegion(region);
    h.make();
    for (const i of [10, 2, 1, 0]) await region.set(`bulk:${i}`, i);
    const page = await h.ask({ type: 'getEntries', requestId: '', regionId: 'r1', offset: 0, limit: 10, filter: 'bulk' }, 'entries');
    expect(page.entries.map((e) => e.key)).toEqual(['bulk:0', 'bulk:1', 'bulk:2', 'bulk:10']);
  });

  it('lists entries sorted, paged and filtered, with size, times, status and lock', async () => {
    let now = 1_000_000;
    const h = harness({ now: () => now });
    const region = makeRegion({ name: 'r', now: () => now }).configure('memory', { expirationTime: 1000 });
    registerRegion(region);
    const inspector = h.make();
    for (let i = 0; i < 250; i++) await region.set(`key-${String(i).padStart(3, '0')}`, { i, text: 'x'.repeat(10) });
    now += 500;
    await region.set('key-fresh', 'abc');
    now += 600; // the first 250 are now 1100 ms old: expired; key-fresh is 600 ms old
    let release!: () => void;
    const creating = region.getOrCreate('key-locked', () => new Promise((resolve) => (release = () => resolve('L'))));
    await tick();

    const page = await h.ask({ type: 'getEntries', requestId: '', regionId: 'r1', offset: 100, limit: 100, filter: '' }, 'entries');
    expect(page.total).toBe(251);
    expect(page.entries).toHaveLength(100);
    expect(page.entries[0]!.key).toBe('key-100');
    expect(page.entries[0]).toMatchObject({ status: 'expired', created: 1_000_000, expiresAt: 1_001_000, locked: false, keyTruncated: false });
    expect(page.entries[0]!.size).toBeGreaterThan(20);

    const filtered = await h.ask({ type: 'getEntries', requestId: '', regionId: 'r1', offset: 0, limit: 10, filter: 'FRESH' }, 'entries');
    expect(filtered.total).toBe(1);
    expect(filtered.entries[0]).toMatchObject({ key: 'key-fresh', status: 'fresh', size: 3 });

    // The key being created has no entry yet, so it is not listed; its lock shows once it is stored and locked again.
    release();
    await creating;
    now += 1;
    await region.invalidate(true);
    const after = await h.ask({ type: 'getEntries', requestId: '', regionId: 'r1', offset: 0, limit: 500, filter: 'key-' }, 'entries');
    expect(new Set(after.entries.map((e) => e.status))).toEqual(new Set(['hard-invalidated']));
    inspector.dispose();
  });

  it('shows the lock of a key whose value is being regenerated', async () => {
    let now = 5_000;
    const h = harness({ now: () => now });
    const region = makeRegion({ name: 'r', now: () => now }).configure('memory', { expirationTime: 100 });
    registerRegion(region);
    const inspector = h.make();
    await region.set('k', 'old');
    now += 1000;
    let release!: () => void;
    const first = region.getOrCreate('k', () => new Promise<string>((resolve) => (release = () => resolve('new'))));
    await tick();
    const during = await h.ask({ type: 'getEntries', requestId: '', regionId: 'r1', offset: 0, limit: 10, filter: '' }, 'entries');
    expect(during.entries[0]).toMatchObject({ key: 'k', status: 'expired', locked: true });
    release();
    await first;
    const done = await h.ask({ type: 'getEntries', requestId: '', regionId: 'r1', offset: 0, limit: 10, filter: '' }, 'entries');
    expect(done.entries[0]).toMatchObject({ key: 'k', status: 'fresh', locked: false });
    inspector.dispose();
  });

  it('reports unreadable entries and backends that cannot list keys', async () => {
    const h = harness();
    const region = makeRegion({ name: 'r' }).configure('memory');
    const noKeys = makeRegion({ name: 'nokeys' }).configure(new NoKeysBackend());
    registerRegion(region);
    registerRegion(noKeys);
    const inspector = h.make();
    await region.actualBackend.set('old', new CachedValue('x', { ct: 1, v: VALUE_VERSION - 1 }));
    const entries = await h.ask({ type: 'getEntries', requestId: '', regionId: 'r1', offset: 0, limit: 10, filter: '' }, 'entries');
    expect(entries.entries[0]).toMatchObject({ key: 'old', status: 'unreadable', created: null });
    const none = await h.ask({ type: 'getEntries', requestId: '', regionId: 'r2', offset: 0, limit: 10, filter: '' }, 'entries');
    expect(none.listable).toBe(false);
    expect(none.reason).toMatch(/cannot list its keys/);
    const missing = await h.ask({ type: 'getEntries', requestId: '', regionId: 'r9', offset: 0, limit: 10, filter: '' }, 'entries');
    expect(missing).toMatchObject({ listable: false, total: 0 });
    inspector.dispose();
  });

  it('sends a value only when asked, truncated, without counting a read', async () => {
    const h = harness();
    const region = makeRegion({ name: 'r' }).configure('memory');
    registerRegion(region);
    const inspector = h.make();
    const cyclic: Record<string, unknown> = { big: 'y'.repeat(5000), list: Array.from({ length: 300 }, (_, i) => i) };
    cyclic.self = cyclic;
    await region.set('k', cyclic);
    const before = region.stats;
    expect(h.raw.some((data) => JSON.stringify(data).includes('yyyy'))).toBe(false);
    const value = await h.ask({ type: 'getValue', requestId: '', regionId: 'r1', key: 'k' }, 'value');
    expect(value.found).toBe(true);
    expect(value.preview).toMatchObject({ t: 'object', className: 'Object', size: 3 });
    if (value.preview?.t !== 'object') throw new Error('not an object preview');
    const fields = Object.fromEntries(value.preview.entries);
    expect(fields.big).toMatchObject({ t: 'string', length: 5000 });
    expect((fields.big as { v: string }).v).toHaveLength(1000);
    expect(fields.list).toMatchObject({ t: 'array', length: 300 });
    expect((fields.list as { items: unknown[] }).items).toHaveLength(100);
    expect(fields.self).toEqual({ t: 'circular' });
    expect(region.stats).toEqual(before);
    const absent = await h.ask({ type: 'getValue', requestId: '', regionId: 'r1', key: 'nope' }, 'value');
    expect(absent).toMatchObject({ found: false, preview: null });
    inspector.dispose();
  });

  it('invalidates a region and deletes an entry on command, answering with the result', async () => {
    const h = harness();
    const region = makeRegion({ name: 'r', keyMangler: (key) => `m:${key}` }).configure('memory', { expirationTime: 60_000 });
    registerRegion(region);
    const inspector = h.make();
    await region.set('a', 1);
    await region.set('b', 2);
    const soft = await h.ask({ type: 'invalidate', requestId: '', regionId: 'r1', hard: false }, 'result');
    expect(soft).toMatchObject({ ok: true, error: null });
    expect(region.regionInvalidator.wasSoftInvalidated()).toBe(true);
    const hard = await h.ask({ type: 'invalidate', requestId: '', regionId: 'r1', hard: true }, 'result');
    expect(hard.ok).toBe(true);
    expect(region.regionInvalidator.wasHardInvalidated()).toBe(true);
    const deleted = await h.ask({ type: 'deleteEntry', requestId: '', regionId: 'r1', key: 'm:a' }, 'result');
    expect(deleted.ok).toBe(true);
    expect(await (region.actualBackend as MemoryBackend).keys()).toEqual(['m:b']);
    const failed = await h.ask({ type: 'invalidate', requestId: '', regionId: 'r7', hard: true }, 'result');
    expect(failed).toMatchObject({ ok: false });
    expect(failed.error).toMatch(/No region "r7"/);
    inspector.dispose();
  });

  it('ignores malformed and foreign commands', async () => {
    const h = harness();
    const region = makeRegion({ name: 'r' }).configure('memory');
    registerRegion(region);
    const inspector = h.make();
    await tick();
    const sent = h.received.length;
    for (const junk of [
      null,
      'connect',
      { type: 'connect' },
      { source: 'dogpile-cache-devtools', version: 2, direction: 'to-page', type: 'connect' },
      { source: 'dogpile-cache-devtools', version: 1, direction: 'from-page', type: 'connect' },
      { source: 'dogpile-cache-devtools', version: 1, direction: 'to-page', type: 'invalidate', requestId: 'x', regionId: 'r1', hard: 'yes' },
      { source: 'dogpile-cache-devtools', version: 1, direction: 'to-page', type: 'eval', code: 'alert(1)' },
    ]) {
      h.panel.send(junk);
    }
    await tick();
    await tick();
    expect(h.received.length).toBe(sent);
    expect(region.stats.invalidations).toBe(0);
    expect(inspector.attached).toBe(false);
    inspector.dispose();
  });
});
