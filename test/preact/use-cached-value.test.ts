// @vitest-environment happy-dom
import 'preact/debug';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { DefaultInvalidationStrategy, makeRegion, MemoryBackend, NO_VALUE, ProcessMutex, type CacheMutex, type CacheRegion } from '../../src/index.js';
import { CachedEntry } from '../../src/preact/index.js';
import { controlledCreator, flush, mountHook } from './helpers.js';

const regions: CacheRegion[] = [];
function memoryRegion(expirationTime?: number): CacheRegion {
  const region = makeRegion({ name: `hook-${regions.length}` }).configure('memory', { expirationTime });
  regions.push(region);
  return region;
}

afterEach(() => {
  regions.length = 0;
  vi.restoreAllMocks();
});

describe('useCachedValue', () => {
  test('loading, then fresh with the created value; one creator for several components', async () => {
    const region = memoryRegion(60_000);
    const make = controlledCreator<string>();
    const a = await mountHook({ region, cacheKey: 'k', creator: make.creator });
    const b = await mountHook({ region, cacheKey: 'k', creator: make.creator });
    await vi.waitFor(() => expect(make.calls).toBe(1));
    expect(a.latest().status).toBe('loading');
    expect(b.latest().status).toBe('loading');
    make.resolve('v1');
    await vi.waitFor(() => expect(b.latest().status).toBe('fresh'));
    await vi.waitFor(() => expect(a.latest().status).toBe('fresh'));
    expect(make.calls).toBe(1);
    expect(a.latest()).toMatchObject({ value: 'v1', source: 'creator', error: undefined });
    expect(b.latest()).toMatchObject({ value: 'v1', source: 'cache' });
    expect(a.latest().expiresAt! - a.latest().createdAt!).toBe(60_000);
    expect(a.statuses()).toEqual(['loading', 'fresh']);
    expect(a.container.textContent).toBe('v1');
    // The hook looks before it asks without counting that look: the region counts what getOrCreate did.
    expect(region.stats).toMatchObject({ misses: 2, creations: 1, waits: 1 });
    await a.unmount();
    await b.unmount();
  });

  test('a cached value is shown fresh without calling the creator', async () => {
    const region = memoryRegion();
    await region.set('k', 'cached');
    const creator = vi.fn(() => 'created');
    const view = await mountHook({ region, cacheKey: 'k', creator });
    await vi.waitFor(() => expect(view.latest().status).toBe('fresh'));
    expect(view.latest()).toMatchObject({ value: 'cached', source: 'cache', expiresAt: undefined });
    expect(creator).not.toHaveBeenCalled();
    expect(region.stats).toMatchObject({ hits: 1, misses: 0 });
    await view.unmount();
  });

  test('re-renders when the entry is set elsewhere on the page', async () => {
    const region = memoryRegion(60_000);
    const creator = vi.fn(() => 'created');
    const view = await mountHook({ region, cacheKey: 'k', creator });
    await vi.waitFor(() => expect(view.latest().value).toBe('created'));
    await region.set('k', 'set elsewhere');
    await vi.waitFor(() => expect(view.latest().value).toBe('set elsewhere'));
    expect(view.latest().status).toBe('fresh');
    // Other keys do not concern it.
    const renders = view.renders.length;
    await region.set('other', 'x');
    await flush();
    expect(view.renders.length).toBe(renders);
    expect(creator).toHaveBeenCalledTimes(1);
    await view.unmount();
  });

  test('a deleted entry is regenerated', async () => {
    const region = memoryRegion(60_000);
    let n = 0;
    const view = await mountHook({ region, cacheKey: 'k', creator: () => `v${++n}` });
    await vi.waitFor(() => expect(view.latest().value).toBe('v1'));
    await region.delete('k');
    await vi.waitFor(() => expect(view.latest().value).toBe('v2'));
    expect(view.latest().status).toBe('fresh');
    expect(n).toBe(2);
    await view.unmount();
  });

  test('states in order on soft invalidation: loading, fresh, stale (old value shown), fresh', async () => {
    const region = memoryRegion(60_000);
    const make = controlledCreator<string>();
    const view = await mountHook({ region, cacheKey: 'k', creator: make.creator });
    await vi.waitFor(() => expect(make.pending).toBe(1));
    make.resolve('old');
    await vi.waitFor(() => expect(view.latest().status).toBe('fresh'));
    await region.invalidate(false);
    await vi.waitFor(() => expect(view.latest().status).toBe('stale'));
    expect(view.latest().value).toBe('old');
    await vi.waitFor(() => expect(make.pending).toBe(1));
    make.resolve('new');
    await vi.waitFor(() => expect(view.latest().status).toBe('fresh'));
    expect(view.latest().value).toBe('new');
    expect(view.statuses()).toEqual(['loading', 'fresh', 'stale', 'fresh']);
    expect(make.calls).toBe(2);
    await view.unmount();
  });

  test('hard invalidation makes the value absent: loading, then the new value', async () => {
    const region = memoryRegion(60_000);
    let n = 0;
    const make = controlledCreator<string>();
    const view = await mountHook({ region, cacheKey: 'k', creator: () => (++n === 1 ? 'first' : make.creator()) });
    await vi.waitFor(() => expect(view.latest().value).toBe('first'));
    await region.invalidate(true);
    await vi.waitFor(() => expect(view.latest().status).toBe('loading'));
    expect(view.latest().value).toBeUndefined();
    await vi.waitFor(() => expect(make.pending).toBe(1));
    make.resolve('second');
    await vi.waitFor(() => expect(view.latest().value).toBe('second'));
    expect(view.statuses()).toEqual(['loading', 'fresh', 'loading', 'fresh']);
    await view.unmount();
  });

  test('an invalidation reported by another tab re-renders and regenerates', async () => {
    class RemoteStrategy extends DefaultInvalidationStrategy {
      fromOtherTab(hard: boolean) {
        this.apply({ hard, at: Date.now() + 1, remote: true });
      }
    }
    const strategy = new RemoteStrategy();
    const region = makeRegion().configure('memory', { expirationTime: 60_000, regionInvalidator: strategy });
    let n = 0;
    const creator = async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return `v${++n}`;
    };
    const view = await mountHook({ region, cacheKey: 'k', creator });
    await vi.waitFor(() => expect(view.latest().value).toBe('v1'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    strategy.fromOtherTab(false);
    await vi.waitFor(() => expect(view.latest().value).toBe('v2'));
    expect(view.statuses()).toEqual(['loading', 'fresh', 'stale', 'fresh']);
    await view.unmount();
  });

  test('an expired value is shown stale, then regenerated without any other trigger', async () => {
    const region = memoryRegion(200);
    let n = 0;
    // A creator that takes a moment, as a real one does: the stale state gets rendered.
    const creator = async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return `v${++n}`;
    };
    const view = await mountHook({ region, cacheKey: 'k', creator });
    await vi.waitFor(() => expect(view.latest().value).toBe('v2'), { timeout: 3000 });
    expect(view.statuses().slice(0, 4)).toEqual(['loading', 'fresh', 'stale', 'fresh']);
    await view.unmount();
    const settled = n;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(n).toBe(settled);
  });

  test('revalidateOnExpire: false leaves an expired value until the next trigger', async () => {
    const region = memoryRegion(20);
    let n = 0;
    const view = await mountHook({ region, cacheKey: 'k', creator: () => `v${++n}`, options: { revalidateOnExpire: false } });
    await vi.waitFor(() => expect(view.latest().value).toBe('v1'));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(n).toBe(1);
    await view.latest().reload();
    await vi.waitFor(() => expect(view.latest().value).toBe('v2'));
    await view.unmount();
  });

  test('a failing creator gives status error; a stale value stays visible', async () => {
    const region = memoryRegion(60_000);
    const make = controlledCreator<string>();
    const view = await mountHook({ region, cacheKey: 'k', creator: make.creator });
    await vi.waitFor(() => expect(make.pending).toBe(1));
    make.reject(new Error('API down'));
    await vi.waitFor(() => expect(view.latest().status).toBe('error'));
    expect((view.latest().error as Error).message).toBe('API down');
    expect(view.latest().value).toBeUndefined();
    // Retry works, then a failed regeneration keeps the old value on screen.
    const retry = view.latest().reload();
    await vi.waitFor(() => expect(make.pending).toBe(1));
    make.resolve('ok');
    await retry;
    expect(view.latest()).toMatchObject({ status: 'fresh', value: 'ok' });
    await region.invalidate(false);
    await vi.waitFor(() => expect(make.pending).toBe(1));
    make.reject(new Error('still down'));
    await vi.waitFor(() => expect(view.latest().status).toBe('error'));
    expect(view.latest().value).toBe('ok');
    await view.unmount();
  });

  test('refresh() regenerates a fresh value, showing the old one as stale meanwhile', async () => {
    const region = memoryRegion(60_000);
    const make = controlledCreator<string>();
    const other = await mountHook({ region, cacheKey: 'k', creator: () => 'unused' });
    await vi.waitFor(() => expect(other.latest().value).toBe('unused'));
    const view = await mountHook({ region, cacheKey: 'k', creator: make.creator });
    await vi.waitFor(() => expect(view.latest().value).toBe('unused'));
    const done = view.latest().refresh();
    await vi.waitFor(() => expect(view.latest().status).toBe('stale'));
    make.resolve('refreshed');
    await done;
    expect(view.latest()).toMatchObject({ status: 'fresh', value: 'refreshed', source: 'creator' });
    expect(await region.get('k')).toBe('refreshed');
    // The other component on the page follows.
    await vi.waitFor(() => expect(other.latest().value).toBe('refreshed'));
    expect(make.calls).toBe(1);
    await view.unmount();
    await other.unmount();
  });

  test('a null key is idle and looks nothing up; a new key shows loading, never the old key value', async () => {
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
    expect(view.latest()).toMatchObject({ key: 'b', status: 'loading', value: undefined });
    await vi.waitFor(() => expect(view.latest().value).toBe('B'));
    expect(view.renders.some((r) => r.key === 'b' && r.value === 'A')).toBe(false);
    await view.unmount();
  });

  test('unmount during a pending creation leaks nothing and warns about nothing; the value is still stored', async () => {
    const region = memoryRegion(60_000);
    const unsubscribed = vi.fn();
    const subscribe = region.subscribe.bind(region);
    vi.spyOn(region, 'subscribe').mockImplementation((listener) => {
      const off = subscribe(listener);
      return () => {
        unsubscribed();
        off();
      };
    });
    const errors = vi.spyOn(console, 'error');
    const warnings = vi.spyOn(console, 'warn');
    const make = controlledCreator<string>();
    const view = await mountHook({ region, cacheKey: 'k', creator: make.creator });
    await vi.waitFor(() => expect(make.pending).toBe(1));
    const rendersBefore = view.renders.length;
    await view.unmount();
    expect(unsubscribed).toHaveBeenCalledTimes(1);
    make.resolve('made after unmount');
    await flush();
    await region.set('k', 'changed after unmount');
    await region.invalidate(false);
    await flush();
    expect(view.renders.length).toBe(rendersBefore);
    expect(errors).not.toHaveBeenCalled();
    expect(warnings).not.toHaveBeenCalled();
    expect(region.stats.creations).toBe(1);
    expect(await region.get('k', { ignoreExpiration: true })).toBe('changed after unmount');
  });

  test('a creator that declines caching (shouldCacheFn) does not set two components regenerating each other', async () => {
    const region = memoryRegion(60_000);
    let n = 0;
    const creator = () => `v${++n}`;
    const options = { shouldCacheFn: () => false };
    const a = await mountHook({ region, cacheKey: 'k', creator, options });
    const b = await mountHook({ region, cacheKey: 'k', creator, options });
    await vi.waitFor(() => expect(a.latest().status).toBe('fresh'));
    await vi.waitFor(() => expect(b.latest().status).toBe('fresh'));
    await flush();
    expect(n).toBe(2);
    expect(await region.get('k')).toBe(NO_VALUE);
    await a.unmount();
    await b.unmount();
  });

  test('across tabs (a shared lock): a stale value waits for the other tab, then shows its value without creating', async () => {
    // Two regions over one backend whose mutex is shared, as two tabs over
    // localStorage with Web Locks: no region event crosses between them.
    const locks = new Map<string, ProcessMutex>();
    class SharedBackend extends MemoryBackend {
      override getMutex(key: string): CacheMutex {
        if (!locks.has(key)) locks.set(key, new ProcessMutex());
        return locks.get(key)!;
      }
    }
    const backend = new SharedBackend();
    const tab1 = makeRegion().configure(backend, { expirationTime: 60_000 });
    const tab2 = makeRegion().configure(backend, { expirationTime: 60_000 });
    await tab1.set('k', 'old');
    const make1 = controlledCreator<string>();
    const create2 = vi.fn(() => 'from tab 2');
    // Tab 1 starts regenerating under the shared lock.
    tab1.regionInvalidator.invalidate(false);
    tab2.regionInvalidator.invalidate(false);
    const regenerating = tab1.getOrCreate('k', make1.creator);
    await vi.waitFor(() => expect(make1.pending).toBe(1));
    const view = await mountHook({ region: tab2, cacheKey: 'k', creator: create2 });
    await vi.waitFor(() => expect(view.latest().status).toBe('stale'));
    expect(view.latest().value).toBe('old');
    make1.resolve('new');
    await regenerating;
    await vi.waitFor(() => expect(view.latest().status).toBe('fresh'));
    expect(view.latest()).toMatchObject({ value: 'new', source: 'cache' });
    expect(create2).not.toHaveBeenCalled();
    await view.unmount();
  });
});

describe('CachedEntry (the state machine behind the hook)', () => {
  test('after dispose nothing is reported and no timer is left; a pending creator still stores its value', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const region = memoryRegion(60_000);
      await region.set('other', 1);
      const seen: string[] = [];
      // A fresh entry schedules its expiry timer.
      const fresh = new CachedEntry(region, 'other', () => () => 2, {}, (s) => seen.push(`other:${s.status}`));
      fresh.start();
      await vi.waitFor(() => expect(seen).toEqual(['other:fresh']));
      expect(vi.getTimerCount()).toBe(1);
      fresh.dispose();
      expect(vi.getTimerCount()).toBe(0);

      const make = controlledCreator<string>();
      const entry = new CachedEntry(region, 'k', () => make.creator, {}, (s) => seen.push(`k:${s.status}`));
      entry.start();
      await vi.waitFor(() => expect(make.pending).toBe(1));
      // (It starts as loading, so nothing new to report yet.)
      expect(entry.snapshot.status).toBe('loading');
      entry.dispose();
      make.resolve('kept');
      await vi.waitFor(async () => expect(await region.get('k')).toBe('kept'));
      await region.invalidate(false);
      await entry.reload();
      await entry.refresh();
      expect(seen).toEqual(['other:fresh']);
      expect(vi.getTimerCount()).toBe(0);
      expect(make.calls).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
