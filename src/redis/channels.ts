/**
 * Pub/sub for one backend: one subscriber connection shared by the lock
 * waiters, the invalidation strategy and the change feed (sharded pub/sub
 * on a cluster: each channel on its shard's node).
 *
 * @module
 */
import type { RedisConnection } from './connection.js';

type Listener = (message: string) => void;

/** A listener added by {@link Channels.listen}. */
export interface Listening {
  /** Resolves once the channel is subscribed; rejects (within the command timeout) when it is not yet. */
  readonly subscribed: Promise<void>;
  /** Removes the listener. */
  stop(): void;
}

/** How long to wait before trying again to subscribe when the subscriber could not be reached. */
const RETRY_MS = 1_000;

/**
 * Subscribes each channel once, however many listeners it has. A listener
 * stays until stopped, even when subscribing is slow or fails at first:
 * the subscription is retried until it is made, and node-redis re-sends it
 * after every reconnection. `onResubscribed` listeners hear of each
 * (re)connection of the subscriber: messages published while it was down
 * are lost, so they re-read what they depend on.
 */
export class Channels {
  readonly #connection: RedisConnection;
  readonly #listeners = new Map<string, Set<Listener>>();
  /** Per channel, the SUBSCRIBE once sent (node-redis keeps it from then on). */
  readonly #issued = new Map<string, Promise<void>>();
  readonly #retrying = new Set<string>();

  constructor(connection: RedisConnection) {
    this.#connection = connection;
  }

  /** Adds a listener to `channel` and subscribes it if needed. */
  listen(channel: string, listener: Listener): Listening {
    let set = this.#listeners.get(channel);
    if (!set) this.#listeners.set(channel, (set = new Set()));
    set.add(listener);
    const subscribed = this.#subscribe(channel);
    subscribed.catch(() => this.#retryLater(channel));
    return { subscribed, stop: () => void set.delete(listener) };
  }

  /** Called after each (re)connection of the subscriber. Returns the unsubscribe function. */
  onResubscribed(listener: () => void): () => void {
    return this.#connection.onSubscriberReady(listener);
  }

  async #subscribe(channel: string): Promise<void> {
    let issued = this.#issued.get(channel);
    if (!issued) {
      const subscriber = await this.#connection.subscriber();
      issued = this.#issued.get(channel);
      if (!issued) {
        const deliver = (message: string) => this.#listeners.get(channel)?.forEach((listener) => listener(message));
        const connection = this.#connection;
        const sending = subscriber
          .subscribe(channel, deliver, !connection.sharded)
          // A cluster of servers without sharded pub/sub (before Redis 7): plain SUBSCRIBE.
          .catch((error: unknown) => (connection.sharded && connection.noShardedPubSub(error) ? subscriber.subscribe(channel, deliver, true) : Promise.reject(error)))
          .then(() => {});
        sending.catch(() => {
          if (this.#issued.get(channel) === sending) this.#issued.delete(channel);
        });
        this.#issued.set(channel, sending);
        issued = sending;
      }
    }
    // Bounded: the subscriber queues commands while offline, and no caller may hang on it.
    await this.#connection.bounded(issued, `subscribing to ${channel}`);
  }

  /** When the subscriber could not even be reached, try again until the SUBSCRIBE is sent. */
  #retryLater(channel: string): void {
    if (this.#connection.closed || this.#issued.has(channel) || this.#retrying.has(channel)) return;
    this.#retrying.add(channel);
    const timer = setTimeout(() => {
      this.#retrying.delete(channel);
      if (this.#listeners.get(channel)?.size) this.#subscribe(channel).catch(() => this.#retryLater(channel));
    }, RETRY_MS);
    timer.unref?.();
  }
}
