// @vitest-environment happy-dom
// In the DOM, CachedFragment renders its children as they are, so a page
// server-rendered with cached fragments hydrates the same markup.
import { h, hydrate, render } from 'preact';
import { act } from 'preact/test-utils';
import { renderToStringAsync } from 'preact-render-to-string';
import { expect, test } from 'vitest';
import { makeRegion } from '../../src/index.js';
import { CachedFragment } from '../../src/preact/index.js';

test('in the DOM it renders its children live and stores nothing', async () => {
  const region = makeRegion().configure('memory');
  const container = document.createElement('div');
  await act(() => render(h(CachedFragment, { region, cacheKey: 'k' }, h('b', null, 'live')), container));
  expect(container.innerHTML).toBe('<b>live</b>');
  expect(region.stats).toMatchObject({ hits: 0, misses: 0, sets: 0 });
});

test('server-rendered cached HTML hydrates in place, with working event handlers', async () => {
  const region = makeRegion().configure('memory');
  let clicks = 0;
  const tree = () => h('div', null, h(CachedFragment, { region, cacheKey: 'btn' }, h('button', { onClick: () => clicks++ }, 'Press')));
  const html = await renderToStringAsync(tree());
  const container = document.createElement('div');
  container.innerHTML = html;
  const button = container.querySelector('button');
  await act(() => hydrate(tree(), container));
  expect(container.querySelector('button')).toBe(button);
  expect(container.querySelectorAll('button')).toHaveLength(1);
  button!.click();
  expect(clicks).toBe(1);
});
