// @vitest-environment happy-dom
import { act, Component, createElement, Suspense, type ReactNode } from 'react';
import { describe, expect, test, vi } from 'vitest';
import { makeRegion, type CacheRegion } from '../../src/index.js';
import { useSuspenseCachedValue } from '../../src/react/index.js';
import { controlledCreator, eventually, flush, mount } from './helpers.js';

let n = 0;
const memoryRegion = (): CacheRegion => makeRegion({ name: `suspense-${n++}` }).configure('memory', { expirationTime: 60_000 });

class Boundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state = { error: undefined as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    return this.state.error ? createElement('p', null, `failed: ${(this.state.error as Error).message}`) : this.props.children;
  }
}

describe('useSuspenseCachedValue', () => {
  test('suspends until the first value; components asking for the same key share one creator', async () => {
    const region = memoryRegion();
    const make = controlledCreator<{ name: string }>();
    const seen: string[] = [];
    function Name({ label }: { label: string }) {
      const result = useSuspenseCachedValue(region, 'user:1', make.creator);
      seen.push(`${label}:${result.status}`);
      // `value` is typed `{ name: string }` without a check: the hook always has a value.
      return createElement('span', null, result.value.name);
    }
    const { container, root } = await mount(
      createElement(Suspense, { fallback: createElement('p', null, 'loading…') }, createElement(Name, { label: 'a' }), createElement(Name, { label: 'b' })),
    );
    expect(container.textContent).toBe('loading…');
    await vi.waitFor(() => expect(make.calls).toBe(1));
    await act(async () => make.resolve({ name: 'Ada' }));
    await eventually(() => expect(container.textContent).toBe('AdaAda'));
    await flush();
    expect(make.calls).toBe(1);
    expect(seen.every((s) => /:(fresh|stale)$/.test(s))).toBe(true);
    expect(await region.get('user:1')).toEqual({ name: 'Ada' });
    // A later mount reads the cache: no fallback, no creator.
    const again = await mount(createElement(Suspense, { fallback: 'loading…' }, createElement(Name, { label: 'c' })));
    await eventually(() => expect(again.container.textContent).toBe('Ada'));
    expect(make.calls).toBe(1);
    await act(async () => root.unmount());
    await act(async () => again.root.unmount());
  });

  test('a creator that fails before there is a value throws to the error boundary', async () => {
    const region = memoryRegion();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    function Name() {
      return createElement('span', null, useSuspenseCachedValue(region, 'k', () => Promise.reject(new Error('API down'))).value as string);
    }
    const { container, root } = await mount(createElement(Boundary, null, createElement(Suspense, { fallback: 'loading…' }, createElement(Name))));
    await eventually(() => expect(container.textContent).toBe('failed: API down'));
    await act(async () => root.unmount());
    vi.restoreAllMocks();
  });

  test('follows later changes like useCachedValue: a set elsewhere re-renders', async () => {
    const region = memoryRegion();
    await region.set('k', 'first');
    function Value() {
      return createElement('span', null, useSuspenseCachedValue(region, 'k', () => 'created').value);
    }
    const { container, root } = await mount(createElement(Suspense, { fallback: 'loading…' }, createElement(Value)));
    await eventually(() => expect(container.textContent).toBe('first'));
    await region.set('k', 'second');
    await eventually(() => expect(container.textContent).toBe('second'));
    await act(async () => root.unmount());
  });
});
