import { describe, expect, it } from 'vitest';
import { estimateBytes, parseMaxBytes, utf16Bytes } from '../../src/backends/limits.js';

describe('maxBytes', () => {
  it('accepts positive integers and Infinity, refuses the rest with a TypeError', () => {
    expect(parseMaxBytes(undefined, 'x')).toBeUndefined();
    expect(parseMaxBytes(Infinity, 'x')).toBeUndefined();
    expect(parseMaxBytes(1024, 'x')).toBe(1024);
    for (const bad of [0, -1, 1.5, '10', Number.NaN]) expect(() => parseMaxBytes(bad, 'x')).toThrow(TypeError);
  });

  it('estimates strings at two bytes a code unit, binary data by length, and counts a cycle once', () => {
    expect(utf16Bytes('abc')).toBe(6);
    expect(estimateBytes('abc')).toBe(6);
    expect(estimateBytes(new Uint8Array(100))).toBe(100);
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    expect(estimateBytes(cyclic)).toBe(2 + utf16Bytes('name') + 2 + utf16Bytes('self') + 1);
    expect(estimateBytes(new Map([['k', 'vv']]))).toBe(2 + 2 + 4);
    expect(estimateBytes({ big: 'x'.repeat(1000) })).toBeGreaterThan(2000);
  });
});
