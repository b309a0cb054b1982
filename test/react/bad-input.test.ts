// @vitest-environment happy-dom
// A wrong region or creator fails as the hook renders, with a TypeError that
// names the argument and what was given (not later, inside a load, nor as a
// raw property error).
import { act, Component, createElement, Suspense, type ReactNode } from 'react';
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { makeRegion, type CacheRegion } from '../../src/index.js';
import { useCachedValue, useSuspenseCachedValue } from '../../src/react/index.js';
import { flush, mount } from './helpers.js';

class Boundary extends Component<{ children?: ReactNode; onError: (error: unknown) => void }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidCatch(error: unknown) {
    this.props.onError(error);
  }
  override render() {
    return this.state.failed ? createElement('p', null, 'failed') : this.props.children;
  }
}

type Hook = typeof useCachedValue | typeof useSuspenseCachedValue;

/** The error the first render of a component calling `hook(region, key, creator)` throws, if any. */
async function renderError(hook: Hook, region: unknown, key: unknown, creator: unknown): Promise<unknown> {
  let caught: unknown;
  function Probe() {
    (hook as (r: unknown, k: unknown, c: unknown) => unknown)(region, key, creator);
    return createElement('span', null, 'rendered');
  }
  const { root, container } = await mount(
    createElement(Boundary, { onError: (error) => (caught = error) }, createElement(Suspense, { fallback: null }, createElement(Probe))),
  );
  await flush();
  await act(async () => root.unmount());
  container.remove();
  return caught;
}

// React reports every error a boundary catches on the console.
beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  return () => vi.restoreAllMocks();
});

let n = 0;
const memoryRegion = (): CacheRegion => makeRegion({ name: `bad-input-react-${n++}` }).configure('memory', { expirationTime: 60_000 });

describe.each([
  ['useCachedValue', useCachedValue],
  ['useSuspenseCachedValue', useSuspenseCachedValue],
] as const)('%s (React) with bad arguments', (name, hook) => {
  test.each([
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['{}', {}, 'an object without getOrCreate(), subscribe()'],
    ['a string', 'users', 'a string ("users")'],
  ])('a region that is %s throws a TypeError at render', async (_, region, given) => {
    const error = await renderError(hook, region, 'k', () => 1);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(`dogpile-cache: ${name}: region must be a cache region (from makeRegion), got ${given}`);
  });

  test.each([
    ['a string', 'fetchUser', 'a string ("fetchUser")'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['an object', { then: 1 }, 'an object'],
  ])('a creator that is %s throws a TypeError at render, and nothing is created', async (_, creator, given) => {
    const region = memoryRegion();
    const error = await renderError(hook, region, 'k', creator);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(`dogpile-cache: ${name}: creator must be a function, got ${given}`);
    expect(region.stats.creations).toBe(0);
    expect(region.stats.misses).toBe(0);
  });

  test('a key that is not a string throws a TypeError at render', async () => {
    const error = await renderError(hook, memoryRegion(), 42, () => 1);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(new RegExp(`^dogpile-cache: ${name}: key must be a string.*, got number 42$`));
  });
});

test('useSuspenseCachedValue (React) refuses a null key, useCachedValue shows it idle', async () => {
  const error = await renderError(useSuspenseCachedValue, memoryRegion(), null, () => 1);
  expect((error as Error).message).toBe('dogpile-cache: useSuspenseCachedValue: key must be a string, got null');
  expect(await renderError(useCachedValue, memoryRegion(), null, () => 1)).toBeUndefined();
});
