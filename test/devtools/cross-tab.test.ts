import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeRegion } from 'dogpile-cache';
import { DEVTOOLS_HOOK, Inspector, createMemoryChannel, devtoolsHook, panelCommand, parsePageMessage, parsePanelCommand, type PageMessage, type PanelCommandBody } from 'dogpile-cache/devtools';
import { KEY_LOCK_PREFIX, LIFETIME_LOCK_PREFIX, lockPrefixOf, queryLocks, unescapeLockText } from '../../src/devtools/lock-query.js';
import { Peers, parsePeerMessage } from '../../src/devtools/peers.js';
import { lockSafe } from '../../src/browser/key-locks.js';
import { IN_PROCESS_CLIENT, LockTimeline } from '../../devtools-extension/src/panel/lock-timeline.js';
import { StatsHistory, hitRates } from '../../devtools-extension/src/panel/stats-history.js';
import type { CrossTabInfo, LockInfo, PeerInfo } from '../../src/devtools/protocol.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[DEVTOOLS_HOOK];
});

function harness() {
  delete (globalThis as Record<symbol, unknown>)[DEVTOOLS_HOOK];
  const hook = devtoolsHook();
  const { transport, panel } = createMemoryChannel();
  const received: PageMessage[] = [];
  panel.onMessage((data) => {
    const message = parsePageMessage(data);
    if (message) received.push(message);
  });
  const inspector = new Inspector({ transport, hook, eventInterval: 10_000 });
  let n = 0;
  async function ask<T extends PageMessage['type']>(body: PanelCommandBody, type: T): Promise<Extract<PageMessage, { type: T }>> {
    const requestId = `t${++n}`;
    panel.send(panelCommand({ ...body, requestId } as PanelCommandBody));
    for (let i = 0; i < 100; i++) {
      await tick();
      const found = received.find((m) => m.type === type && 'requestId' in m && m.requestId === requestId);
      if (found) return found as Extract<PageMessage, { type: T }>;
    }
    throw new Error(`no ${type} answer`);
  }
  return { hook, inspector, ask };
}

describe('regions keep their last faults', () => {
  it('records errors without any subscriber, keeps the last 10, and forgets them on resetStats', async () => {
    const region = makeRegion({ name: 'faults' }).configure('memory');
    for (let i = 0; i < 12; i++) {
      await expect(region.getOrCreate(`k${i}`, () => Promise.reject(new Error(`boom ${i}`)))).rejects.toThrow(`boom ${i}`);
    }
    const errors = region.recentErrors;
    expect(errors).toHaveLength(10);
    expect(errors[0]!.key).toBe('k2');
    expect((errors.at(-1)!.error as Error).message).toBe('boom 11');
    expect(typeof errors[0]!.operation).toBe('string');
    region.resetStats();
    expect(region.recentErrors).toEqual([]);
  });

  it('the inspector sends them with the region, stack included, though no panel was attached when they happened', async () => {
    const { hook, inspector, ask } = harness();
    const region = makeRegion({ name: 'faults' }).configure('memory');
    hook.push(region);
    await expect(region.getOrCreate('k', () => Promise.reject(new TypeError('creator broke')))).rejects.toThrow();
    const snapshot = await ask({ type: 'getSnapshot', requestId: '' }, 'snapshot');
    const errors = snapshot.regions[0]!.errors!;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ key: 'k', message: 'TypeError: creator broke' });
    expect(errors[0]!.stack).toContain('creator broke');
    inspector.dispose();
  });
});

describe('entry provenance, storage and region actions', () => {
  it('entries say which origin wrote them and how long the creator ran', async () => {
    const { hook, inspector, ask } = harness();
    const region = makeRegion({ name: 'p' }).configure('memory');
    hook.push(region);
    await region.getOrCreate('made', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 1;
    });
    await region.set('put', 2);
    const [{ id }] = (await ask({ type: 'getSnapshot', requestId: '' }, 'snapshot')).regions;
    const { entries } = await ask({ type: 'getEntries', requestId: '', regionId: id!, offset: 0, limit: 10, filter: '' }, 'entries');
    const made = entries.find((e) => e.key === 'made')!;
    const put = entries.find((e) => e.key === 'put')!;
    const stored = (await region.peekStored('made')).value!.metadata;
    expect(made.origin).toBe(stored.o);
    expect(typeof made.origin).toBe('string');
    expect(made.creationMs).toBe(stored.ct - stored.st!);
    expect(made.creationMs).toBeGreaterThan(0);
    expect(put.origin).toBe(made.origin);
    expect(put.creationMs).toBeNull();
    inspector.dispose();
  });

  it('reports bytes per region that grow with writes, and clears and resets a region on command', async () => {
    const { hook, inspector, ask } = harness();
    const region = makeRegion({ name: 's' }).configure('memory');
    hook.push(region);
    await region.set('a', 'x'.repeat(100));
    const first = (await ask({ type: 'getStorage', requestId: '' }, 'storage')).info.regions[0]!;
    expect(first).toMatchObject({ entries: 1, backend: 'MemoryBackend' });
    expect(first.bytes).toBeGreaterThan(100);
    await region.set('b', 'y'.repeat(1000));
    const second = (await ask({ type: 'getStorage', requestId: '' }, 'storage')).info.regions[0]!;
    expect(second.bytes).toBeGreaterThan(first.bytes! + 1000);

    const id = (await ask({ type: 'getSnapshot', requestId: '' }, 'snapshot')).regions[0]!.id;
    expect(region.stats.sets).toBe(2);
    expect((await ask({ type: 'resetStats', requestId: '', regionId: id }, 'result')).ok).toBe(true);
    expect(region.stats.sets).toBe(0);
    expect((await ask({ type: 'clearRegion', requestId: '', regionId: id }, 'result')).ok).toBe(true);
    expect(await region.storedKeys()).toEqual([]);
    inspector.dispose();
  });

  it('sorts entries by a column and filters them by status, across pages', async () => {
    const { hook, inspector, ask } = harness();
    // An injected clock: the invalidation falls strictly between the writes.
    let clock = 1_000_000;
    const region = makeRegion({ name: 'sorted', now: () => clock }).configure('memory');
    hook.push(region);
    await region.set('k2', 'xx');
    await region.set('k10', 'x');
    await region.set('k1', 'xxxxxxxx');
    clock += 10;
    await region.invalidate(true);
    clock += 10;
    await region.set('k3', 'xxxx');
    const id = (await ask({ type: 'getSnapshot', requestId: '' }, 'snapshot')).regions[0]!.id;
    const page = async (extra: Record<string, unknown>, offset = 0, limit = 10) =>
      (await ask({ type: 'getEntries', requestId: '', regionId: id, offset, limit, filter: '', ...extra } as PanelCommandBody, 'entries')).entries.map((e) => e.key);
    expect(await page({})).toEqual(['k1', 'k2', 'k3', 'k10']);
    expect(await page({ desc: true })).toEqual(['k10', 'k3', 'k2', 'k1']);
    expect(await page({ sort: 'size' })).toEqual(['k10', 'k2', 'k3', 'k1']);
    expect(await page({ sort: 'size', desc: true }, 1, 2)).toEqual(['k3', 'k2']);
    expect(await page({ status: 'fresh' })).toEqual(['k3']);
    expect(await page({ status: 'hard-invalidated', sort: 'key', desc: true })).toEqual(['k10', 'k2', 'k1']);
    const answer = await ask({ type: 'getEntries', requestId: '', regionId: id, offset: 0, limit: 10, filter: '', status: 'hard-invalidated' }, 'entries');
    expect(answer.total).toBe(3);
    // A malformed sort is not a command at all.
    expect(parsePanelCommand({ ...panelCommand({ type: 'getEntries', requestId: 'q', regionId: id, offset: 0, limit: 1, filter: '' }), sort: 'random' })).toBeUndefined();
    inspector.dispose();
  });

  it('expires one entry so that the next read regenerates it, and refuses where it cannot', async () => {
    const { hook, inspector, ask } = harness();
    const region = makeRegion({ name: 'e' }).configure('memory', { expirationTime: 60_000 });
    const forever = makeRegion({ name: 'forever' }).configure('memory');
    hook.push(region, forever);
    await region.set('k', 'old');
    await forever.set('k', 'old');
    const [r1, r2] = (await ask({ type: 'getSnapshot', requestId: '' }, 'snapshot')).regions.map((r) => r.id);
    expect((await ask({ type: 'expireEntry', requestId: '', regionId: r1!, key: 'k' }, 'result')).ok).toBe(true);
    expect((await ask({ type: 'getEntries', requestId: '', regionId: r1!, offset: 0, limit: 5, filter: '' }, 'entries')).entries[0]!.status).toBe('expired');
    expect(await region.getOrCreate('k', () => 'new')).toBe('new');
    const refused = await ask({ type: 'expireEntry', requestId: '', regionId: r2!, key: 'k' }, 'result');
    expect(refused.ok).toBe(false);
    expect(refused.error).toContain('no expiration time');
    expect((await ask({ type: 'expireEntry', requestId: '', regionId: r1!, key: 'missing' }, 'result')).error).toContain('No entry');
    inspector.dispose();
  });

  it("regenerates one entry with the creator that made it in this page, and refuses one it has no creator for", async () => {
    const { hook, inspector, ask } = harness();
    const region = makeRegion({ name: 'g' }).configure('memory', { expirationTime: 60_000 });
    hook.push(region);
    const [id] = (await ask({ type: 'getSnapshot', requestId: '' }, 'snapshot')).regions.map((r) => r.id);
    let runs = 0;
    expect(await region.getOrCreate('k', () => `made ${++runs}`)).toBe('made 1');
    expect(await region.getOrCreate('k', () => `made ${++runs}`)).toBe('made 1'); // a hit: nothing runs
    await region.set('by-set', 'x');
    expect((await ask({ type: 'regenerateEntry', requestId: '', regionId: id!, key: 'k' }, 'result')).ok).toBe(true);
    expect(runs).toBe(2);
    expect(await region.get('k')).toBe('made 2');
    const refused = await ask({ type: 'regenerateEntry', requestId: '', regionId: id!, key: 'by-set' }, 'result');
    expect(refused.ok).toBe(false);
    expect(refused.error).toContain('no creator');
    expect(await region.get('by-set')).toBe('x');
    inspector.dispose();
  });

  it('answers a cross-tab query without Web Locks or peers (Node): no locks, just this page', async () => {
    const { inspector, ask } = harness();
    const { info } = await ask({ type: 'getCrossTab', requestId: '' }, 'crossTab');
    expect(info.locksAvailable).toBe(false);
    expect(info.locks).toEqual([]);
    expect(info.peers).toEqual([]);
    inspector.dispose();
  });
});

describe('lock queries', () => {
  it('unescapes lockSafe text back to the key', () => {
    for (const key of ['plain', 'with:colon', '100%', '%u1234', 'lone \uD800 surrogate']) expect(unescapeLockText(lockSafe(key))).toBe(key);
  });

  it('ties key locks to regions by prefix, lifetime locks to origins, and ignores other locks', async () => {
    const prefix = `${KEY_LOCK_PREFIX}idb:db/store/ns:`;
    const locks = {
      request: () => Promise.resolve(),
      query: async () => ({
        held: [
          { name: `${prefix}${lockSafe('user:1%')}`, mode: 'exclusive', clientId: 'c1' },
          { name: `${LIFETIME_LOCK_PREFIX}origin-1`, mode: 'exclusive', clientId: 'c1' },
          { name: 'someone-else', mode: 'exclusive', clientId: 'c3' },
          { name: 'dogpile-cache:written:1:x', mode: 'exclusive', clientId: 'c3' },
        ],
        pending: [
          { name: `${prefix}${lockSafe('user:1%')}`, mode: 'shared', clientId: 'c2' },
          { name: `${KEY_LOCK_PREFIX}ls:other:k`, mode: 'exclusive', clientId: 'c2' },
        ],
      }),
    } as unknown as LockManager;
    const result = await queryLocks(locks, new Map([[prefix, 'r1']]), 100);
    expect(result.available).toBe(true);
    expect([...result.clients]).toEqual([['c1', 'origin-1']]);
    expect(result.locks).toEqual<LockInfo[]>([
      { name: `${prefix}user:1%25`, state: 'held', mode: 'exclusive', clientId: 'c1', regionId: 'r1', key: 'user:1%' },
      { name: `${prefix}user:1%25`, state: 'pending', mode: 'shared', clientId: 'c2', regionId: 'r1', key: 'user:1%' },
      { name: `${KEY_LOCK_PREFIX}ls:other:k`, state: 'pending', mode: 'exclusive', clientId: 'c2', regionId: null, key: null },
    ]);
  });

  it('reads the key lock prefix from a backend mutex, and none from backends without Web Locks', () => {
    const web = { getMutex: (key: string) => ({ local: {}, shared: { name: `${KEY_LOCK_PREFIX}scope:${key}` } }) };
    expect(lockPrefixOf(web)).toBe(`${KEY_LOCK_PREFIX}scope:`);
    expect(lockPrefixOf({ getMutex: () => null })).toBeUndefined();
    expect(lockPrefixOf(makeRegion().configure('memory').actualBackend)).toBeUndefined();
    expect(lockPrefixOf(undefined)).toBeUndefined();
  });
});

function info(time: number, locks: Array<Partial<LockInfo> & Pick<LockInfo, 'clientId' | 'state'>>, peers: Array<Pick<PeerInfo, 'originId' | 'clientId' | 'self'>> = []): CrossTabInfo {
  return {
    selfOrigin: 'o-a',
    locksAvailable: true,
    time,
    ledger: [],
    timeouts: [],
    peers: peers.map((p) => ({ kind: 'window', visibility: 'visible', frozen: false, listening: true, regions: [], work: [], path: '/', seen: time, ...p })),
    locks: locks.map((l) => ({ name: 'dogpile-cache:2:s:k', mode: 'exclusive', regionId: 'r1', key: 'k', ...l })),
  };
}

describe('the lock timeline', () => {
  it('follows requested, granted and released per client, naming clients by their origin', () => {
    const timeline = new LockTimeline();
    const peers = [
      { originId: 'o-a', clientId: 'ca', self: true },
      { originId: 'o-b', clientId: 'cb', self: false },
    ];
    timeline.update(info(1000, [{ clientId: 'cb', state: 'held' }, { clientId: 'ca', state: 'pending' }], peers));
    timeline.update(info(2000, [{ clientId: 'ca', state: 'held' }], peers));
    timeline.update(info(3000, [], peers));
    const lanes = timeline.lanes();
    expect(lanes.map((l) => [l.clientId, l.originId, l.self])).toEqual([
      ['ca', 'o-a', true],
      ['cb', 'o-b', false],
    ]);
    expect(lanes[0]!.spans).toMatchObject([{ key: 'k', requested: 1000, granted: 2000, released: 3000 }]);
    // Already held when first seen: requested before the panel looked.
    expect(lanes[1]!.spans).toMatchObject([{ key: 'k', requested: null, granted: 1000, released: 2000 }]);
  });

  it('tells a request that vanished unseen as held apart from a release, and forgets old spans', () => {
    const timeline = new LockTimeline({ historyMs: 5000 });
    timeline.update(info(0, [{ clientId: 'c', state: 'pending' }]));
    timeline.update(info(100, []));
    expect(timeline.lanes()[0]!.spans).toMatchObject([{ requested: 0, granted: null, released: 100 }]);
    timeline.update(info(10_000, []));
    expect(timeline.lanes()).toEqual([]);
  });
});

describe('in-process locks on the timeline', () => {
  it('builds this tab\'s in-process lane from lock events, untouched by lock queries', () => {
    const timeline = new LockTimeline();
    timeline.update(info(0, [], [{ originId: 'o-a', clientId: 'ca', self: true }]));
    timeline.local({ type: 'lockAcquired', regionId: 'r2', key: 'm', time: 10 });
    timeline.update(info(20, [], [{ originId: 'o-a', clientId: 'ca', self: true }]));
    expect(timeline.lanes()).toMatchObject([{ clientId: IN_PROCESS_CLIENT, originId: 'o-a', self: true, spans: [{ key: 'm', granted: 10, released: null }] }]);
    timeline.local({ type: 'waited', regionId: 'r2', key: 'm', time: 40, durationMs: 25 });
    timeline.local({ type: 'lockReleased', regionId: 'r2', key: 'm', time: 30 });
    timeline.local({ type: 'hit', regionId: 'r2', key: 'm', time: 50 });
    expect(timeline.lanes()[0]!.spans).toMatchObject([
      { granted: 10, released: 30 },
      { requested: 15, granted: null, released: 40 },
    ]);
  });
});

describe('counter history', () => {
  it('samples at most once per interval and computes hit rates between samples, skipping resets', () => {
    const history = new StatsHistory(1000);
    const stats = (hits: number, misses: number) => ({ hits, misses, creations: 0, waits: 0, staleServed: 0, sets: 0, deletes: 0, invalidations: 0, lockTimeouts: 0, errors: 0 });
    const region = (hits: number, misses: number) => [{ id: 'r', name: 'r', configured: true, backend: [], expirationTime: null, entryCount: 0, invalidation: { state: 'none' as const, at: null }, stats: stats(hits, misses) }];
    history.sample(0, region(0, 0));
    history.sample(500, region(5, 5));
    history.sample(1000, region(3, 1));
    history.sample(2000, region(0, 0));
    history.sample(3000, region(0, 0));
    const samples = history.snapshot().get('r')!;
    expect(samples.map((s) => s.time)).toEqual([0, 1000, 2000, 3000]);
    expect(hitRates(samples)).toEqual([
      { time: 1000, rate: 0.75 },
      { time: 2000, rate: null },
      { time: 3000, rate: null },
    ]);
  });
});

describe('peer messages and the cross-tab protocol', () => {
  it('drops malformed peer messages', () => {
    expect(parsePeerMessage({ t: 'inv', o: 'x', region: 'r', hard: true, at: 1, time: 2, remote: false })).toBeDefined();
    expect(parsePeerMessage({ t: 'inv', o: 'x', region: 'r', hard: 'yes', at: 1, time: 2, remote: false })).toBeUndefined();
    const presence = { originId: 'x', kind: 'window', visibility: 'visible', frozen: false, listening: false, regions: ['r'], work: [{ creations: 1, waits: 2, hits: 3, misses: 4 }], path: '/' };
    expect(parsePeerMessage({ t: 'presence', p: presence })).toEqual({ t: 'presence', p: presence });
    expect(parsePeerMessage({ t: 'presence', p: { ...presence, regions: [1] } })).toBeUndefined();
    expect(parsePeerMessage({ t: 'presence', p: { ...presence, work: [] } })).toBeUndefined();
    expect(parsePeerMessage({ t: 'presence', p: { ...presence, work: [{ creations: -1, waits: 2, hits: 3, misses: 4 }] } })).toBeUndefined();
    expect(parsePeerMessage({ t: 'lt', o: 'x', region: 'r', key: 'k', waitedMs: 300, time: 2 })).toEqual({ t: 'lt', o: 'x', region: 'r', key: 'k', waitedMs: 300, time: 2 });
    expect(parsePeerMessage({ t: 'lt', o: 'x', region: 'r', key: 7, waitedMs: 300, time: 2 })).toBeUndefined();
    expect(parsePeerMessage({ t: 'nope' })).toBeUndefined();
    expect(parsePeerMessage(null)).toBeUndefined();
  });

  it('builds a ledger entry from the issuer and each receiver, once per receiver', () => {
    const peers = new Peers({ originId: 'me', regions: () => [], onWatch: () => {} });
    peers.recordInvalidation('r', true, 50, false, 60);
    peers.recordInvalidation('r', true, 50, true, 61);
    peers.recordInvalidation('r', true, 50, true, 62);
    peers.recordInvalidation('r', false, 70, true, 71);
    expect(peers.ledger()).toEqual([
      { region: 'r', hard: true, at: 50, issuer: 'me', issuedTime: 60, received: [{ originId: 'me', time: 61 }] },
      { region: 'r', hard: false, at: 70, issuer: null, issuedTime: null, received: [{ originId: 'me', time: 71 }] },
    ]);
    peers.dispose();
  });

  it('validates cross-tab answers and the new commands, dropping forged fields', () => {
    const good = { source: 'dogpile-cache-devtools', version: 1, direction: 'from-page', type: 'crossTab', requestId: 'q', info: info(5, [{ clientId: 'c', state: 'held' }], [{ originId: 'o', clientId: 'c', self: true }]) };
    expect(parsePageMessage(good)).toEqual(good);
    // One malformed lock, peer or ledger row: the whole answer is dropped, like every other list.
    expect(parsePageMessage({ ...good, info: { ...good.info, locks: [{ ...good.info.locks[0], state: 'stolen' }] } })).toBeUndefined();
    expect(parsePageMessage({ ...good, info: { ...good.info, peers: [{ ...good.info.peers[0], originId: 5 }] } })).toBeUndefined();
    expect(parsePageMessage({ ...good, info: { ...good.info, ledger: [{ region: 'r', hard: true, at: 1, issuer: null, issuedTime: null, received: 'all' }] } })).toBeUndefined();
    expect(parsePageMessage({ ...good, info: { ...good.info, time: 'now' } })).toBeUndefined();
    const storage = { source: 'dogpile-cache-devtools', version: 1, direction: 'from-page', type: 'storage', requestId: 'q', info: { regions: [{ regionId: 'r', bytes: 10, capped: false, entries: 1, backend: 'B', details: [['database', 'd']] }], usage: 1, quota: 2, persisted: false } };
    expect(parsePageMessage(storage)).toEqual(storage);
    expect(parsePageMessage({ ...storage, info: { ...storage.info, usage: -1 } })).toBeUndefined();
    for (const type of ['getCrossTab', 'getStorage']) expect(parsePanelCommand(panelCommand({ type, requestId: 'q' } as PanelCommandBody))).toBeDefined();
    expect(parsePanelCommand(panelCommand({ type: 'clearRegion', requestId: 'q', regionId: 'r1' }))).toBeDefined();
    expect(parsePanelCommand({ ...panelCommand({ type: 'resetStats', requestId: 'q', regionId: 'r1' }), regionId: 5 })).toBeUndefined();
  });
});

describe('peers over a real BroadcastChannel', () => {
  it('a watching peer makes the others listen, renews, and lets them go when it stops; presence and invalidations travel', async () => {
    const watched: boolean[] = [];
    const work = { creations: 1, waits: 2, hits: 3, misses: 4 };
    // A lease long enough that a busy machine's late timers (a renewal every third of it) do not end it.
    const leaseMs = 600;
    const watcher = new Peers({ originId: 'tab-a', regions: () => [], onWatch: () => {}, leaseMs });
    const other = new Peers({ originId: 'tab-b', regions: () => [{ name: 'posts', work }], onWatch: (w) => watched.push(w), leaseMs });
    watcher.setWatching(true);
    await vi.waitFor(() => expect(watched).toEqual([true]));
    await vi.waitFor(() => expect(watcher.peers(new Map()).find((p) => p.originId === 'tab-b')).toMatchObject({ listening: true, regions: ['posts'], work: [work], self: false }));
    // Renewed while watching: still listening after several leases (nothing to wait for: nothing must happen).
    await new Promise((resolve) => setTimeout(resolve, 3 * leaseMs));
    expect(watched).toEqual([true]);
    other.recordInvalidation('posts', false, 123, false, 124);
    watcher.recordInvalidation('posts', false, 123, true, 130);
    await vi.waitFor(() => expect(watcher.ledger()).toEqual([{ region: 'posts', hard: false, at: 123, issuer: 'tab-b', issuedTime: 124, received: [{ originId: 'tab-a', time: 130 }] }]));
    watcher.setWatching(false);
    // The lease runs out without renewals.
    await vi.waitFor(() => expect(watched).toEqual([true, false]), { timeout: 10 * leaseMs });
    other.dispose();
    await vi.waitFor(() => expect(watcher.peers(new Map()).map((p) => p.originId)).toEqual(['tab-a']));
    watcher.dispose();
  });

  it('an inspector subscribes to its regions only while some panel of the origin watches', async () => {
    delete (globalThis as Record<symbol, unknown>)[DEVTOOLS_HOOK];
    const hook = devtoolsHook();
    const region = makeRegion({ name: 'watched' }).configure('memory');
    const subscribe = vi.spyOn(region, 'subscribe');
    hook.push(region);
    const quiet = new Inspector({ transport: createMemoryChannel().transport, hook, peers: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(subscribe).not.toHaveBeenCalled();
    const { transport, panel } = createMemoryChannel();
    // The inspected page has no region of its own: only the watched one can subscribe.
    const empty = { version: 1 as const, regions: [], push: () => 0, remove() {}, listen: () => () => {} };
    const inspected = new Inspector({ transport, hook: empty, peers: true });
    panel.send(panelCommand({ type: 'connect' }));
    await vi.waitFor(() => expect(subscribe).toHaveBeenCalledTimes(1));
    inspected.dispose();
    quiet.dispose();
  });
});
