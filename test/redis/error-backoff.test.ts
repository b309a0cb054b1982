/**
 * errorBackoff across Node processes on one Redis: a failed creation is on
 * record in Redis, so the other processes' waiters get that failure instead
 * of each calling the failing API in turn.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { processPool, uniquePrefix, type RegionProcess } from './helpers.js';

const { startAll, killAll } = processPool();

afterEach(killAll);

describe('errorBackoff across processes', () => {
  it('3 processes x 5 callers of a key whose creator fails: one creator call, every caller gets its error', async () => {
    const children = await startAll(3, { prefix: uniquePrefix(), expirationTime: 60_000, errorBackoff: 30_000 });
    const key = 'user:1';
    // The first creator fails only once every process's callers have all missed (they are waiting on the lock).
    const contending = Promise.all(children.map((child) => child.next((e) => e.event === 'contending' && e.key === key, 15_000)));
    const creating = new Promise<RegionProcess>((resolve) => {
      for (const child of children) child.onEvent((e) => e.event === 'creating' && e.key === key && resolve(child));
    });
    const results = children.map((child) => child.request<{ calls: number; errors: string[] }>('failing', { key, n: 5 }));
    const creator = await creating;
    await contending;
    creator.proceed(key);
    const answers = await Promise.all(results);
    expect(answers.reduce((sum, answer) => sum + answer.calls, 0)).toBe(1);
    const message = answers.find((answer) => answer.calls === 1)!.errors;
    expect(message).toHaveLength(1);
    expect(message[0]).toMatch(/^RangeError: API answered 500 in \d+$/);
    // Every caller of every process got that same failure.
    for (const answer of answers) expect(answer.errors).toEqual(message);
  });

  it('without errorBackoff, each process calls the failing creator in turn', async () => {
    const children = await startAll(3, { prefix: uniquePrefix(), expirationTime: 60_000 });
    const key = 'user:1';
    // Let every creator fail at once: each process's waiter retries and creates.
    for (const child of children) child.onEvent((e) => e.event === 'creating' && e.key === key && child.proceed(key));
    const answers = await Promise.all(children.map((child) => child.request<{ calls: number; errors: string[] }>('failing', { key, n: 1 })));
    expect(answers.reduce((sum, answer) => sum + answer.calls, 0)).toBe(3);
  });
});
