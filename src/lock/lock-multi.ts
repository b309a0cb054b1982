/**
 * dogpile's lock for many keys at once ({@link runLockMulti}), in a module of
 * its own: it loads with the first `getOrCreateMulti`, not with every region.
 *
 * @module
 */
import { BUSY, enterLock, HELD, release, tryEnter, type LockEntry, type LockOptions } from './lock.js';

/** One key of {@link runLockMulti}. */
export interface MultiLockKey<V, R> extends LockOptions<V, R> {}

/**
 * dogpile's `get_or_create_multi`, in two rounds so that many keys cost a
 * few batched calls rather than one pass each:
 *
 * 1. Every key that is not fresh tries its lock at once ({@link tryEnter}:
 *    it never waits, so the order does not matter and nothing can deadlock).
 *    The keys whose lock was taken are read again together (`readMany`),
 *    unless the reads are known current; those still not fresh are made by
 *    one call of `creator`, stored, and their locks released. A busy lock
 *    with an expired value gives the stale value.
 * 2. Keys with no value whose lock was busy (another caller is creating
 *    them) then go through {@link enterLock} one by one, in the order given
 *    (sort it), holding nothing from round 1: they wait for their holder and
 *    are created by a second `creator` call only if still missing.
 *
 * @param creator Makes and stores the values of the keys it is given (their indexes in `keys`), in that order.
 * @param readMany Reads the keys at the given indexes at once; default: one `read` each, concurrently.
 * @returns One value per key.
 */
export async function runLockMulti<V, R>(
  keys: ReadonlyArray<MultiLockKey<V, R>>,
  creator: (indexes: number[]) => Promise<readonly V[]>,
  readMany?: (indexes: number[]) => Promise<readonly R[]>,
): Promise<V[]> {
  const values = new Array<V>(keys.length);
  const readAll = readMany ?? ((indexes: number[]) => Promise.all(indexes.map((i) => keys[i]!.read())));
  const waiting: number[] = [];
  const held = new Set<number>();
  let firsts: R[] = [];
  try {
    firsts = await readFirsts(keys, readAll);
    const entries = new Array<LockEntry<V> | undefined>(keys.length);
    const tried: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const entry = (entries[i] = keys[i]!.judge(firsts[i] as R));
      if (entry?.fresh) {
        keys[i]!.observer?.hit?.();
        values[i] = entry.value;
      } else tried.push(i);
    }
    // acquire(false) never waits, so trying every lock at once cannot deadlock.
    const outcomes = await Promise.all(tried.map((i) => tryEnter(keys[i]!, entries[i])));
    const toReread: number[] = [];
    tried.forEach((i, n) => {
      const outcome = outcomes[n]!;
      if (outcome === HELD) {
        held.add(i);
        if (!keys[i]!.readIsCurrent?.()) toReread.push(i);
      } else if (outcome === BUSY) waiting.push(i);
      else values[i] = outcome.value;
    });
    const reread = toReread.length > 0 ? await readAll(toReread) : [];
    const toCreate: number[] = [];
    for (const i of held) toCreate.push(i);
    toReread.forEach((i, n) => {
      const again = keys[i]!.judge(reread[n] as R);
      if (again?.fresh) {
        // Another holder made it between our first read and our lock.
        held.delete(i);
        release(keys[i]!);
        keys[i]!.observer?.hit?.();
        values[i] = again.value;
        toCreate.splice(toCreate.indexOf(i), 1);
      }
    });
    toCreate.sort((a, b) => a - b);
    if (toCreate.length > 0) {
      const created = await creator(toCreate);
      toCreate.forEach((index, n) => (values[index] = created[n] as V));
    }
  } finally {
    for (const i of held) release(keys[i]!);
  }
  if (waiting.length > 0) await waitAndCreate(keys, firsts, waiting, values, creator);
  return values;
}

/** The first reads: what the caller gave, else one batch. */
async function readFirsts<V, R>(keys: ReadonlyArray<MultiLockKey<V, R>>, readAll: (indexes: number[]) => Promise<readonly R[]>): Promise<R[]> {
  const firsts = keys.map((options) => options.first as R);
  const missing = keys.flatMap((options, i) => ((options.hasFirst ?? 'first' in options) ? [] : [i]));
  if (missing.length > 0) (await readAll(missing)).forEach((value, n) => (firsts[missing[n]!] = value));
  return firsts;
}

/** Round 2 of {@link runLockMulti}: keys another caller was creating. */
async function waitAndCreate<V, R>(
  keys: ReadonlyArray<MultiLockKey<V, R>>,
  firsts: readonly R[],
  waiting: readonly number[],
  values: V[],
  creator: (indexes: number[]) => Promise<readonly V[]>,
): Promise<void> {
  const toCreate: number[] = [];
  const held: Array<MultiLockKey<V, R>> = [];
  try {
    for (const i of waiting) {
      const options = keys[i]!;
      const entered = await enterLock({ ...options, first: firsts[i], hasFirst: true, missCounted: true });
      if (entered.done) values[i] = entered.value;
      else {
        if (entered.holdsLock) held.push(options);
        toCreate.push(i);
      }
    }
    if (toCreate.length > 0) {
      const created = await creator(toCreate);
      toCreate.forEach((index, n) => (values[index] = created[n] as V));
    }
  } finally {
    for (const options of held) release(options);
  }
}
