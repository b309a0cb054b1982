import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  defaultToStr,
  functionKeyGenerator,
  functionMultiKeyGenerator,
  kwargFunctionKeyGenerator,
  lengthConditionalMangler,
  sha1MangleKey,
} from 'dogpile-cache';

function sample(a: unknown, b?: unknown) {
  return [a, b];
}

describe('defaultToStr', () => {
  it('writes primitives unquoted, as String(x)', () => {
    expect(['x', 5, 1.5, true, false, null, undefined, 10n].map(defaultToStr)).toEqual(['x', '5', '1.5', 'true', 'false', 'null', 'undefined', '10']);
  });

  it('writes objects and arrays as canonical JSON with sorted keys', () => {
    expect(defaultToStr({ b: 2, a: 1 })).toBe('{"a":1,"b":2}');
    expect(defaultToStr({ a: 1, b: 2 })).toBe(defaultToStr({ b: 2, a: 1 }));
    expect(defaultToStr([3, { z: [1], y: 'q' }, null])).toBe('[3,{"y":"q","z":[1]},null]');
    expect(defaultToStr(Object.assign(Object.create(null), { k: 'v' }))).toBe('{"k":"v"}');
  });

  it('writes Dates as ISO strings, also inside objects', () => {
    const date = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(defaultToStr(date)).toBe('2026-01-02T03:04:05.000Z');
    expect(defaultToStr({ at: date })).toBe('{"at":"2026-01-02T03:04:05.000Z"}');
  });

  it('never maps distinct objects to the same string', () => {
    const values = [{}, { a: 1 }, { a: '1' }, { a: [1] }, [{}], [], { a: { b: 1 } }, { 'a.b': 1 }];
    const strings = values.map(defaultToStr);
    expect(new Set(strings).size).toBe(values.length);
    expect(strings).not.toContain('[object Object]');
  });

  it('refuses values without a faithful string form', () => {
    class Opaque {
      x = 1;
    }
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => defaultToStr(new Opaque())).toThrow(TypeError);
    expect(() => defaultToStr(Symbol('s'))).toThrow(TypeError);
    expect(() => defaultToStr(() => 1)).toThrow(TypeError);
    expect(() => defaultToStr(circular)).toThrow(/circular/);
    class Named {
      toString() {
        return 'named';
      }
    }
    expect(defaultToStr(new Named())).toBe('named');
  });
});

describe('key generators', () => {
  it('functionKeyGenerator: name|args and name|namespace|args', () => {
    expect(functionKeyGenerator(undefined, sample)(1, 'two')).toBe('sample|1 two');
    expect(functionKeyGenerator('ns', sample)(1)).toBe('sample|ns|1');
    expect(functionKeyGenerator(undefined, sample)()).toBe('sample|');
    expect(functionKeyGenerator(undefined, sample, { toStr: (x) => `[${String(x)}]` })(1, 2)).toBe('sample|[1] [2]');
  });

  it('kwargFunctionKeyGenerator: values sorted by key name, no key names', () => {
    expect(kwargFunctionKeyGenerator(undefined, sample)({ b: 2, a: 1, c: 'x' })).toBe('sample|1 2 x');
    expect(kwargFunctionKeyGenerator('ns', sample)({ b: 2, a: 1 })).toBe('sample|ns|1 2');
    expect(() => kwargFunctionKeyGenerator(undefined, sample)(1, 2)).toThrow(TypeError);
    expect(() => kwargFunctionKeyGenerator(undefined, sample)([1])).toThrow(TypeError);
  });

  it('functionMultiKeyGenerator: one key per argument', () => {
    expect(functionMultiKeyGenerator(undefined, sample)(1, 'b')).toEqual(['sample|1', 'sample|b']);
    expect(functionMultiKeyGenerator('ns', sample)(1)).toEqual(['sample|ns|1']);
  });
});

describe('manglers', () => {
  it('sha1MangleKey is SHA-1 of the UTF-8 bytes, in hex', () => {
    expect(sha1MangleKey('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(sha1MangleKey('')).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    for (const key of ['☃ snowman', 'user:42', 'x'.repeat(1000)]) {
      expect(sha1MangleKey(key)).toBe(createHash('sha1').update(key, 'utf8').digest('hex'));
    }
  });

  it('lengthConditionalMangler mangles keys of length >= the limit only', () => {
    const mangle = lengthConditionalMangler(5, (key) => `m(${key})`);
    expect(mangle('abcd')).toBe('abcd');
    expect(mangle('abcde')).toBe('m(abcde)');
    expect(() => lengthConditionalMangler(-1, (k) => k)).toThrow(TypeError);
  });
});
