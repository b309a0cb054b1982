/**
 * Pub/sub for one backend: one subscriber connection shared by the lock
 * waiters, the invalidation strategy and the change feed.
 *
 * @module
 */
import type { RedisClientLike, RedisConnection } from './connection.js';

type Listener = (message: string) => void;

/**
 * Subscribes each channel once, however many listeners it has, and tells
 * `onResubscribed` listeners when the subscriber connection is back after a
 * loss: messages published while it was down are lost, so they re-read what
 * they depend on.
 */
export class Channels {
  readonly #connection: RedisConnection;
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #subscribed = new Map<string, Promise<void>>();
  readonly #reconnectListeners = new Set<() => void>();
  #watching: RedisClientLike | undefined;

  constructor(connection: RedisConnection) {
    this.#connection = connection;
  }

  /**
   * Adds a listener to `channel`; resolves once the channel is subscribed,
   * so a message published after that is delivered. Rejects (and keeps no
   * listener) when the subscriber connection cannot be made.
   */
  async listen(channel: string, listener: Listener): Promise<() => void> {
    let set = this.#listeners.get(channel);
    if (!set) this.#listeners.set(channel, (set = new Set()));
    set.add(listener);
    const remove = () => {
      set.delete(listener);
    };
    try {
      await this.#subscribe(channel);
    } catch (error) {
      remove();
      throw error;
    }
    return remove;
  }

  /** Called after the subscriber reconnected. Returns the unsubscribe function. */
  onResubscribed(listener: () => void): () => void {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  #subscribe(channel: string): Promise<void> {
    let subscribed = this.#subscribed.get(channel);
    if (!subscribed) {
      subscribed = (async () => {
        const subscriber = await this.#connection.subscriber();
        this.#watch(subscriber);
        // Channels stay subscribed for the backend's life: they are few (three per namespace).
        await subscriber.subscribe(channel, (message) => this.#listeners.get(channel)?.forEach((listener) => listener(message)));
      })();
      this.#subscribed.set(channel, subscribed);
      subscribed.catch(() => {
        if (this.#subscribed.get(channel) === subscribed) this.#subscribed.delete(channel);
      });
    }
    return subscribed;
  }

  #watch(subscriber: RedisClientLike): void {
    if (this.#watching === subscriber) return;
    this.#watching = subscriber;
    // Watching starts once connected, so every later 'ready' is a reconnection
    // (node-redis re-sends the subscriptions as it reconnects).
    subscriber.on('ready', () => this.#reconnectListeners.forEach((listener) => listener()));
  }
}
