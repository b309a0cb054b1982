// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { makeRegion, MemoryBackend, type CacheRegion, type StoredValue } from '../../src/index.js';
import { keyChangeSuite } from '../hooks/key-change-suite.js';
import { controlledCreator, flush, mountHook } from './helpers.js';

let n = 0;
function memoryRegion(expirationTime?: number): CacheRegion {
  return makeRegion({ name: `react-${n++}` }).configure('memory', { expirationTime });
}

afterEach(() => vi.restoreAllMocks());

describe('useCachedValue (React)', () => {
  test('statuses in order: loading, then fresh; one creator for several components', async () => {
    const region = memoryRegion(60_000);
    const make = controlledCreator<string>();
    const a = await mountHook({ region, cacheKey: 'k', creator: make.creator });
    const b = await mountHook({ region, cacheKey: 'k', creator: make.creator });
    await vi.waitFor(() => expect(make.calls).toBe(1));
    expect(a.latest().status).toBe('loading');
    make.resolve('v1');
    await vi.waitFor(() => expect(a.latest().status).toBe('fresh'));
    await vi.waitFor(() => expect(b.latest().status).toBe('fresh'));
    expect(a.latest()).toMatchObject({ key: 'k', value: 'v1', error: undefined });
    expect(a.latest().expiresAt! - a.latest().createdAt!).toBe(60_000);
    expect(a.statuses()).toEqual(['loading', 'fresh']);
    expect(b.statuses()).toEqual(['loading', 'fresh']);
    expect(a.container.textContent).toBe('v1');
    expect(make.calls).toBe(1);
    await a.unmount();
    await b.unmount();
  });

  test('StrictMode (mount, unmount, mount again) still runs one creator', async () => {
    const region = memoryRegion();
    const make = controlledCreator<string>();
    const view = await mountHook({ region, cacheKey: 'k', creator: make.creator }, true);
    await vi.waitFor(() => expect(make.calls).toBe(1));
    make.resolve('once');
    await vi.waitFor(() => expect(view.latest()).toMatchObject({ status: 'fresh', value: 'once' }));
    await flush();
    expect(make.calls).toBe(1);
    await view.unmount();
  });

  test('stale while regenerating: soft invalidation shows the old value, then the new one', async () => {
    const region = memoryRegion(60_000);
    const make = controlledCreator<string>();
    const view = await mountHook({ region, cacheKey: 'k', creator: make.creator });
    await vi.waitFor(() => expect(make.calls).toBe(1));
    make.resolve('old');
    await vi.waitFor(() => expect(view.latest().status).toBe('fresh'));
    await region.invalidate(false);
    await vi.waitFor(() => expect(view.latest().status).toBe('stale'));
    expect(view.latest().value).toBe('old');
    await vi.waitFor(() => expect(make.calls).toBe(2));
    make.resolve('new');
    await vi.waitFor(() => expect(view.latest()).toMatchObject({ status: 'fresh', value: 'new' }));
    expect(view.statuses()).toEqual(['loading', 'fresh', 'stale', 'fresh']);
    await view.unmount();
  });

  test('a failing creator gives status error; reload recovers', async () => {
    const region = memoryRegion();
    let fail = true;
    const view = await mountHook({ region, cacheKey: 'k', creator: () => (fail ? Promise.reject(new Error('API down')) : 'ok') });
    await vi.waitFor(() => expect(view.latest().status).toBe('error'));
    expect((view.latest().error as Error).message).toBe('API down');
    expect(view.latest().value).toBeUndefined();
    fail = false;
    await view.latest().reload();
    await vi.waitFor(() => expect(view.latest()).toMatchObject({ status: 'fresh', value: 'ok' }));
    await view.unmount();
  });

  test('a null key is idle; a new key shows loading, never the old key value', async () => {
    const region = memoryRegion();
    await region.set('a', 'A');
    const creator = vi.fn(() => 'B');
    const view = await mountHook<string>({ region, cacheKey: null, creator });
    await flush();
    expect(view.latest().status).toBe('idle');
    expect(creator).not.toHaveBeenCalled();
    await view.rerender({ region, cacheKey: 'a', creator });
    await vi.waitFor(() => expect(view.latest().value).toBe('A'));
    await view.rerender({ region, cacheKey: 'b', creator });
    await vi.waitFor(() => expect(view.latest().value).toBe('B'));
    expect(view.renders.some((r) => r.key === 'b' && r.value === 'A')).toBe(false);
    expect(view.renders.find((r) => r.key === 'b')).toMatchObject({ status: 'loading', value: undefined });
    await view.unmount();
  });

  test('unmount during a pending creation warns about nothing; the value is still stored', async () => {
    const region = memoryRegion(60_000);
    const make = controlledCreator<string>();
    const errors = vi.spyOn(console, 'error');
    const view = await mountHook({ region, cacheKey: 'k', creator: make.creator });
    await vi.waitFor(() => expect(make.calls).toBe(1));
    const rendered = view.renders.length;
    await view.unmount();
    make.resolve('made after unmount');
    await vi.waitFor(async () => expect(await region.get('k')).toBe('made after unmount'));
    await flush();
    expect(view.renders.length).toBe(rendered);
    expect(errors).not.toHaveBeenCalled();
    expect(region.stats.errors).toBe(0);
  });
});

/** This tab's backend, over storage another tab also writes; it reports the other tab's writes through its change feed. */
class FeedBackend extends MemoryBackend {
  remote(kind: 'set' | 'delete', key: string): void {
    this.notifyChange({ kind, key, origin: 'other-tab' });
  }
}

describe('useCachedValue (React) and changes made in another tab', () => {
  test('a remote set re-renders with the other tab value; a remote delete regenerates', async () => {
    const shared = new Map<string, StoredValue>();
    const backend = new FeedBackend({ cacheDict: shared });
    const here = makeRegion({ name: 'here' }).configure(backend, { expirationTime: 60_000 });
    const there = makeRegion({ name: 'there' }).configure('memory', { expirationTime: 60_000, arguments: { cacheDict: shared } });
    let made = 0;
    const view = await mountHook({ region: here, cacheKey: 'k', creator: () => `made here ${++made}` });
    await vi.waitFor(() => expect(view.latest().value).toBe('made here 1'));
    await there.set('k', 'written there');
    // Nothing re-reads until the backend reports the change.
    await flush();
    expect(view.latest().value).toBe('made here 1');
    backend.remote('set', 'k');
    await vi.waitFor(() => expect(view.latest()).toMatchObject({ status: 'fresh', value: 'written there', source: 'cache' }));
    await there.delete('k');
    backend.remote('delete', 'k');
    await vi.waitFor(() => expect(view.latest().value).toBe('made here 2'));
    // Other keys do not concern it.
    const renders = view.renders.length;
    backend.remote('set', 'other');
    await flush();
    expect(view.renders.length).toBe(renders);
    await view.unmount();
  });
});

keyChangeSuite('useCachedValue (React)', mountHook, () => controlledCreator<string>(), flush);
