// @vitest-environment happy-dom
// A wrong region or creator fails as the hook or component renders, with a
// TypeError that names the argument and what was given (not later, inside a
// load, nor as a raw property error).
import { Component, h, render, type ComponentChildren } from 'preact';
import { act } from 'preact/test-utils';
import { renderToStringAsync } from 'preact-render-to-string';
import { describe, expect, test } from 'vitest';
import { makeRegion, type CacheRegion } from '../../src/index.js';
import { CachedFragment, invalidateFragment, useCachedValue, useRegionStats } from '../../src/preact/index.js';
import { flush } from './helpers.js';

class Boundary extends Component<{ onError: (error: unknown) => void; children?: ComponentChildren }, { failed: boolean }> {
  override state = { failed: false };
  override componentDidCatch(error: unknown) {
    this.props.onError(error);
    this.setState({ failed: true });
  }
  override render() {
    return this.state.failed ? h('p', null, 'failed') : this.props.children;
  }
}

/** The error the first render of `probe` throws, if any. */
async function renderError(probe: () => unknown): Promise<unknown> {
  let caught: unknown;
  function Probe() {
    probe();
    return h('span', null, 'rendered');
  }
  const container = document.createElement('div');
  await act(() => render(h(Boundary, { onError: (error: unknown) => (caught ??= error) }, h(Probe, null)), container));
  await flush();
  await act(() => render(null, container));
  return caught;
}

let n = 0;
const memoryRegion = (): CacheRegion => makeRegion({ name: `bad-input-preact-${n++}` }).configure('memory', { expirationTime: 60_000 });
const call = (fn: unknown, ...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args);

describe('useCachedValue (Preact) with bad arguments', () => {
  test.each([
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['{}', {}, 'an object without getOrCreate(), subscribe()'],
    ['a string', 'users', 'a string ("users")'],
  ])('a region that is %s throws a TypeError at render', async (_, region, given) => {
    const error = await renderError(() => call(useCachedValue, region, 'k', () => 1));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(`dogpile-cache: useCachedValue: region must be a cache region (from makeRegion), got ${given}`);
  });

  test.each([
    ['a string', 'fetchUser', 'a string ("fetchUser")'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
  ])('a creator that is %s throws a TypeError at render, and nothing is created', async (_, creator, given) => {
    const region = memoryRegion();
    const error = await renderError(() => call(useCachedValue, region, 'k', creator));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(`dogpile-cache: useCachedValue: creator must be a function, got ${given}`);
    expect(region.stats.misses).toBe(0);
  });

  test('a key that is not a string throws a TypeError at render', async () => {
    const error = await renderError(() => call(useCachedValue, memoryRegion(), 42, () => 1));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('dogpile-cache: useCachedValue: key must be a string, null or undefined, got number 42');
  });
});

describe('useRegionStats, CachedFragment and invalidateFragment (Preact) with a bad region', () => {
  test.each([
    ['undefined', undefined, 'undefined'],
    ['{}', {}, 'an object without subscribe()'],
  ])('useRegionStats with a region that is %s throws a TypeError at render', async (_, region, given) => {
    const error = await renderError(() => call(useRegionStats, region));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(`dogpile-cache: useRegionStats: region must be a cache region (from makeRegion), got ${given}`);
  });

  test.each([
    ['undefined', undefined, 'undefined'],
    ['{}', {}, 'an object without getOrCreate()'],
  ])('<CachedFragment> with a region that is %s throws a TypeError, in the DOM and when rendering to a string', async (_, region, given) => {
    const message = `dogpile-cache: <CachedFragment>: region must be a cache region (from makeRegion), got ${given}`;
    const fragment = () => h(CachedFragment, { region: region as CacheRegion, name: 'sidebar' }, h('aside', null, 'side'));
    const error = await renderError(() => call(CachedFragment, { region, name: 'sidebar' }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(message);
    await expect(renderToStringAsync(fragment())).rejects.toThrow(message);
  });

  test('invalidateFragment with a region that is undefined throws a TypeError', () => {
    expect(() => call(invalidateFragment, undefined, 'fragment|sidebar')).toThrow(
      new TypeError('dogpile-cache: invalidateFragment: region must be a cache region (from makeRegion), got undefined'),
    );
  });
});
