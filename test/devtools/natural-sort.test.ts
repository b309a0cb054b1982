import { describe, expect, it } from 'vitest';
import { compareNatural } from '../../src/devtools/natural-sort.js';

describe('compareNatural', () => {
  it('orders digit runs as numbers', () => {
    expect(['bulk:10', 'bulk:2', 'bulk:1', 'bulk:0'].sort(compareNatural)).toEqual(['bulk:0', 'bulk:1', 'bulk:2', 'bulk:10']);
    expect(['v1.10', 'v1.9', 'v1.9.1'].sort(compareNatural)).toEqual(['v1.9', 'v1.9.1', 'v1.10']);
  });

  it('handles ids longer than a double, leading zeros and text deterministically', () => {
    expect(['id:100000000000000000001', 'id:99999999999999999999'].sort(compareNatural)).toEqual(['id:99999999999999999999', 'id:100000000000000000001']);
    expect(['a01', 'a1', 'a001'].sort(compareNatural)).toEqual(['a001', 'a01', 'a1']);
    expect(['b', 'a10', 'a', 'a2x'].sort(compareNatural)).toEqual(['a', 'a2x', 'a10', 'b']);
    expect(compareNatural('same', 'same')).toBe(0);
  });
});
