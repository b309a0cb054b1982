import { describe, expect, it } from 'vitest';
import { ProcessMutex, runLock, type CacheMutex, type LockEntry } from 'dogpile-cache';

function mutexSaying(readAgain: boolean): CacheMutex & { inner: ProcessMutex } {
  const inner = new ProcessMutex();
  return { inner, acquire: (wait) => inner.acquire(wait), release: () => inner.release(), locked: () => inner.locked(), readAgain: () => readAgain };
}

describe('runLock with an expired value', () => {
  const now = () => 10_000;
  const expired: LockEntry<string> = { value: 'old', createdTime: 0 };

  it('reads once more when the mutex says a newer write just arrived, and returns it without creating', async () => {
    const mutex = mutexSaying(true);
    let reads = 0;
    let created = 0;
    const value = await runLock({
      mutex,
      first: expired,
      getter: async () => (reads++, { value: 'written by the previous holder', createdTime: 9_999 }),
      creator: async () => (created++, { value: 'new', createdTime: now() }),
      expirationTime: 1_000,
      now,
    });
    expect(value).toBe('written by the previous holder');
    expect({ reads, created }).toEqual({ reads: 1, created: 0 });
    expect(mutex.inner.isLocked).toBe(false);
  });

  it('otherwise regenerates after the single read it was given', async () => {
    const mutex = mutexSaying(false);
    let reads = 0;
    const value = await runLock({
      mutex,
      first: expired,
      getter: async () => (reads++, undefined),
      creator: async () => ({ value: 'new', createdTime: now() }),
      expirationTime: 1_000,
      now,
    });
    expect({ value, reads }).toEqual({ value: 'new', reads: 0 });
    expect(mutex.inner.isLocked).toBe(false);
  });
});
