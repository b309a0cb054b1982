import { describe, expect, it } from 'vitest';
import { ValidationError, makeRegion } from 'dogpile-cache';
import { IndexedDBBackend, LocalStorageBackend } from 'dogpile-cache/browser';
import { Inspector } from '../../src/devtools/inspector.js';

describe('duration options: one rule everywhere', () => {
  const makers: Array<[string, (value: unknown) => unknown]> = [
    ['lockTimeout', (value) => makeRegion({ lockTimeout: value as number })],
    ['localstorage syncTimeout', (value) => new LocalStorageBackend({ syncTimeout: value as number })],
    ['indexeddb blockedTimeout', (value) => new IndexedDBBackend({ blockedTimeout: value as number })],
    ['eventInterval', (value) => new Inspector({ eventInterval: value as number, transport: { post() {}, listen: () => () => {} } as never, hook: { regions: () => [], subscribe: () => () => {} } as never })],
  ];
  for (const [name, make] of makers) {
    it(`${name}: a wrong type is a TypeError, a number out of range a ValidationError`, () => {
      expect(() => make('10')).toThrow(TypeError);
      expect(() => make(-1)).toThrow(ValidationError);
      expect(() => make(Number.NaN)).toThrow(ValidationError);
      expect(() => make(Infinity)).toThrow(ValidationError);
    });
  }
});
