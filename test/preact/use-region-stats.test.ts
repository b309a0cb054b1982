// @vitest-environment happy-dom
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { expect, test, vi } from 'vitest';
import { makeRegion, type RegionStats } from '../../src/index.js';
import { useRegionStats } from '../../src/preact/index.js';

test('useRegionStats follows the region counters', async () => {
  const region = makeRegion().configure('memory');
  const seen: RegionStats[] = [];
  function Stats() {
    const stats = useRegionStats(region);
    seen.push(stats);
    return h('span', null, `${stats.hits}/${stats.misses}/${stats.creations}`);
  }
  const container = document.createElement('div');
  await act(() => render(h(Stats, null), container));
  expect(container.textContent).toBe('0/0/0');
  await region.getOrCreate('a', () => 1);
  await region.get('a');
  await vi.waitFor(() => expect(container.textContent).toBe('1/1/1'));
  await act(() => render(null, container));
  const renders = seen.length;
  await region.get('a');
  expect(seen.length).toBe(renders);
});
