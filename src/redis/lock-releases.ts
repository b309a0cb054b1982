/**
 * Waiting for a Redis lock to be released: woken by the release message,
 * or by a jittered poll when no message comes (the holder died and its
 * lease ran out, or the subscriber connection is down).
 *
 * @module
 */
import type { Channels } from './channels.js';
import type { RedisConnection } from './connection.js';

/** One registered wait: {@link LockReleases.expect}. */
export interface ReleaseWait {
  /** Resolves on the next release of the lock, or after at most `ms` (jittered). */
  wait(ms: number): Promise<void>;
  /** Drops the registration without waiting. */
  cancel(): void;
}

/**
 * Dispatches the namespace's release channel to the waiters of each lock
 * key, and shares one {@link untilFree} wait per key among every caller of
 * the process, so they all wake together.
 */
export class LockReleases {
  readonly #connection: RedisConnection;
  readonly #channels: Channels;
  readonly #channel: string;
  readonly #pollInterval: number;
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #untilFree = new Map<string, Promise<void>>();
  #listening: Promise<unknown> | undefined;

  constructor(options: { connection: RedisConnection; channels: Channels; channel: string; pollInterval: number }) {
    this.#connection = options.connection;
    this.#channels = options.channels;
    this.#channel = options.channel;
    this.#pollInterval = options.pollInterval;
  }

  /**
   * Subscribes the release channel (once). Waiting works without it (by
   * polling), so a failure here is not an error for the waiter.
   */
  ready(): Promise<unknown> {
    if (!this.#listening) {
      this.#listening = this.#channels.listen(this.#channel, (lockKey) => this.#wake(lockKey)).subscribed;
      // After a reconnection a release may have been missed: everybody looks again.
      this.#channels.onResubscribed(() => [...this.#waiters.keys()].forEach((key) => this.#wake(key)));
    }
    return this.#listening.catch(() => undefined);
  }

  /**
   * Registers interest in the next release of `lockKey`. Register before
   * trying the lock, so a release between the failed try and the wait is
   * not missed.
   */
  expect(lockKey: string): ReleaseWait {
    let wake!: () => void;
    const released = new Promise<void>((resolve) => (wake = resolve));
    let set = this.#waiters.get(lockKey);
    if (!set) this.#waiters.set(lockKey, (set = new Set()));
    set.add(wake);
    const cancel = () => {
      set.delete(wake);
      if (set.size === 0 && this.#waiters.get(lockKey) === set) this.#waiters.delete(lockKey);
    };
    return {
      wait: async (ms) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        // Jitter (50-100% of the bound) keeps polling processes from retrying in step.
        const poll = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(1, ms * (0.5 + Math.random() / 2)))));
        try {
          await Promise.race([released, poll]);
        } finally {
          clearTimeout(timer);
          cancel();
        }
      },
      cancel,
    };
  }

  /** How long to wait before trying `lockKey` again: until its lease ends, at most one poll interval. */
  async nextTry(lockKey: string): Promise<number> {
    const ttl = Number(await this.#connection.command(['PTTL', lockKey]));
    if (ttl === -2) return 0; // already gone
    return ttl > 0 ? Math.min(ttl + 1, this.#pollInterval) : this.#pollInterval;
  }

  /** Resolves once `lockKey` does not exist; one shared wait per key in this process. */
  untilFree(lockKey: string): Promise<void> {
    let free = this.#untilFree.get(lockKey);
    if (!free) {
      free = this.#waitFree(lockKey).finally(() => {
        if (this.#untilFree.get(lockKey) === free) this.#untilFree.delete(lockKey);
      });
      this.#untilFree.set(lockKey, free);
    }
    return free;
  }

  async #waitFree(lockKey: string): Promise<void> {
    await this.ready();
    for (;;) {
      const waiting = this.expect(lockKey);
      let delay: number;
      try {
        delay = await this.nextTry(lockKey);
      } catch (error) {
        waiting.cancel();
        throw error;
      }
      if (delay === 0) {
        waiting.cancel();
        return;
      }
      await waiting.wait(delay);
    }
  }

  #wake(lockKey: string): void {
    const set = this.#waiters.get(lockKey);
    if (!set) return;
    this.#waiters.delete(lockKey);
    set.forEach((wake) => wake());
  }
}
