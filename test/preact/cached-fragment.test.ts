// Fragment caching when rendering to a string in Node (server-side rendering).
import { createContext, h, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import { renderToString, renderToStringAsync } from 'preact-render-to-string';
import { describe, expect, test } from 'vitest';
import { makeRegion, type CacheRegion } from '../../src/index.js';
import { CachedFragment, fragmentKey, invalidateFragment } from '../../src/preact/index.js';

const Locale = createContext('en');

/** A costly component: counts its renders. */
function counted() {
  const counter = { renders: 0 };
  function Sidebar({ user }: { user: string }) {
    counter.renders++;
    const locale = useContext(Locale);
    return h('aside', { class: 'sidebar' }, h('h2', null, `Hello ${user} <${locale}>`), h('p', null, `render #${counter.renders}`));
  }
  return { counter, Sidebar };
}

function page(region: CacheRegion, Sidebar: (p: { user: string }) => ComponentChildren, user: string, extra: Record<string, unknown> = {}) {
  return h(
    'main',
    null,
    h('h1', null, 'Page'),
    h(Locale.Provider, { value: 'fr' }, h(CachedFragment, { region, name: 'sidebar', vary: [user], ...extra }, h(Sidebar, { user }))),
    h('footer', null, 'end'),
  );
}

describe('CachedFragment (renderToStringAsync)', () => {
  test('renders its children once, then serves the same HTML from the region', async () => {
    const region = makeRegion({ name: 'fragments' }).configure('memory', { expirationTime: 60_000 });
    const { counter, Sidebar } = counted();
    const first = await renderToStringAsync(page(region, Sidebar, 'ann'));
    const second = await renderToStringAsync(page(region, Sidebar, 'ann'));
    expect(first).toContain('<aside class="sidebar"><h2>Hello ann &lt;fr></h2><p>render #1</p></aside>');
    expect(first).toMatch(/^<main><h1>Page<\/h1>.*<footer>end<\/footer><\/main>$/);
    expect(second).toBe(first);
    expect(counter.renders).toBe(1);
    expect(region.stats).toMatchObject({ creations: 1, hits: 1 });
    expect(await region.get(fragmentKey('sidebar', ['ann']))).toBe('<aside class="sidebar"><h2>Hello ann &lt;fr></h2><p>render #1</p></aside>');
  });

  test('the key derives from name and vary: other values render and cache on their own', async () => {
    const region = makeRegion().configure('memory');
    const { counter, Sidebar } = counted();
    const ann = await renderToStringAsync(page(region, Sidebar, 'ann'));
    const bob = await renderToStringAsync(page(region, Sidebar, 'bob'));
    expect(ann).toContain('Hello ann');
    expect(bob).toContain('Hello bob');
    expect(counter.renders).toBe(2);
    expect(fragmentKey('sidebar', ['ann'])).toBe('fragment|sidebar|ann');
    expect(fragmentKey('list', [42, { b: 1, a: 2 }])).toBe('fragment|list|42 {"a":2,"b":1}');
    expect(fragmentKey('footer')).toBe('fragment|footer');
  });

  test('an explicit cacheKey is used as given, and invalidateFragment renders it again', async () => {
    const region = makeRegion().configure('memory');
    const { counter, Sidebar } = counted();
    const tree = () => h(CachedFragment, { region, cacheKey: 'home:sidebar' }, h(Sidebar, { user: 'ann' }));
    expect(await renderToStringAsync(tree())).toContain('render #1');
    expect(await renderToStringAsync(tree())).toContain('render #1');
    expect(await region.get('home:sidebar')).toContain('render #1');
    await invalidateFragment(region, 'home:sidebar');
    expect(await renderToStringAsync(tree())).toContain('render #2');
    expect(counter.renders).toBe(2);
  });

  test('expirationTime is the fragment own timeout, over the region default', async () => {
    const region = makeRegion().configure('memory', { expirationTime: 60_000 });
    const { counter, Sidebar } = counted();
    const tree = (expirationTime?: number) => h(CachedFragment, { region, cacheKey: 'k', expirationTime }, h(Sidebar, { user: 'ann' }));
    await renderToStringAsync(tree(20));
    await renderToStringAsync(tree(20));
    expect(counter.renders).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await renderToStringAsync(tree())).toContain('render #1');
    expect(await renderToStringAsync(tree(20))).toContain('render #2');
  });

  test('region invalidation (hard) renders every fragment again', async () => {
    const region = makeRegion().configure('memory');
    const { counter, Sidebar } = counted();
    await renderToStringAsync(page(region, Sidebar, 'ann'));
    await region.invalidate();
    expect(await renderToStringAsync(page(region, Sidebar, 'ann'))).toContain('render #2');
    expect(counter.renders).toBe(2);
  });

  test('a child that throws fails the render and caches nothing; the next render tries again', async () => {
    const region = makeRegion().configure('memory');
    let fail = true;
    function Flaky() {
      if (fail) throw new Error('no data');
      return h('p', null, 'ok');
    }
    const tree = () => h('div', null, h(CachedFragment, { region, cacheKey: 'flaky' }, h(Flaky, null)));
    await expect(renderToStringAsync(tree())).rejects.toThrow('no data');
    expect(region.stats.sets).toBe(0);
    fail = false;
    expect(await renderToStringAsync(tree())).toContain('<p>ok</p>');
  });

  test('precise errors: no key given, a non-HTML value under the key, synchronous rendering', async () => {
    const region = makeRegion().configure('memory');
    await expect(renderToStringAsync(h('div', null, h(CachedFragment, { region }, 'x')))).rejects.toThrow(
      /needs a cacheKey, or a name/,
    );
    await region.set('not-html', { some: 'object' });
    await expect(renderToStringAsync(h(CachedFragment, { region, cacheKey: 'not-html' }, 'x'))).rejects.toThrow(
      'the value cached under "not-html" is not a string of HTML',
    );
    expect(() => renderToString(h('div', null, h(CachedFragment, { region, cacheKey: 'sync' }, 'x')))).toThrow(
      'Use "renderToStringAsync" for suspenseful rendering.',
    );
    expect(() => fragmentKey('')).toThrow(TypeError);
  });
});
