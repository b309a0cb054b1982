/**
 * Values handed from the tab that created them to the tabs waiting for them,
 * so a waiter resolves with the value as soon as the creator's message
 * arrives, without waiting for the lock to be released or reading storage.
 *
 * Storage stays the source of truth: a hand-off is held only briefly, read
 * once, and only while it is the newest change this tab knows of for the key
 * (by creation time); a tab that missed the message reads storage as before.
 *
 * @module
 */

/** How long a handed-off value waits to be read: long enough for any waiter woken by it. */
export const HAND_OFF_HOLD_MS = 1_000;
/** Values larger than this (by the backend's estimate) are not handed off: waiters read storage. */
export const HAND_OFF_MAX_BYTES = 64 * 1024;
/** Above this many held values the oldest go first. */
const MAX_HELD = 256;

interface Held<T> {
  ct: number;
  value: T;
  until: number;
  /** A waiter was woken by it: the next read takes it. Reads that did not wait read storage. */
  claimed: boolean;
}

/**
 * The values handed to this tab, by stored key, and the waiters to wake when
 * one arrives. `T` is what the backend keeps (decoded or not).
 */
export class HandOffs<T> {
  readonly #held = new Map<string, Held<T>>();
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #clock: () => number;

  /** @param clock A monotonic clock (ms), for the hold time. */
  constructor(clock: () => number) {
    this.#clock = clock;
  }

  /**
   * Keeps `value` (created at `ct`) for `key` and wakes the key's waiters,
   * unless a value at least as new is held already. Returns whether it was kept.
   */
  offer(key: string, ct: number, value: T): boolean {
    const held = this.#live(key);
    if (held && held.ct >= ct) return false;
    this.#held.delete(key);
    const entry: Held<T> = { ct, value, until: this.#clock() + HAND_OFF_HOLD_MS, claimed: this.#waiters.has(key) };
    this.#held.set(key, entry);
    if (this.#held.size > MAX_HELD) this.#held.delete(this.#held.keys().next().value!);
    this.wake(key);
    return true;
  }

  /** Wakes the key's waiters without a value (this tab wrote it: its storage shows it). */
  wake(key: string): void {
    const waiters = this.#waiters.get(key);
    if (!waiters) return;
    this.#waiters.delete(key);
    for (const wake of waiters) wake();
  }

  /**
   * The value held for `key`, if a waiter was woken by it and it is still in
   * time; it is dropped (read once).
   */
  take(key: string): { ct: number; value: T } | undefined {
    const held = this.#live(key);
    if (!held?.claimed) return undefined;
    this.#held.delete(key);
    return { ct: held.ct, value: held.value };
  }

  /** Whether a value is held for `key`. */
  has(key: string): boolean {
    return this.#live(key) !== undefined;
  }

  /** Forgets the value held for `key` (it was deleted or overwritten). */
  drop(key: string): void {
    this.#held.delete(key);
  }

  /** Forgets the value held for `key` if it is older than `ct`. */
  dropOlder(key: string, ct: number): void {
    const held = this.#held.get(key);
    if (held && held.ct < ct) this.#held.delete(key);
  }

  /** Forgets every held value (this tab may have missed messages). */
  clear(): void {
    this.#held.clear();
  }

  /**
   * Resolves when a value for `key` is offered (at once if one is held),
   * which the next read then takes, or when the key's waiters are woken
   * without one; `cancel` stops waiting.
   */
  whenOffered(key: string): { promise: Promise<void>; cancel: () => void } {
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    const held = this.#live(key);
    if (held) {
      held.claimed = true;
      wake();
      return { promise, cancel: () => {} };
    }
    let waiters = this.#waiters.get(key);
    if (!waiters) this.#waiters.set(key, (waiters = new Set()));
    waiters.add(wake);
    const cancel = () => {
      const set = this.#waiters.get(key);
      if (!set) return;
      set.delete(wake);
      if (set.size === 0) this.#waiters.delete(key);
    };
    return { promise, cancel };
  }

  #live(key: string): Held<T> | undefined {
    const held = this.#held.get(key);
    if (held && held.until < this.#clock()) {
      this.#held.delete(key);
      return undefined;
    }
    return held;
  }
}
