/**
 * The backend's connections to Redis: one for commands (the caller's client
 * or one made from a URL) and one for subscriptions, with a bound on every
 * command and one error type for "Redis is not reachable".
 *
 * @module
 */
import { createClient, RESP_TYPES } from 'redis';
import { RedisUnavailableError } from './errors.js';

/** An argument of a Redis command. */
export type RedisArgument = string | Buffer;

/**
 * The part of a node-redis client (`createClient()` from the `redis`
 * package, v5) that the backend uses. Typed structurally so that any
 * node-redis client, whatever its modules and type mapping, is accepted.
 */
export interface RedisClientLike {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: readonly RedisArgument[], options?: object): Promise<unknown>;
  multi(): { addCommand(args: readonly RedisArgument[]): unknown; exec(): Promise<unknown> };
  duplicate(overrides?: object): RedisClientLike;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  unsubscribe(channel: string, listener?: (message: string, channel: string) => void): Promise<unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- node-redis types its listeners with any
  on(event: string, listener: (...args: any[]) => void): unknown;
  close?(): Promise<unknown>;
  destroy?(): unknown;
}

/** Options of {@link RedisConnection}. */
export interface RedisConnectionOptions {
  /** A node-redis client to use (connected, or connected here). Not closed by {@link RedisConnection.close}. */
  client?: RedisClientLike;
  /** Where to connect when no client is given, e.g. `redis://127.0.0.1:6379`. */
  url?: string;
  /** Longest wait (ms) for any one command, including the wait for a connection. */
  commandTimeout: number;
  /** Told about connection errors the client reports in the background. */
  onError(error: unknown): void;
}

/** Replies of bulk strings as Buffers: stored values are binary. */
const BUFFER_REPLIES = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } };

/** Whether `error` is a reply from the server (a script error, a wrong type) rather than a connection fault. */
function isServerReply(error: unknown): boolean {
  const name = (error as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name === 'ErrorReply' || name === 'SimpleError' || name === 'BlobError' || name === 'MultiErrorReply';
}

/**
 * Runs commands with a deadline. A client made here from a URL has its
 * offline queue disabled, so while the connection is down commands fail at
 * once instead of piling up, and it reconnects by itself (backoff capped at
 * one second). A client passed in keeps its own settings; the deadline still
 * applies, so no call hangs whatever they are.
 */
export class RedisConnection {
  readonly #client: RedisClientLike;
  readonly #owned: boolean;
  readonly #timeout: number;
  readonly #onError: (error: unknown) => void;
  #connecting: Promise<unknown> | undefined;
  #subscriber: RedisClientLike | undefined;
  #subscriberConnecting: Promise<unknown> | undefined;
  readonly #subscriberReady = new Set<() => void>();
  #closed = false;
  readonly #pending = new Set<Pending>();
  #sweep: ReturnType<typeof setInterval> | undefined;

  constructor(options: RedisConnectionOptions) {
    this.#timeout = options.commandTimeout;
    this.#onError = options.onError;
    if (options.client) {
      this.#client = options.client;
      this.#owned = false;
    } else {
      this.#client = createClient({
        url: options.url,
        disableOfflineQueue: true,
        socket: {
          connectTimeout: options.commandTimeout,
          // Keep trying for as long as the backend lives; jitter spreads many processes' reconnects.
          reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1_000) + Math.floor(Math.random() * 50),
        },
      }) as unknown as RedisClientLike;
      this.#owned = true;
      // Without a listener an 'error' event would crash the process.
      this.#client.on('error', (error: unknown) => this.#onError(error));
    }
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The command client. */
  get client(): RedisClientLike {
    return this.#client;
  }

  /** Sends one command; bulk-string replies come back as strings. */
  command(args: readonly RedisArgument[]): Promise<unknown> {
    return this.#run(() => this.#client.sendCommand(args));
  }

  /** Sends one command; bulk-string replies come back as Buffers (for stored values). */
  commandBuffers(args: readonly RedisArgument[]): Promise<unknown> {
    return this.#run(() => this.#client.sendCommand(args, BUFFER_REPLIES));
  }

  /** Sends commands as one MULTI/EXEC transaction (one round trip, applied together). */
  transaction(commands: ReadonlyArray<readonly RedisArgument[]>): Promise<unknown> {
    return this.#run(() => {
      const multi = this.#client.multi();
      for (const args of commands) multi.addCommand(args);
      return multi.exec();
    });
  }

  /**
   * The subscriber connection (a duplicate of the command client), made on
   * first use and kept for the backend's life: a connection that is slow to
   * come up is waited for again, never duplicated anew.
   */
  async subscriber(): Promise<RedisClientLike> {
    if (this.#closed) throw new RedisUnavailableError('The Redis backend was closed');
    if (!this.#subscriber) {
      // Subscriptions are re-sent by node-redis after a reconnect, so the subscriber keeps its offline queue.
      const subscriber = this.#client.duplicate({ disableOfflineQueue: false });
      subscriber.on('error', (error: unknown) => this.#onError(error));
      subscriber.on('ready', () => this.#subscriberReady.forEach((listener) => listener()));
      this.#subscriber = subscriber;
    }
    const subscriber = this.#subscriber;
    if (!this.#subscriberConnecting) {
      const connecting = subscriber.isOpen ? Promise.resolve() : subscriber.connect();
      this.#subscriberConnecting = connecting;
      connecting.catch(() => {
        // Gave up (a client without a reconnect strategy): the next call connects again.
        if (this.#subscriberConnecting === connecting) this.#subscriberConnecting = undefined;
      });
    }
    await this.#bounded(this.#subscriberConnecting, 'connecting the subscriber');
    return subscriber;
  }

  /** Called each time the subscriber connection is (re)established. Returns the unsubscribe function. */
  onSubscriberReady(listener: () => void): () => void {
    this.#subscriberReady.add(listener);
    return () => this.#subscriberReady.delete(listener);
  }

  /** Closes the subscriber, and the command client if it was made here. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const subscriber = this.#subscriber;
    await Promise.all([subscriber && closeClient(subscriber, this.#timeout), this.#owned && this.#client.isOpen ? closeClient(this.#client, this.#timeout) : undefined]);
  }

  #ensureConnected(): Promise<unknown> | undefined {
    if (this.#client.isReady || (!this.#owned && this.#client.isOpen)) return undefined;
    if (this.#closed) return Promise.reject(new RedisUnavailableError('The Redis backend was closed'));
    if (!this.#client.isOpen) {
      const connecting = this.#client.connect();
      this.#connecting = connecting;
      connecting.catch(() => {
        if (this.#connecting === connecting) this.#connecting = undefined;
      });
    }
    // An owned client that is open but not ready is reconnecting: commands fail fast below.
    return this.#connecting;
  }

  #run<T>(send: () => Promise<T>): Promise<T> {
    // The common case, connected: no extra async frame.
    if (this.#client.isReady || (!this.#owned && this.#client.isOpen)) return this.#bounded(attempt(send), 'waiting for a reply');
    return this.#runConnecting(send);
  }

  async #runConnecting<T>(send: () => Promise<T>): Promise<T> {
    const connecting = this.#ensureConnected();
    const started = Date.now();
    if (connecting) await this.#bounded(connecting, 'connecting');
    const left = Math.max(1, this.#timeout - (Date.now() - started));
    return this.#bounded(attempt(send), 'waiting for a reply', left);
  }

  /** Bounds `promise` (e.g. a SUBSCRIBE on the subscriber) by the command timeout, as commands are. */
  bounded<T>(promise: Promise<T>, what: string): Promise<T> {
    return this.#bounded(promise, what);
  }

  /**
   * Settles with `promise`, or rejects with {@link RedisUnavailableError}
   * once `ms` have passed; maps connection faults to that error too. One
   * sweeping timer serves every pending command (rather than a timer per
   * command, which would cost a hit a good part of its time).
   */
  #bounded<T>(promise: Promise<T>, what: string, ms = this.#timeout): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { deadline: Date.now() + ms, ms, what, reject };
      this.#pending.add(entry);
      this.#sweep ??= this.#startSweeping();
      promise.then(
        (value) => {
          if (this.#pending.delete(entry)) resolve(value);
        },
        (error: unknown) => {
          // A command that fails after its deadline was already reported as late.
          if (!this.#pending.delete(entry)) return;
          if (error instanceof RedisUnavailableError || isServerReply(error)) reject(error);
          else reject(new RedisUnavailableError(`Redis is not reachable (${(error as Error)?.message ?? String(error)})`, { cause: error }));
        },
      );
    });
  }

  #startSweeping(): ReturnType<typeof setInterval> {
    // Deadlines are kept to within a tenth of the timeout (10-100 ms).
    const every = Math.min(100, Math.max(10, Math.floor(this.#timeout / 10)));
    const timer = setInterval(() => {
      const now = Date.now();
      for (const entry of this.#pending) {
        if (now < entry.deadline) continue;
        this.#pending.delete(entry);
        entry.reject(new RedisUnavailableError(`Redis did not answer within ${entry.ms} ms (${entry.what})`));
      }
      if (this.#pending.size === 0) {
        clearInterval(timer);
        this.#sweep = undefined;
      }
    }, every);
    // Pending commands keep the process alive by themselves; the sweeper must not.
    timer.unref?.();
    return timer;
  }
}

/** `send()`, with a synchronous throw (a closed client) turned into a rejection. */
function attempt<T>(send: () => Promise<T>): Promise<T> {
  try {
    return send();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** A command waiting for its reply, with its deadline. */
interface Pending {
  deadline: number;
  ms: number;
  what: string;
  reject(error: unknown): void;
}

/**
 * Closes a client: gracefully (pending replies first) when it is connected,
 * at once when it is not (node-redis's close() would wait for a reconnection
 * that may never come), and never for longer than `timeoutMs`.
 */
async function closeClient(client: RedisClientLike, timeoutMs: number): Promise<void> {
  if (!client.isReady || !client.close) {
    if (client.isOpen) client.destroy?.();
    return;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  try {
    const outcome = await Promise.race([client.close().then(() => 'closed' as const), late]);
    if (outcome === 'late' && client.isOpen) client.destroy?.();
  } catch {
    if (client.isOpen) client.destroy?.();
  } finally {
    clearTimeout(timer);
  }
}
