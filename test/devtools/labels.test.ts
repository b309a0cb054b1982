import { describe, expect, it } from 'vitest';
import { MemoryBackend, NullBackend, ProxyBackend, makeRegion } from 'dogpile-cache';
import { IndexedDBBackend, LocalStorageBackend } from 'dogpile-cache/browser';

describe('backend labels', () => {
  it('built-in backends keep their label when a minifier renames their classes', () => {
    for (const [Backend, label] of [
      [MemoryBackend, 'MemoryBackend'],
      [NullBackend, 'NullBackend'],
      [LocalStorageBackend, 'LocalStorageBackend'],
      [IndexedDBBackend, 'IndexedDBBackend'],
    ] as const) {
      const renamed = class extends (Backend as typeof MemoryBackend) {};
      Object.defineProperty(renamed, 'name', { value: '$t' });
      expect(new renamed().label).toBe(label);
    }
  });

  it('a region lists its backend chain, proxies first, by label', () => {
    class Logging extends ProxyBackend {
      static readonly label = 'Logging';
    }
    class Timing extends ProxyBackend {}
    const region = makeRegion().configure('memory', { wrap: [Logging, Timing] });
    expect(region.backendLabels).toEqual(['Logging', 'Timing', 'MemoryBackend']);
  });
});
