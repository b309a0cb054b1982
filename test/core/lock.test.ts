import { describe, expect, it } from 'vitest';
import { LayeredMutex, ProcessMutex, runLock, type CacheMutex, type LockEntry } from 'dogpile-cache';
import { Flights, type LockObserver } from '../../src/lock/lock.js';
import { runLockMulti } from '../../src/lock/lock-multi.js';

type Stored = LockEntry<string> | undefined;

/** A mutex held elsewhere (another tab): it can be made busy, and tells when a waiter may wake. */
class SharedMutexDouble implements CacheMutex {
  readonly inner = new ProcessMutex();
  waitUntilFreeCalls = 0;
  acquire(wait?: boolean): Promise<boolean> {
    return this.inner.acquire(wait);
  }
  release(): void {
    this.inner.release();
  }
  locked(): Promise<boolean> {
    return this.inner.locked();
  }
  waitUntilFree(): Promise<void> {
    this.waitUntilFreeCalls++;
    return this.inner.waitUntilFree();
  }
}

function recorder(): LockObserver & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    hit: () => seen.push('hit'),
    miss: () => seen.push('miss'),
    stale: () => seen.push('stale'),
    waited: () => seen.push('waited'),
    acquired: () => seen.push('acquired'),
    released: () => seen.push('released'),
    lockTimeout: () => seen.push('lockTimeout'),
  };
}

const judge = (entry: Stored) => entry;
const now = () => 10_000;

describe('runLock with an expired value', () => {
  const expired: LockEntry<string> = { value: 'old', fresh: false };

  it('reads once more after taking a lock that may have been held meanwhile, and returns a value written then without creating', async () => {
    const mutex = new SharedMutexDouble();
    let reads = 0;
    let created = 0;
    const value = await runLock<string, Stored>({
      mutex,
      key: 'k',
      first: expired,
      read: async () => (reads++, { value: 'written by the previous holder', fresh: true }),
      judge,
      creator: async () => (created++, 'new'),
      now,
    });
    expect(value).toBe('written by the previous holder');
    expect({ reads, created }).toEqual({ reads: 1, created: 0 });
    expect(mutex.inner.isLocked).toBe(false);
  });

  it('regenerates after the single read it was given when the read is known current', async () => {
    const mutex = new ProcessMutex();
    let reads = 0;
    const value = await runLock<string, Stored>({
      mutex,
      key: 'k',
      first: expired,
      read: async () => (reads++, undefined),
      judge,
      readIsCurrent: () => true,
      creator: async () => 'new',
      now,
    });
    expect({ value, reads }).toEqual({ value: 'new', reads: 0 });
    expect(mutex.isLocked).toBe(false);
  });

  it('returns the stale value without waiting when the lock is busy', async () => {
    const mutex = new ProcessMutex();
    await mutex.acquire();
    const observer = recorder();
    let created = 0;
    const value = await runLock<string, Stored>({ mutex, key: 'k', first: expired, read: () => expired, judge, creator: async () => (created++, 'new'), now, observer });
    expect({ value, created }).toEqual({ value: 'old', created: 0 });
    expect(observer.seen).toEqual(['stale']);
    expect(mutex.isLocked).toBe(true);
  });

  it('hands the held lock to the async creator and returns the stale value at once', async () => {
    const mutex = new ProcessMutex();
    let handed: CacheMutex | undefined;
    const value = await runLock<string, Stored>({
      mutex,
      key: 'k',
      first: expired,
      read: () => expired,
      judge,
      readIsCurrent: () => true,
      creator: async () => 'new',
      asyncCreator: (held) => (handed = held),
      now,
    });
    expect(value).toBe('old');
    expect(handed).toBe(mutex);
    expect(mutex.isLocked).toBe(true);
    handed!.release();
    expect(mutex.isLocked).toBe(false);
  });
});

describe('runLock with no value', () => {
  it('a creator that throws releases the lock, its caller gets the error, and a waiter then creates', async () => {
    const mutex = new ProcessMutex();
    let stored: Stored;
    let calls = 0;
    let fail!: (error: Error) => void;
    const failing = runLock<string, Stored>({
      mutex,
      key: 'k',
      read: () => stored,
      judge,
      creator: () => (calls++, new Promise<string>((_, reject) => (fail = reject))),
      now,
    });
    await Promise.resolve();
    const waiter = runLock<string, Stored>({
      mutex,
      key: 'k',
      read: () => stored,
      judge,
      creator: async () => (calls++, (stored = { value: 'second', fresh: true }), 'second'),
      now,
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    fail(new Error('boom'));
    await expect(failing).rejects.toThrow('boom');
    await expect(waiter).resolves.toBe('second');
    expect(calls).toBe(2);
    expect(mutex.isLocked).toBe(false);
  });

  it('callers waiting for a holder wake together and share one read (one wait, one read for 100 waiters)', async () => {
    const mutex = new SharedMutexDouble();
    const waits = new Flights();
    let stored: Stored;
    let reads = 0;
    let finish!: () => void;
    const read = () => (reads++, stored);
    const creator = () =>
      new Promise<string>((resolve) => {
        finish = () => {
          stored = { value: 'made', fresh: true };
          resolve('made');
        };
      });
    const holder = runLock<string, Stored>({ mutex, key: 'k', read, judge, creator, readIsCurrent: () => true, waits, now });
    await Promise.resolve();
    const observers = Array.from({ length: 100 }, () => recorder());
    const waiters = observers.map((observer) =>
      runLock<string, Stored>({ mutex, key: 'k', first: undefined, read, judge, creator: async () => 'duplicate', waits, now, observer }),
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(mutex.waitUntilFreeCalls).toBe(1);
    const readsBefore = reads;
    finish();
    expect(await holder).toBe('made');
    expect(new Set(await Promise.all(waiters))).toEqual(new Set(['made']));
    expect(reads - readsBefore).toBe(1);
    expect(observers.every((o) => o.seen.join() === 'miss,waited')).toBe(true);
  });

  it('lockTimeout: callers of one process that time out on a stuck holder create once between them', async () => {
    const mutex = new LayeredMutex(new ProcessMutex(), new SharedMutexDouble());
    // The stuck holder: another tab that never releases.
    await (mutex.shared as SharedMutexDouble).inner.acquire();
    const timedOutCreations = new Flights();
    let stored: Stored;
    let calls = 0;
    const observers = Array.from({ length: 10 }, () => recorder());
    const values = await Promise.all(
      observers.map((observer) =>
        runLock<string, Stored>({
          mutex,
          key: 'k',
          first: undefined,
          read: () => stored,
          judge,
          creator: async () => {
            calls++;
            await new Promise((resolve) => setTimeout(resolve, 5));
            stored = { value: 'made without the lock', fresh: true };
            return 'made without the lock';
          },
          lockTimeout: 20,
          waits: new Flights(),
          timedOutCreations,
          now: () => performance.now(),
          observer,
        }),
      ),
    );
    expect(calls).toBe(1);
    expect(new Set(values)).toEqual(new Set(['made without the lock']));
    expect(observers.every((o) => o.seen.includes('lockTimeout'))).toBe(true);
  });

  it('a grant that arrives after lockTimeout is released at once', async () => {
    const mutex = new ProcessMutex();
    await mutex.acquire();
    const value = await runLock<string, Stored>({ mutex, key: 'k', first: undefined, read: () => undefined, judge, creator: async () => 'mine', lockTimeout: 5, now: () => performance.now() });
    expect(value).toBe('mine');
    mutex.release(); // the stuck holder finally lets go: the late grant goes to the timed-out caller...
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(mutex.isLocked).toBe(false); // ...which gives it up at once
  });
});

describe('runLockMulti', () => {
  it('creates the missing keys in one call while holding their locks, reading each again once its lock is taken', async () => {
    const mutexes = [new SharedMutexDouble(), new SharedMutexDouble(), new SharedMutexDouble()];
    const store = new Map<string, Stored>([['b', { value: 'b-old', fresh: false }]]);
    // Another holder regenerated "b" after our read and before our lock.
    const reads: string[] = [];
    const keys = ['a', 'b', 'c'].map((key, i) => ({
      mutex: mutexes[i]!,
      key,
      first: store.get(key),
      read: () => {
        reads.push(key);
        return key === 'b' ? { value: 'b-new', fresh: true } : store.get(key);
      },
      judge,
      now,
    }));
    let given: number[] = [];
    const values = await runLockMulti<string, Stored>(keys, async (indexes) => ((given = indexes), indexes.map((i) => `made-${i}`)));
    expect(values).toEqual(['made-0', 'b-new', 'made-2']);
    expect(given).toEqual([0, 2]);
    expect(reads).toEqual(['a', 'b', 'c']);
    expect(mutexes.every((m) => !m.inner.isLocked)).toBe(true);
  });

  it('releases every held lock when the creator throws', async () => {
    const mutexes = [new ProcessMutex(), new ProcessMutex()];
    const keys = mutexes.map((mutex, i) => ({ mutex, key: String(i), first: undefined, read: () => undefined, judge, readIsCurrent: () => true, now }));
    await expect(runLockMulti<string, Stored>(keys, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(mutexes.every((m) => !m.isLocked)).toBe(true);
  });
});
