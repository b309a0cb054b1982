import { describe, expect, it } from 'vitest';
import { LayeredMutex, ProcessMutex } from 'dogpile-cache';
import { MutexRegistry } from '../../src/lock/mutex.js';

describe('ProcessMutex', () => {
  it('serves waiters first come, first served, and never lets a newcomer overtake', async () => {
    const mutex = new ProcessMutex();
    expect(await mutex.acquire()).toBe(true);
    const order: string[] = [];
    const a = mutex.acquire().then(() => order.push('a'));
    const b = mutex.acquire().then(() => order.push('b'));
    expect(await mutex.acquire(false)).toBe(false);
    mutex.release();
    await a;
    expect(await mutex.acquire(false)).toBe(false);
    mutex.release();
    await b;
    mutex.release();
    expect(order).toEqual(['a', 'b']);
    expect(await mutex.locked()).toBe(false);
    expect(mutex.idle).toBe(true);
  });
});

describe('MutexRegistry', () => {
  it('drops a key once it is checked in and free', async () => {
    const registry = new MutexRegistry();
    const m = registry.checkout('k');
    expect(registry.checkout('k')).toBe(m);
    await m.acquire();
    registry.checkin('k');
    registry.checkin('k');
    expect(registry.size).toBe(1);
    m.release();
    expect(registry.size).toBe(0);
    expect(registry.peek('k')).toBeUndefined();
  });
});

describe('LayeredMutex', () => {
  it('takes the local lock first, and gives it back when the shared one is busy', async () => {
    const local = new ProcessMutex();
    const shared = new ProcessMutex();
    const layered = new LayeredMutex(local, shared);
    await shared.acquire();
    expect(await layered.acquire(false)).toBe(false);
    expect(local.isLocked).toBe(false);
    shared.release();
    expect(await layered.acquire(false)).toBe(true);
    expect(local.isLocked && shared.isLocked).toBe(true);
    expect(await layered.locked()).toBe(true);
    layered.release();
    expect(local.isLocked || shared.isLocked).toBe(false);
  });
});
