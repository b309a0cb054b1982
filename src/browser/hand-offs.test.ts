import { describe, expect, it } from 'vitest';
import { LastSeen, onPageReturn } from './catch-up.js';
import { HAND_OFF_HOLD_MS, HandOffs } from './hand-offs.js';

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('HandOffs', () => {
  it('wakes the waiters of a key with the value offered, which the next read takes once', async () => {
    const time = clock();
    const handOffs = new HandOffs<string>(time.now);
    const woken: string[] = [];
    const wait = handOffs.whenOffered('k');
    void wait.promise.then(() => woken.push('k'));
    const other = handOffs.whenOffered('other');
    void other.promise.then(() => woken.push('other'));
    expect(handOffs.offer('k', 10, 'v10')).toBe(true);
    await Promise.resolve();
    expect(woken).toEqual(['k']);
    expect(handOffs.take('k')).toEqual({ ct: 10, value: 'v10' });
    expect(handOffs.take('k')).toBeUndefined();
    other.cancel();
  });

  it('keeps a value nobody waited for out of reads, until a waiter comes for it', async () => {
    const handOffs = new HandOffs<string>(clock().now);
    handOffs.offer('k', 10, 'v10');
    // A read that did not wait goes to storage.
    expect(handOffs.take('k')).toBeUndefined();
    let woken = false;
    void handOffs.whenOffered('k').promise.then(() => (woken = true));
    await Promise.resolve();
    expect(woken).toBe(true);
    expect(handOffs.take('k')?.value).toBe('v10');
  });

  it('never replaces a value with an older or equal one, and drops what is older than a change', () => {
    const handOffs = new HandOffs<string>(clock().now);
    handOffs.whenOffered('k');
    expect(handOffs.offer('k', 20, 'v20')).toBe(true);
    expect(handOffs.offer('k', 10, 'v10')).toBe(false);
    expect(handOffs.offer('k', 20, 'again')).toBe(false);
    handOffs.dropOlder('k', 20);
    expect(handOffs.has('k')).toBe(true);
    handOffs.dropOlder('k', 21);
    expect(handOffs.has('k')).toBe(false);
  });

  it('forgets a value after the hold time, and on drop or clear', () => {
    const time = clock();
    const handOffs = new HandOffs<string>(time.now);
    handOffs.whenOffered('a');
    handOffs.offer('a', 1, 'a');
    time.advance(HAND_OFF_HOLD_MS + 1);
    expect(handOffs.take('a')).toBeUndefined();
    handOffs.whenOffered('b');
    handOffs.offer('b', 1, 'b');
    handOffs.drop('b');
    expect(handOffs.has('b')).toBe(false);
    handOffs.whenOffered('c');
    handOffs.offer('c', 1, 'c');
    handOffs.clear();
    expect(handOffs.take('c')).toBeUndefined();
  });

  it('wake() without a value resolves the waiters, and a cancelled waiter is not kept', async () => {
    const handOffs = new HandOffs<string>(clock().now);
    let woken = 0;
    void handOffs.whenOffered('k').promise.then(() => woken++);
    const cancelled = handOffs.whenOffered('k');
    void cancelled.promise.then(() => (woken += 10));
    cancelled.cancel();
    handOffs.wake('k');
    await Promise.resolve();
    expect(woken).toBe(1);
    expect(handOffs.take('k')).toBeUndefined();
  });
});

describe('LastSeen', () => {
  it('reports the keys whose entry changed or went away since seen, once', () => {
    const seen = new LastSeen();
    seen.saw('same', 1);
    seen.saw('rewritten', 1);
    seen.saw('removed', 1);
    seen.saw('absent', null);
    const keys = seen.keys();
    const now = { same: 1, rewritten: 2, removed: null, absent: null } as Record<string, number | null>;
    expect(seen.compare(keys, keys.map((k) => now[k]!))).toEqual([
      { key: 'rewritten', now: 2 },
      { key: 'removed', now: null },
    ]);
    expect(seen.compare(keys, keys.map((k) => now[k]!))).toEqual([]);
  });

  it('forgets the least recently seen keys past its cap', () => {
    const seen = new LastSeen();
    for (let i = 0; i < 2_001; i++) seen.saw(`k${i}`, i);
    expect(seen.keys()).toHaveLength(2_000);
    expect(seen.keys()[0]).toBe('k1');
    seen.clear();
    expect(seen.keys()).toEqual([]);
  });
});

describe('onPageReturn', () => {
  // A stand-in window and document (Node has neither): EventTargets with the fields read.
  function page() {
    const win = new EventTarget();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' as 'visible' | 'hidden' });
    const saved = { addEventListener: globalThis.addEventListener, removeEventListener: globalThis.removeEventListener, document: (globalThis as { document?: unknown }).document };
    Object.assign(globalThis, { addEventListener: win.addEventListener.bind(win), removeEventListener: win.removeEventListener.bind(win), document: doc });
    const restore = () => Object.assign(globalThis, saved);
    const pageshow = (persisted: boolean) => win.dispatchEvent(Object.assign(new Event('pageshow'), { persisted }));
    const visibility = (state: 'visible' | 'hidden') => {
      doc.visibilityState = state;
      doc.dispatchEvent(new Event('visibilitychange'));
    };
    return { doc, pageshow, visibility, restore };
  }
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('calls back once per return: from the back/forward cache, after a freeze, after a long absence', async () => {
    const { doc, pageshow, visibility, restore } = page();
    let calls = 0;
    const stop = onPageReturn(() => calls++);
    try {
      pageshow(false); // an ordinary load
      await tick();
      expect(calls).toBe(0);
      pageshow(true);
      doc.dispatchEvent(new Event('resume')); // two signals of one return
      await tick();
      expect(calls).toBe(1);
      visibility('hidden');
      visibility('visible'); // a quick tab switch
      await tick();
      expect(calls).toBe(1);
      const realNow = Date.now;
      const start = realNow();
      Date.now = () => start;
      visibility('hidden');
      Date.now = () => start + 1_500;
      visibility('visible');
      Date.now = realNow;
      await tick();
      expect(calls).toBe(2);
      stop();
      doc.dispatchEvent(new Event('resume'));
      await tick();
      expect(calls).toBe(2);
    } finally {
      restore();
    }
  });
});
