// What getOrCreate's options become on the way to a worker and back.
import { describe, expect, it } from 'vitest';
import { createOptions } from '../../src/worker/wire.js';

describe('getOrCreate options over the worker wire', () => {
  it('carry expirationTime, staleIfError and errorBackoff, and shouldCacheFn by id', () => {
    const shouldCacheFn = () => true;
    const wire = createOptions.to({ expirationTime: 500, staleIfError: 60_000, errorBackoff: 2_000, shouldCacheFn }, 7);
    expect(wire).toEqual({ expirationTime: 500, staleIfError: 60_000, errorBackoff: 2_000, shouldCache: 7 });
    const back = createOptions.from<unknown>(structuredClone(wire), (id) => async () => id === 7);
    expect(back).toMatchObject({ expirationTime: 500, staleIfError: 60_000, errorBackoff: 2_000 });
    expect(typeof back.shouldCacheFn).toBe('function');
  });

  it('leave out what the caller did not give', () => {
    expect(createOptions.to({}, undefined)).toEqual({});
    expect(createOptions.from(undefined, () => async () => true)).toEqual({});
  });
});
