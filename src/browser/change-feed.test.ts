import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChangeChannel, type ChannelChange } from './change-channel.js';
import { ChangeOrder } from './change-order.js';

describe('ChangeOrder', () => {
  it('drops changes older than the newest heard for their key, per key', () => {
    const order = new ChangeOrder();
    expect(order.accept('a', 100)).toBe(true);
    expect(order.accept('a', 90)).toBe(false);
    expect(order.accept('a', 100)).toBe(true);
    expect(order.accept('a', 110)).toBe(true);
    expect(order.accept('b', 50)).toBe(true);
    order.record('b', 200);
    expect(order.accept('b', 150)).toBe(false);
  });

  it('takes a change of unknown time as news without moving the record', () => {
    const order = new ChangeOrder();
    order.accept('a', 100);
    expect(order.accept('a', undefined)).toBe(true);
    expect(order.accept('a', 99)).toBe(false);
    order.clear();
    expect(order.accept('a', 99)).toBe(true);
  });
});

describe('ChangeChannel', () => {
  const open: ChangeChannel[] = [];
  afterEach(() => open.splice(0).forEach((c) => c.close()));

  it("delivers other tabs' changes with their origin, never a tab's own, and nothing once closed", async () => {
    const name = `test-${Math.random()}`;
    const heard: Array<[string, string, readonly ChannelChange[]]> = [];
    const a = new ChangeChannel(name, 'tab-a', (origin, changes) => heard.push(['a', origin, changes]));
    const b = new ChangeChannel(name, 'tab-b', (origin, changes) => heard.push(['b', origin, changes]));
    const c = new ChangeChannel(name, 'tab-c', (origin, changes) => heard.push(['c', origin, changes]));
    open.push(a, b, c);
    c.close();
    a.publish([{ kind: 'set', key: 'k', time: 1 }, { kind: 'delete', key: 'j', time: 2 }]);
    a.publish([]);
    // Delivered when the loop gets to it: wait for B's copy, then a moment for anything that should not come.
    await vi.waitFor(() => expect(heard).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toEqual([['b', 'tab-a', [{ kind: 'set', key: 'k', time: 1 }, { kind: 'delete', key: 'j', time: 2 }]]]);
    c.publish([{ kind: 'set', key: 'x', time: 3 }]); // closed: posts nothing, throws nothing
  });

  it('ignores foreign messages on the channel', async () => {
    const name = `test-${Math.random()}`;
    const heard: unknown[] = [];
    open.push(new ChangeChannel(name, 'tab-a', (...args) => heard.push(args)));
    const foreign = new BroadcastChannel(name);
    for (const data of [null, 'x', { tag: 'other' }, { tag: 'dogpile-cache.change', origin: 'z', changes: [{ kind: 'set', key: 1, time: 1 }] }]) foreign.postMessage(data);
    await new Promise((resolve) => setTimeout(resolve, 50));
    foreign.close();
    expect(heard).toEqual([]);
  });
});

describe('IndexedDB change feed (Node: the channel side only)', () => {
  it('reports posts from other tabs while a region is bound, drops older news, and stops once the last region unbinds', async () => {
    const { IndexedDBBackend } = await import('./indexeddb/backend.js');
    const dbName = `feed-${Math.random()}`;
    const backend = new IndexedDBBackend({ dbName });
    const heard: unknown[] = [];
    backend.onChange((change) => heard.push(change));
    const first = { name: 'r', expirationTime: undefined, now: Date.now };
    const second = { name: 'r', expirationTime: undefined, now: Date.now };
    backend.bindRegion(first);
    backend.bindRegion(second);
    const other = new BroadcastChannel(`dogpile-cache:changes:idb:${encodeURIComponent(dbName)}/entries/r`);
    const post = (changes: ChannelChange[]) => other.postMessage({ tag: 'dogpile-cache.change', origin: 'tab-x', changes });
    // For what must not be heard only: what must be heard is waited for.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
    post([{ kind: 'set', key: 'k', time: 200 }]);
    await vi.waitFor(() => expect(heard).toHaveLength(1));
    post([{ kind: 'set', key: 'k', time: 100 }, { kind: 'delete', key: 'k', time: 150 }, { kind: 'delete', key: 'j', time: 1 }]);
    // One message: its changes are reported (or dropped) together.
    await vi.waitFor(() => expect(heard.length).toBeGreaterThan(1));
    expect(heard).toEqual([
      { kind: 'set', key: 'k', ct: 200, origin: 'tab-x' },
      { kind: 'delete', key: 'j', origin: 'tab-x' },
    ]);
    backend.unbindRegion(first);
    post([{ kind: 'set', key: 'n', time: 1 }]);
    await vi.waitFor(() => expect(heard).toHaveLength(3));
    backend.unbindRegion(second);
    post([{ kind: 'set', key: 'm', time: 1 }]);
    await settle();
    other.close();
    expect(heard).toHaveLength(3);
  });
});
