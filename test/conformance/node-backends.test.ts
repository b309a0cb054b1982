import { describe, expect, it } from 'vitest';
import { MemoryBackend, NO_VALUE, makeRegion, NullBackend } from 'dogpile-cache';
import { applicableChecks, type ConformanceTarget } from './backend-suite.js';

const targets: ConformanceTarget[] = [
  { name: 'memory', create: () => new MemoryBackend(), createCapped: (maxEntries) => new MemoryBackend({ maxEntries }) },
  { name: "memory (by name)", create: () => makeRegion().configure("memory").backend },
];

for (const target of targets) {
  describe(`backend conformance: ${target.name}`, () => {
    for (const check of applicableChecks(target.create() as MemoryBackend, undefined, target)) {
      it(check.name, () => check.run(target));
    }
  });
}

describe('null backend', () => {
  it('stores nothing and never locks: every caller creates', async () => {
    const backend = new NullBackend();
    await backend.set('k', 'v');
    expect(await backend.get('k')).toBe(NO_VALUE);
    expect(await backend.getMulti(['k', 'j'])).toEqual([NO_VALUE, NO_VALUE]);
    const region = makeRegion().configure('null');
    let calls = 0;
    await Promise.all(Array.from({ length: 5 }, () => region.getOrCreate('k', () => ++calls)));
    expect(calls).toBe(5);
    expect(await region.keyIsLocked('k')).toBe(false);
    expect(await region.get('k')).toBe(NO_VALUE);
  });
});
