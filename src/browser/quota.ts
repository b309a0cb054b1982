/**
 * Recognising "storage is full" across browsers and storage APIs.
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

/** How a backend writes and makes room in its own namespace (see {@link writeMakingRoom}). */
export interface RoomMaking {
  /** The write; throws the browser's quota error when storage is full. */
  write(): void | Promise<void>;
  /** Removes this namespace's expired, hard-invalidated and unreadable entries; returns how many. */
  evictDead(): number | Promise<number>;
  /** Removes this namespace's `count` oldest entries; returns how many. */
  evictOldest(count: number): number | Promise<number>;
  /** Reports that `count` entries were evicted. */
  onEvicted(count: number): void;
  /** The typed error to throw when the write does not fit even after evicting `evicted` entries. */
  fail(evicted: number, cause: unknown): Error;
  /**
   * Asked once the write has failed, before anything is evicted: whether it
   * could fit at all once the namespace's entries are gone. `false` throws
   * `tooLarge` at once, so a write that can never fit evicts nothing.
   */
  mayFit?(): boolean | Promise<boolean>;
  /** The typed error for a write that {@link mayFit} says can never fit. */
  tooLarge?(cause: unknown): Error;
}

/**
 * Writes; when storage is full and the write could fit at all
 * (`room.mayFit`), evicts the namespace's dead entries, then its oldest ones
 * in doubling batches, retrying after each step. Other errors
 * pass through; when nothing is left to evict, throws `room.fail(...)`.
 */
export async function writeMakingRoom(room: RoomMaking): Promise<void> {
  let lastError: unknown;
  const fits = async (): Promise<boolean> => {
    try {
      await room.write();
      return true;
    } catch (error) {
      if (!isQuotaError(error)) throw error;
      lastError = error;
      return false;
    }
  };
  if (await fits()) return;
  if (room.mayFit && !(await room.mayFit())) throw room.tooLarge ? room.tooLarge(lastError) : room.fail(0, lastError);
  let evicted = await room.evictDead();
  if (evicted > 0 && (await fits())) {
    room.onEvicted(evicted);
    return;
  }
  for (let batch = 1; ; batch *= 2) {
    const removed = await room.evictOldest(batch);
    if (removed === 0) break;
    evicted += removed;
    if (await fits()) {
      room.onEvicted(evicted);
      return;
    }
  }
  if (evicted > 0) room.onEvicted(evicted);
  throw room.fail(evicted, lastError);
}
