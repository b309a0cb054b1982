import { describe, expect, it } from 'vitest';
import { NO_VALUE, ValidationError, makeRegion, kwargFunctionKeyGenerator, type KeyGenerator } from 'dogpile-cache';
import { manualClock } from './helpers.js';

function setup() {
  const clock = manualClock();
  const region = makeRegion({ now: clock.read }).configure('memory', { expirationTime: 1000 });
  return { region, clock, dict: (region.actualBackend as unknown as { cache: Map<string, unknown> }).cache };
}

describe('cacheOnArguments', () => {
  it('caches by arguments under name|args keys', async () => {
    const { region, dict } = setup();
    let calls = 0;
    const loadUser = region.cacheOnArguments()(async function loadUser(id: number, lang: string) {
      calls++;
      return { id, lang };
    });
    expect(await loadUser(5, 'en')).toEqual({ id: 5, lang: 'en' });
    expect(await loadUser(5, 'en')).toEqual({ id: 5, lang: 'en' });
    expect(await loadUser(6, 'en')).toEqual({ id: 6, lang: 'en' });
    expect(calls).toBe(2);
    expect([...dict.keys()]).toEqual(['loadUser|5 en', 'loadUser|6 en']);
    expect(loadUser.name).toBe('loadUser');
  });

  it('puts the namespace between name and arguments', async () => {
    const { region, dict } = setup();
    const fn = region.cacheOnArguments({ namespace: 'v2' })(function search(q: string) {
      return q.length;
    });
    await fn('abc');
    expect([...dict.keys()]).toEqual(['search|v2|abc']);
  });

  it('invalidate, set, get, refresh and original', async () => {
    const { region } = setup();
    let calls = 0;
    async function square(n: number) {
      calls++;
      return n * n;
    }
    const fn = region.cacheOnArguments()(square);
    expect(fn.original).toBe(square);
    expect(await fn.get(3)).toBe(NO_VALUE);
    expect(await fn(3)).toBe(9);
    expect(await fn.get(3)).toBe(9);
    await fn.set(100, 3);
    expect(await fn(3)).toBe(100);
    expect(await fn.refresh(3)).toBe(9);
    expect(await fn(3)).toBe(9);
    await fn.invalidate(3);
    expect(await fn.get(3)).toBe(NO_VALUE);
    expect(await fn(3)).toBe(9);
    expect(calls).toBe(3);
  });

  it('expirationTime may be a function, asked on every call', async () => {
    const { region, clock } = setup();
    let ttl = 10;
    let asked = 0;
    let calls = 0;
    const fn = region.cacheOnArguments({ expirationTime: () => (asked++, ttl) })(function f(x: number) {
      calls++;
      return x;
    });
    await fn(1);
    clock.advance(20);
    await fn(1);
    expect(calls).toBe(2);
    ttl = 10_000;
    clock.advance(20);
    await fn(1);
    expect(calls).toBe(2);
    expect(asked).toBe(3);
  });

  it('shouldCacheFn and a custom toStr', async () => {
    const { region, dict } = setup();
    const fn = region.cacheOnArguments({ shouldCacheFn: (v: number) => v > 0, toStr: (a) => `<${String(a)}>` })(function sign(x: number) {
      return Math.sign(x);
    });
    await fn(-4);
    await fn(4);
    expect([...dict.keys()]).toEqual(['sign|<4>']);
  });

  it('calls a custom key generator as generator(namespace, fn, { toStr })', async () => {
    const seen: unknown[] = [];
    const generator: KeyGenerator = (namespace, fn, options) => {
      seen.push([namespace, fn.name, typeof options?.toStr]);
      return (...args) => `custom:${args.join(',')}`;
    };
    const { region, dict } = setup();
    const fn = region.cacheOnArguments({ functionKeyGenerator: generator })(function g(a: number, b: number) {
      return a + b;
    });
    expect(await fn(1, 2)).toBe(3);
    expect(seen).toEqual([[undefined, 'g', 'function']]);
    expect([...dict.keys()]).toEqual(['custom:1,2']);
    const regionWide = makeRegion({ functionKeyGenerator: generator }).configure('memory');
    await regionWide.cacheOnArguments({ namespace: 'ns' })(function h() {
      return 1;
    })();
    expect(seen[1]).toEqual(['ns', 'h', 'function']);
  });

  it('kwargFunctionKeyGenerator keys one object argument by its sorted values', async () => {
    const { region, dict } = setup();
    const fn = region.cacheOnArguments({ functionKeyGenerator: kwargFunctionKeyGenerator, namespace: 'ns' })(function find(q: { z: number; a: string }) {
      return q.a + q.z;
    });
    expect(await fn({ z: 1, a: 'x' })).toBe('x1');
    expect([...dict.keys()]).toEqual(['find|ns|x 1']);
    await expect(fn('nope' as never)).rejects.toThrow(TypeError);
  });

  it('passes this through to methods, and keeps it out of the key', async () => {
    const { region, dict } = setup();
    class Repo {
      prefix = 'item';
      load = region.cacheOnArguments()(async function load(this: Repo, id: number) {
        return `${this.prefix}-${id}`;
      });
    }
    expect(await new Repo().load(7)).toBe('item-7');
    expect([...dict.keys()]).toEqual(['load|7']);
  });

  it('refuses anonymous functions without a namespace (their keys would collide)', () => {
    const { region } = setup();
    const anonymous = [(x: number) => x][0]!;
    expect(() => region.cacheOnArguments()(anonymous)).toThrow(/named function or a namespace/);
    expect(() => region.cacheOnArguments()(anonymous)).toThrow(ValidationError);
    expect(() => region.cacheOnArguments()(anonymous)).toThrow(/cacheOnArguments needs .*minifier/);
    expect(() => region.cacheMultiOnArguments()([(...xs: number[]) => xs][0]!)).toThrow(ValidationError);
    expect(() => region.cacheOnArguments({ namespace: 'ok' })(anonymous)).not.toThrow();
    expect(() => region.cacheOnArguments()('x' as never)).toThrow(TypeError);
  });
});

describe('key prefixes of decorated functions', () => {
  it('refuses a second function of the same name in one region, saying to give one a namespace', async () => {
    const { region, dict } = setup();
    const users = region.cacheOnArguments()(async function load(id: number) {
      return { user: id };
    });
    const decoratePosts = () =>
      region.cacheOnArguments()(async function load(id: number) {
        return { post: id };
      });
    expect(decoratePosts).toThrow(ValidationError);
    expect(decoratePosts).toThrow(/namespace/);
    expect(decoratePosts).toThrow(/"load\|…"/);
    const posts = region.cacheOnArguments({ namespace: 'posts' })(async function load(id: number) {
      return { post: id };
    });
    expect(await users(5)).toEqual({ user: 5 });
    expect(await posts(5)).toEqual({ post: 5 });
    expect([...dict.keys()].sort()).toEqual(['load|5', 'load|posts|5']);
  });

  it('counts both decorators: a multi function shares the key format of a single one', () => {
    const { region } = setup();
    region.cacheOnArguments()(function items(id: number) {
      return id;
    });
    expect(() =>
      region.cacheMultiOnArguments()(function items(...ids: number[]) {
        return ids.map((id) => -id);
      }),
    ).toThrow(ValidationError);
    // The kwarg generator writes the same prefix too.
    expect(() =>
      region.cacheOnArguments({ functionKeyGenerator: kwargFunctionKeyGenerator })(function items(q: { id: number }) {
        return q.id * 2;
      }),
    ).toThrow(ValidationError);
  });

  it('names minified functions in the error', () => {
    const { region } = setup();
    const first = { e: async (id: number) => ({ user: id }) }.e;
    const second = { e: async (id: number) => ({ post: id }) }.e;
    region.cacheOnArguments()(first);
    expect(() => region.cacheOnArguments()(second)).toThrow(/minifier/);
  });

  it('allows the same code decorated again: the same function, a method decorated per instance, other regions', async () => {
    const { region } = setup();
    function double(x: number) {
      return x * 2;
    }
    region.cacheOnArguments()(double);
    expect(() => region.cacheOnArguments({ expirationTime: 5 })(double)).not.toThrow();
    class Repo {
      constructor(readonly prefix: string) {}
      load = region.cacheOnArguments()(async function load(this: Repo, id: number) {
        return `${this.prefix}-${id}`;
      });
    }
    expect(() => [new Repo('a'), new Repo('b')]).not.toThrow();
    const other = makeRegion().configure('memory');
    expect(() =>
      other.cacheOnArguments()(function double(x: number) {
        return x * 3;
      }),
    ).not.toThrow();
  });

  it('leaves custom key generators alone: their keys are their own', () => {
    const { region } = setup();
    const generator: KeyGenerator = (_namespace, fn) => (...args) => `${fn.length}:${args.join(',')}`;
    region.cacheOnArguments({ functionKeyGenerator: generator })(function same(a: number) {
      return a;
    });
    expect(() =>
      region.cacheOnArguments({ functionKeyGenerator: generator })(function same(a: number) {
        return -a;
      }),
    ).not.toThrow();
  });
});

describe('cacheMultiOnArguments', () => {
  it('caches each argument on its own; creates only the missing ones, in key order', async () => {
    const { region, dict } = setup();
    const asked: unknown[][] = [];
    const many = region.cacheMultiOnArguments()(async function users(...ids: number[]) {
      asked.push(ids);
      return ids.map((id) => ({ id }));
    });
    expect(await many(2, 1)).toEqual([{ id: 2 }, { id: 1 }]);
    expect(await many(3, 1, 2)).toEqual([{ id: 3 }, { id: 1 }, { id: 2 }]);
    expect(asked).toEqual([[1, 2], [3]]);
    expect([...dict.keys()].sort()).toEqual(['users|1', 'users|2', 'users|3']);
  });

  it('asdict: takes and returns plain objects keyed by argument, skipping what the function left out', async () => {
    const { region } = setup();
    let calls = 0;
    const many = region.cacheMultiOnArguments({ asdict: true, namespace: 'd' })(async function prices(...skus: string[]) {
      calls++;
      const out: Record<string, number> = {};
      for (const sku of skus) if (sku !== 'gone') out[sku] = sku.length;
      return out;
    });
    const result = await many('ab', 'gone', 'abc');
    expect(result).toEqual({ ab: 2, abc: 3 });
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(result instanceof Map).toBe(false);
    expect(await many('ab', 'abc')).toEqual({ ab: 2, abc: 3 });
    expect(calls).toBe(1);
    // The missing one was not cached, so it is asked again.
    await many('gone');
    expect(calls).toBe(2);
  });

  it('invalidate, set, get and refresh', async () => {
    const { region } = setup();
    let calls = 0;
    const many = region.cacheMultiOnArguments()(async function double(...xs: number[]) {
      calls++;
      return xs.map((x) => x * 2);
    });
    await many(1, 2);
    expect(await many.get(1, 2, 3)).toEqual([2, 4, NO_VALUE]);
    await many.invalidate(1);
    expect(await many.get(1, 2)).toEqual([NO_VALUE, 4]);
    await many.set({ 1: 100, 5: 500 });
    expect(await many(1, 5)).toEqual([100, 500]);
    expect(await many.refresh(1, 5)).toEqual([2, 10]);
    expect(await many.get(1, 5)).toEqual([2, 10]);
    expect(calls).toBe(2);
  });

  it('asdict refresh stores by argument', async () => {
    const { region } = setup();
    const many = region.cacheMultiOnArguments({ asdict: true })(async function named(...ids: string[]) {
      return Object.fromEntries(ids.map((id) => [id, id.toUpperCase()]));
    });
    expect(await many.refresh('a', 'b')).toEqual({ a: 'A', b: 'B' });
    expect(await many.get('a', 'b')).toEqual(['A', 'B']);
  });
});
