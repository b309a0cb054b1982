// PluginNotFound names the closest registered backend for a typo.
import { describe, expect, it } from 'vitest';
import { makeRegion, PluginNotFound, type BackendName } from '../../src/index.js';
import { closestName, editDistance } from '../../src/suggest.js';

const configure = (name: string) => () => makeRegion().configure(name as BackendName);

describe('backend name suggestions', () => {
  it('computes edit distances', () => {
    expect(editDistance('indexdb', 'indexeddb')).toBe(2);
    expect(editDistance('memory', 'memory')).toBe(0);
    expect(editDistance('', 'null')).toBe(4);
  });

  it('suggests only close names', () => {
    expect(closestName('memroy', ['memory', 'null'])).toBe('memory');
    expect(closestName('Memory', ['memory', 'null'])).toBe('memory');
    expect(closestName('postgres', ['memory', 'null', 'indexeddb'])).toBeUndefined();
  });

  it('says "did you mean" for a typo of a registered backend', () => {
    expect(configure('memroy')).toThrow(PluginNotFound);
    expect(configure('memroy')).toThrow(/Did you mean 'memory'\?/);
  });

  it('suggests the browser backends and the entry that registers them', () => {
    expect(configure('indexdb')).toThrow(/Did you mean 'indexeddb'\?/);
    expect(configure('indexdb')).toThrow(/importing 'dogpile-cache\/browser'/);
    expect(configure('localStorage')).toThrow(/Did you mean 'localstorage'\?/);
  });

  it('makes no suggestion for an unrelated name', () => {
    expect(configure('postgres')).toThrow(/No backend registered as "postgres"/);
    expect(configure('postgres')).not.toThrow(/Did you mean/);
  });
});
