/**
 * Recognising "storage is full" across browsers and storage APIs, and making
 * room for a write in the writer's own namespace without chasing a usage
 * figure that lags behind deletes.
 *
 * @module
 */

/** Whether `error` is a browser's quota error (localStorage `setItem`, an aborted IndexedDB transaction). */
export function isQuotaError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  // Chromium/WebKit: QuotaExceededError (legacy code 22); old Firefox: NS_ERROR_DOM_QUOTA_REACHED (1014).
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22 || code === 1014;
}

/** What {@link RoomMaking.evictOldest} removed. */
export interface Evicted {
  /** How many entries. */
  removed: number;
  /** Their estimated bytes. */
  bytes: number;
}

/** How a backend writes and makes room in its own namespace (see {@link writeMakingRoom}). */
export interface RoomMaking {
  /** The write; throws the browser's quota error when storage is full. */
  write(): void | Promise<void>;
  /** The write's estimated bytes: how much room eviction makes for it at most. */
  bytes: number;
  /** Removes this namespace's expired, hard-invalidated and unreadable entries; returns how many. */
  evictDead(): number | Promise<number>;
  /**
   * Removes this namespace's `count` oldest entries, never its newest one
   * (a region does not empty itself for one write).
   */
  evictOldest(count: number): Evicted | Promise<Evicted>;
  /** Reports that `count` entries were evicted. */
  onEvicted(count: number): void;
  /** The typed error to throw when the write does not fit after evicting `evicted` entries (about `bytes`). */
  fail(evicted: number, bytes: number, cause: unknown): Error;
  /**
   * Asked once the write has failed, before anything is evicted: whether it
   * could fit at all once the namespace's entries are gone. `false` throws
   * `tooLarge` at once, so a write that can never fit evicts nothing.
   */
  mayFit?(): boolean | Promise<boolean>;
  /** The typed error for a write that {@link mayFit} says can never fit. */
  tooLarge?(cause: unknown): Error;
  /** Gives the storage a turn to account for the deletes before the last retry. */
  settle?(): Promise<void>;
}

/**
 * How long (ms) bytes evicted for a write that still failed count as owed by
 * the storage: a browser's usage figure (Chromium's IndexedDB) may lag
 * behind deletes, so later writes do not evict again for room already made.
 */
export const RECLAIM_WINDOW_MS = 30_000;

/**
 * The bytes a backend evicted that the storage has not given back yet (the
 * write they were evicted for still failed). Reset by a write that succeeds,
 * and forgotten after {@link RECLAIM_WINDOW_MS}.
 */
export class UnclaimedRoom {
  #bytes = 0;
  #since = 0;

  /** The bytes evicted recently that the storage still owes. */
  get owed(): number {
    if (Date.now() - this.#since > RECLAIM_WINDOW_MS) this.#bytes = 0;
    return this.#bytes;
  }

  /** Records bytes evicted for a write. */
  add(bytes: number): void {
    if (this.owed === 0) this.#since = Date.now();
    this.#bytes += bytes;
  }

  /** A write went through: the storage has room again. */
  settled(): void {
    this.#bytes = 0;
  }
}

/**
 * Writes; when storage is full and the write could fit at all
 * (`room.mayFit`), evicts the namespace's dead entries and retries, then its
 * oldest ones in doubling batches, retrying after each, but only until the
 * bytes evicted (with those evicted earlier that the storage still owes, in
 * `unclaimed`) reach the write's own; then retries once more after
 * `room.settle` and throws `room.fail(...)`. A usage figure that does not
 * fall after deletes thus costs at most one write's worth of entries, never
 * the whole namespace. Other errors pass through.
 */
export async function writeMakingRoom(room: RoomMaking, unclaimed: UnclaimedRoom = new UnclaimedRoom()): Promise<void> {
  let lastError: unknown;
  const fits = async (): Promise<boolean> => {
    try {
      await room.write();
      unclaimed.settled();
      return true;
    } catch (error) {
      if (!isQuotaError(error)) throw error;
      lastError = error;
      return false;
    }
  };
  if (await fits()) return;
  if (room.mayFit && !(await room.mayFit())) throw room.tooLarge ? room.tooLarge(lastError) : room.fail(0, 0, lastError);
  let evicted = await room.evictDead();
  let freed = 0;
  const done = (): true => {
    if (evicted > 0) room.onEvicted(evicted);
    return true;
  };
  if (evicted > 0 && (await fits()) && done()) return;
  // At least one entry for a write of unknown size; nothing more where earlier evictions are still owed.
  // Estimates are rough (the same value under a longer key counts more): within a sixteenth is enough.
  const needed = Math.max(room.bytes, 1) * (15 / 16) - unclaimed.owed;
  for (let batch = 1; freed < needed; batch *= 2) {
    const step = await room.evictOldest(batch);
    if (step.removed === 0) break;
    evicted += step.removed;
    freed += step.bytes;
    unclaimed.add(step.bytes);
    if ((await fits()) && done()) return;
  }
  await room.settle?.();
  if ((await fits()) && done()) return;
  if (evicted > 0) room.onEvicted(evicted);
  throw room.fail(evicted, freed, lastError);
}
