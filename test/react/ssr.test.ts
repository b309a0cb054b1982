// @vitest-environment node
// Server rendering: the hooks read nothing from the cache during render.
import { createElement, Suspense } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import { makeRegion, MemoryBackend, type NoValue, type StoredValue } from '../../src/index.js';
import { useCachedValue, useSuspenseCachedValue } from '../../src/react/index.js';

class CountingBackend extends MemoryBackend {
  reads = 0;
  override get(key: string): Promise<StoredValue | NoValue> {
    this.reads++;
    return super.get(key);
  }
}

describe('React hooks on the server', () => {
  test('useCachedValue renders loading and touches no storage', async () => {
    const backend = new CountingBackend();
    const region = makeRegion({ name: 'ssr' }).configure(backend);
    await region.set('k', 'stored');
    let calls = 0;
    function Probe() {
      const result = useCachedValue(region, 'k', () => (calls++, 'created'));
      return createElement('output', { 'data-status': result.status }, result.status === 'fresh' ? result.value : '');
    }
    const html = renderToString(createElement(Probe));
    expect(html).toContain('data-status="loading"');
    expect(backend.reads).toBe(0);
    expect(calls).toBe(0);
  });

  test('useSuspenseCachedValue renders the Suspense fallback and touches no storage', () => {
    const backend = new CountingBackend();
    const region = makeRegion({ name: 'ssr-suspense' }).configure(backend);
    let calls = 0;
    function Probe() {
      return createElement('span', null, useSuspenseCachedValue(region, 'k', () => (calls++, 'created')).value);
    }
    const html = renderToString(createElement(Suspense, { fallback: createElement('p', null, 'loading…') }, createElement(Probe)));
    expect(html).toContain('loading…');
    expect(backend.reads).toBe(0);
    expect(calls).toBe(0);
  });
});
