/**
 * Keeps late or out-of-order change messages from reporting an older value
 * as newer.
 *
 * @module
 */

/** Above this many keys the oldest are forgotten: their next message is taken as new. */
const MAX_KEYS = 10_000;

/**
 * The newest change time heard per key. A message is news only when it is not
 * older than the newest one already heard for its key: a write by its
 * creation time, a delete by the time it was made.
 */
export class ChangeOrder {
  readonly #newest = new Map<string, number>();

  /**
   * Whether a change of `key` made at `time` is news. `undefined` (a change of
   * unknown time, heard in storage order) is always news and leaves the
   * record as it is.
   */
  accept(key: string, time: number | undefined): boolean {
    if (time === undefined || !Number.isFinite(time)) return true;
    const newest = this.#newest.get(key);
    if (newest !== undefined && time < newest) return false;
    this.#newest.delete(key);
    this.#newest.set(key, time);
    if (this.#newest.size > MAX_KEYS) this.#newest.delete(this.#newest.keys().next().value!);
    return true;
  }

  /** The newest change time heard or made for `key`, if remembered. */
  newest(key: string): number | undefined {
    return this.#newest.get(key);
  }

  /** Records a change this tab made itself, so older news of the key from elsewhere is dropped. */
  record(key: string, time: number): void {
    this.accept(key, time);
  }

  /** Forgets everything (the backend's entries were all removed). */
  clear(): void {
    this.#newest.clear();
  }
}
