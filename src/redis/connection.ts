/**
 * The backend's connections to Redis: one for commands (the caller's client
 * or one made from a URL) and one for subscriptions, with a bound on every
 * command and one error type for "Redis is not reachable".
 *
 * @module
 */
import { createClient, createCluster, createSentinel, RESP_TYPES } from 'redis';
import { RedisUnavailableError } from './errors.js';
import {
  clusterTarget,
  isClusterClient,
  isSentinelClient,
  sentinelTarget,
  serverTarget,
  type MultiLike,
  type RedisClientLike,
  type RedisClusterLike,
  type RedisArgument,
  type RedisSentinelLike,
  type RedisTarget,
  type TargetKind,
} from './targets.js';

export type { RedisArgument, RedisClientLike } from './targets.js';

/** Options of {@link RedisConnection}. */
export interface RedisConnectionOptions {
  /** A node-redis client, cluster or Sentinel client to use (connected, or connected here). Not closed by {@link RedisConnection.close}. */
  client?: RedisClientLike | RedisClusterLike | RedisSentinelLike;
  /** Where to connect when no client is given, e.g. `redis://127.0.0.1:6379`. */
  url?: string;
  /** `createCluster` options: connect to a cluster. */
  cluster?: object;
  /** `createSentinel` options: connect to the primary Sentinel names. */
  sentinel?: object;
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
  if (name !== 'ErrorReply' && name !== 'SimpleError' && name !== 'BlobError' && name !== 'MultiErrorReply') return false;
  // Replies that mean "no primary can serve this now" (a cluster without a node, a fail-over under way) are unavailability.
  return !/^(CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING|READONLY|NOREPLICAS|UNBLOCKED)\b/.test(String((error as Error).message));
}

/** The node a command is about, for a cluster to route it: the first key (scripts: after the key count). */
function routeOf(args: readonly RedisArgument[]): RedisArgument | undefined {
  const name = String(args[0]).toUpperCase();
  if (name === 'EVALSHA' || name === 'EVAL') return Number(args[2]) > 0 ? args[3] : undefined;
  return args[1];
}

/** Reconnection of the clients made here: keep trying for the backend's life; jitter spreads many processes' reconnects. */
const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 1_000) + Math.floor(Math.random() * 50);

/**
 * Runs commands with a deadline. A client made here from a URL has its
 * offline queue disabled, so while the connection is down commands fail at
 * once instead of piling up, and it reconnects by itself (backoff capped at
 * one second). A client passed in keeps its own settings; the deadline still
 * applies, so no call hangs whatever they are.
 */
export class RedisConnection {
  readonly #target: RedisTarget;
  readonly #owned: boolean;
  readonly #timeout: number;
  readonly #onError: (error: unknown) => void;
  #connecting: Promise<unknown> | undefined;
  #subscriber: RedisTarget | undefined;
  #subscriberConnecting: Promise<unknown> | undefined;
  readonly #subscriberReady = new Set<() => void>();
  #closed = false;
  #classic = false;
  readonly #pending = new Set<Pending>();
  #sweep: ReturnType<typeof setInterval> | undefined;

  constructor(options: RedisConnectionOptions) {
    this.#timeout = options.commandTimeout;
    this.#onError = options.onError;
    const { client, cluster, sentinel } = options;
    if (client) {
      this.#target = isClusterClient(client) ? clusterTarget(client) : isSentinelClient(client) ? sentinelTarget(client) : serverTarget(client as RedisClientLike);
      this.#owned = false;
    } else {
      const socket = { connectTimeout: options.commandTimeout, reconnectStrategy };
      if (cluster) {
        const { defaults = {} } = cluster as { defaults?: { socket?: object } };
        const made = createCluster({ ...cluster, defaults: { disableOfflineQueue: true, ...defaults, socket: { ...socket, ...defaults.socket } } } as unknown as Parameters<typeof createCluster>[0]);
        this.#target = clusterTarget(made as unknown as RedisClusterLike);
      } else if (sentinel) {
        const { nodeClientOptions = {} } = sentinel as { nodeClientOptions?: { socket?: object } };
        // The offline queue stays on: commands sent during a fail-over wait (up to commandTimeout) for the new primary.
        const made = createSentinel({
          ...sentinel,
          nodeClientOptions: { ...nodeClientOptions, socket: { ...socket, ...nodeClientOptions.socket } },
        } as unknown as Parameters<typeof createSentinel>[0]);
        this.#target = sentinelTarget(made as unknown as RedisSentinelLike);
      } else {
        // Offline queue off: while the connection is down commands fail at once instead of piling up.
        this.#target = serverTarget(createClient({ url: options.url, disableOfflineQueue: true, socket }) as unknown as RedisClientLike);
      }
      this.#owned = true;
      // Without a listener an 'error' event would crash the process.
      this.#target.on('error', (error: unknown) => this.#onError(error));
    }
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The command client (node-redis client, cluster or Sentinel client). */
  get client(): RedisClientLike | RedisClusterLike | RedisSentinelLike {
    return this.#target.client;
  }

  /** What the backend is connected to. */
  get kind(): TargetKind {
    return this.#target.kind;
  }

  /** A node's id for once-per-node work (see `RedisTarget.nodeOf`). */
  nodeOf(slot: number): string {
    return this.#target.nodeOf(slot);
  }

  /** Sends one command (on a cluster, to the node of `route`, by default its first key); bulk-string replies come back as strings. */
  command(args: readonly RedisArgument[], route: RedisArgument | undefined = routeOf(args)): Promise<unknown> {
    return this.#run(() => this.#target.send(route, args));
  }

  /** Sends one command; bulk-string replies come back as Buffers (for stored values). */
  commandBuffers(args: readonly RedisArgument[]): Promise<unknown> {
    return this.#run(() => this.#target.send(routeOf(args), args, BUFFER_REPLIES));
  }

  /** Sends commands as one MULTI/EXEC transaction (one round trip, applied together); on a cluster every key must share `route`'s slot. */
  transaction(commands: ReadonlyArray<readonly RedisArgument[]>, route: RedisArgument | undefined = routeOf(commands[0] ?? [])): Promise<unknown> {
    return this.#run(() => {
      const multi: MultiLike = this.#target.multi(route);
      for (const args of commands) multi.addCommand(args);
      return multi.exec();
    });
  }

  /** Whether pub/sub is sharded (SPUBLISH/SSUBSCRIBE): on a cluster whose servers have it (Redis 7). */
  get sharded(): boolean {
    return this.#target.kind === 'cluster' && !this.#classic;
  }

  /** Publishes `message`: SPUBLISH on a cluster (to the channel's shard), PUBLISH elsewhere. */
  async publish(channel: string, message: string): Promise<unknown> {
    if (!this.sharded) return this.command(['PUBLISH', channel, message]);
    try {
      return await this.command(['SPUBLISH', channel, message]);
    } catch (error) {
      if (!this.noShardedPubSub(error)) throw error;
      return this.command(['PUBLISH', channel, message]);
    }
  }

  /** Whether `error` says the servers have no sharded pub/sub (before Redis 7); if so, plain pub/sub is used from now on. */
  noShardedPubSub(error: unknown): boolean {
    if (!/unknown command/i.test(String((error as Error)?.message))) return false;
    this.#classic = true;
    return true;
  }

  /** One sender per primary (one server: itself), each command bounded by the command timeout. */
  async primaries(): Promise<Array<(args: readonly RedisArgument[]) => Promise<unknown>>> {
    const senders = await this.#run(() => this.#target.primaries());
    return senders.map((send) => (args) => this.#run(() => send(args)));
  }

  /**
   * The subscriber connection (a duplicate of the command client), made on
   * first use and kept for the backend's life: a connection that is slow to
   * come up is waited for again, never duplicated anew.
   */
  async subscriber(): Promise<RedisTarget> {
    if (this.#closed) throw new RedisUnavailableError('The Redis backend was closed');
    if (!this.#subscriber) {
      // Subscriptions are re-sent by node-redis after a reconnect, so the subscriber keeps its offline queue.
      const subscriber = this.#target.forSubscriptions();
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
    await Promise.all([
      subscriber?.closable && closeClient(subscriber, this.#timeout),
      this.#owned && this.#target.isOpen ? closeClient(this.#target, this.#timeout) : undefined,
    ]);
  }

  /**
   * Whether commands can be sent now: connected, or a plain client passed in
   * that is open (its own offline queue holds commands while it reconnects).
   * A cluster needs its slot map first.
   */
  #usable(): boolean {
    return this.#target.isReady || (!this.#owned && this.#target.kind === 'server' && this.#target.isOpen);
  }

  #ensureConnected(): Promise<unknown> | undefined {
    if (this.#usable()) return undefined;
    if (this.#closed) return Promise.reject(new RedisUnavailableError('The Redis backend was closed'));
    if (!this.#target.isOpen) {
      const connecting = this.#target.connect();
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
    if (this.#usable()) return this.#bounded(attempt(send), 'waiting for a reply');
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
async function closeClient(client: RedisTarget, timeoutMs: number): Promise<void> {
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
