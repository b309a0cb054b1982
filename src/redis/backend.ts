/**
 * The `redis` backend: entries, creation locks and invalidation in Redis,
 * shared by every process (and machine) that uses the same server.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  CacheBackend,
  CachedValue,
  NO_VALUE,
  type CacheMutex,
  type NoValue,
  type RegionBinding,
  type RegionInvalidationStrategy,
  type StoredValue,
} from '../api.js';
import { ValidationError } from '../errors.js';
import { MutexRegistry } from '../lock/mutex.js';
import { RegistryMutex } from '../browser/registry-mutex.js';
import { changeMessage, parseChange } from './change-feed.js';
import { Channels, type Listening } from './channels.js';
import { RedisConnection, type RedisArgument } from './connection.js';
import { RedisInvalidationStrategy } from './invalidation.js';
import { KeySpace } from './key-space.js';
import { LocalHolds, RedisKeyMutex } from './key-mutex.js';
import { LockReleases } from './lock-releases.js';
import { RedisLock, type RedisLockContext } from './redis-lock.js';
import { EXTEND_LOCK, RELEASE_LOCK, ScriptPreload } from './scripts.js';
import { bySlot } from './slots.js';
import { checkTarget } from './target-arguments.js';
import type { RedisClientLike, RedisClusterLike, RedisSentinelLike, TargetKind } from './targets.js';
import { decodeEntry, encodeEntry } from './value-codec.js';

/** Arguments of the `redis` backend. */
export interface RedisBackendArguments {
  /**
   * Server to connect to, e.g. `redis://127.0.0.1:6379`. Default, when none
   * of `url`, `client`, `cluster` and `sentinel` is given: node-redis's
   * default (`localhost:6379`). Give exactly one of the four.
   */
  url?: string;
  /**
   * A node-redis client (`createClient()` of the `redis` package) or
   * cluster client (`createCluster()`) to run commands on, connected or
   * not (it is connected on first use). The backend does not close it; it
   * makes one duplicate for pub/sub and closes that in {@link RedisBackend.close}.
   */
  client?: RedisClientLike | RedisClusterLike;
  /**
   * A Redis Cluster: the options of node-redis's `createCluster`, at least
   * `{ rootNodes: [{ url: 'redis://10.0.0.1:7000' }, …] }`. The backend
   * makes the cluster client (commands fail fast while a node is down,
   * rather than queueing) and closes it in {@link RedisBackend.close}.
   * Multi-key calls are grouped by slot; pub/sub is sharded (Redis 7).
   */
  cluster?: { rootNodes: ReadonlyArray<object>; [option: string]: unknown };
  /**
   * A primary managed by Sentinel: the options of node-redis's
   * `createSentinel`, at least `{ name: 'mymaster', sentinelRootNodes: [{ host, port }] }`.
   * The backend follows fail-overs; see the README for what a fail-over
   * can do to a creation lock.
   */
  sentinel?: { name: string; sentinelRootNodes: ReadonlyArray<{ host: string; port: number }>; [option: string]: unknown };
  /** Start of every Redis key and channel name. Default `'dogpile-cache:'`. */
  prefix?: string;
  /**
   * The namespace of the entries, after the prefix. Default: the name of the
   * first region configured with the backend (`''` for unnamed regions).
   * Processes share entries, locks and invalidation when prefix and
   * namespace match.
   */
  namespace?: string;
  /**
   * Lease of a creation lock, ms (default 30000). The holder extends it
   * every third of it while its creator runs, so creators may take longer;
   * a holder that dies (or loses Redis) stops extending it, and the others
   * wait at most this long for it.
   */
  lockTimeout?: number;
  /**
   * How long (ms) a value stays in Redis after the region's expiration time,
   * so an expired value can still be served while one caller regenerates it
   * (Redis's own expiry, `PX`, is `expirationTime + staleMargin`). Default:
   * the expiration time, at least 60000. `-1` or `Infinity`: values never
   * expire in Redis. Regions without an expiration time store without `PX`.
   */
  staleMargin?: number;
  /** Longest wait (ms) for one command, including the wait for a connection (default 2000). */
  commandTimeout?: number;
  /**
   * What `getOrCreate` does when Redis cannot be reached: `'fail'` (default)
   * rejects with `RedisUnavailableError`; `'create'` runs the creator
   * without the distributed lock (one creator per process, not one overall)
   * and returns its value uncached (the failed write is an `error` event).
   * Plain reads (`get`) read an unreachable Redis as a miss either way, with
   * an `error` event.
   */
  whenUnavailable?: 'fail' | 'create';
  /**
   * Longest time (ms) between two tries of a busy lock when no release
   * message arrives (default 100; each wait is jittered to 50-100% of it).
   */
  pollInterval?: number;
}

function positive(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`dogpile-cache: redis ${name} must be a number of ms`);
  if (!(value > 0) || !Number.isFinite(value)) throw new ValidationError(`redis ${name} must be a finite number of ms > 0, got ${value}`);
  return value;
}

/**
 * Stores each entry as one Redis string (see `value-codec.ts`) under
 * `prefix + namespace + '|v:' + key`, with `PX` set past the region's
 * expiration time. `getMulti` is one MGET; `setMulti` and `deleteMulti`
 * one MULTI/EXEC (on a cluster: per slot, never across slots); every write and delete is published on the namespace's
 * change channel, and other backends' messages arrive through `onChange`.
 *
 * `getMutex` returns a {@link RedisKeyMutex} (in-process layer, then a `RedisLock`): callers of one
 * process queue locally and one of them holds the Redis lock, so one
 * creator runs across every process. `createInvalidationStrategy` returns a
 * {@link RedisInvalidationStrategy}.
 *
 * When Redis cannot be reached every operation rejects, within
 * `commandTimeout`, with `RedisUnavailableError`; the connection is
 * re-established by itself and operations work again once it is.
 */
export class RedisBackend extends CacheBackend {
  /** Stable label for inspection (see `CacheBackend.label`). */
  static readonly label = 'RedisBackend';
  /** This backend's id in change and invalidation messages; its own messages are ignored on receipt. */
  readonly origin = `${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly prefix: string;
  readonly lockTimeout: number;
  readonly commandTimeout: number;
  readonly #connection: RedisConnection;
  readonly #channels: Channels;
  readonly #registry = new MutexRegistry();
  readonly #holds = new LocalHolds();
  readonly #explicitNamespace: string | undefined;
  readonly #staleMargin: number | undefined;
  readonly #pollInterval: number;
  readonly #whenUnavailable: 'fail' | 'create';
  readonly #strategies = new Set<RedisInvalidationStrategy>();
  #bound: RegionBinding[] = [];
  #space: KeySpace | undefined;
  #locks: RedisLockContext | undefined;
  #feed: Listening | undefined;
  #down = false;

  constructor(args: RedisBackendArguments = {}) {
    super();
    if (args === null || typeof args !== 'object') throw new TypeError('dogpile-cache: redis arguments must be an object');
    const { url, client, cluster, sentinel, prefix = 'dogpile-cache:', namespace, staleMargin } = args;
    checkTarget(args);
    if (typeof prefix !== 'string') throw new TypeError('dogpile-cache: redis prefix must be a string');
    if (namespace !== undefined && typeof namespace !== 'string') throw new TypeError('dogpile-cache: redis namespace must be a string');
    this.prefix = prefix;
    this.#explicitNamespace = namespace;
    this.lockTimeout = positive('lockTimeout', args.lockTimeout, 30_000);
    this.commandTimeout = positive('commandTimeout', args.commandTimeout, 2_000);
    this.#pollInterval = positive('pollInterval', args.pollInterval, 100);
    const { whenUnavailable = 'fail' } = args;
    if (whenUnavailable !== 'fail' && whenUnavailable !== 'create') throw new TypeError("dogpile-cache: redis whenUnavailable must be 'fail' or 'create'");
    this.#whenUnavailable = whenUnavailable;
    if (staleMargin === -1 || staleMargin === Infinity) this.#staleMargin = undefined;
    else this.#staleMargin = staleMargin === undefined ? -2 : positive('staleMargin', staleMargin, 0);
    this.#connection = new RedisConnection({
      client,
      url,
      cluster,
      sentinel,
      commandTimeout: this.commandTimeout,
      onError: (error) => this.#connectionError(error),
    });
    this.#channels = new Channels(this.#connection);
    this.#channels.onResubscribed(() => this.#connectionBack());
  }

  /** The namespace of this backend's entries. */
  get namespace(): string {
    return this.#explicitNamespace ?? this.#bound[0]?.name ?? '';
  }

  /** The Redis names of this backend's entries, locks and channels. */
  get keySpace(): KeySpace {
    return (this.#space ??= new KeySpace(this.prefix, this.namespace));
  }

  /** The node-redis client commands run on (the one passed in, or the one made from `url`, `cluster` or `sentinel`). */
  get client(): RedisClientLike | RedisClusterLike | RedisSentinelLike {
    return this.#connection.client;
  }

  /** What the backend is connected to: one server, a cluster, or the primary Sentinel names. */
  get deployment(): TargetKind {
    return this.#connection.kind;
  }

  override bindRegion(region: RegionBinding): void {
    this.#bound.push(region);
    this.#startFeed();
  }

  override getMutex(key: string): CacheMutex {
    return new RedisKeyMutex(new RegistryMutex(this.#registry, key), new RedisLock(this.#lockContext(), this.keySpace.lock(key)), this.#holds, key);
  }

  override createInvalidationStrategy(region: RegionBinding): RegionInvalidationStrategy {
    const space = this.keySpace;
    const strategy = new RedisInvalidationStrategy({
      connection: this.#connection,
      channels: this.#channels,
      key: space.invalidation,
      channel: space.invalidationChannel,
      origin: this.origin,
      now: region.now,
      alsoReady: () => this.#feed?.subscribed ?? Promise.resolve(),
      onFault: (kind, error) => this.notify({ kind, message: "The region's invalidation could not be read from Redis; it starts without it", error }),
    });
    this.#strategies.add(strategy);
    return strategy;
  }

  async get(key: string): Promise<StoredValue | NoValue> {
    const raw = await this.#connection.commandBuffers(['GET', this.keySpace.entry(key)]);
    return raw == null ? NO_VALUE : decodeEntry(raw as Buffer, key);
  }

  /** One MGET; on a cluster one MGET per slot (sent together), answers in the caller's order. */
  override async getMulti(keys: readonly string[]): Promise<Array<StoredValue | NoValue>> {
    if (keys.length === 0) return [];
    const space = this.keySpace;
    const redisKeys = keys.map((key) => space.entry(key));
    const raws: Array<Buffer | null> = new Array(keys.length);
    await Promise.all(
      this.#groups(redisKeys).map(async (group) => {
        const got = (await this.#connection.commandBuffers(['MGET', ...group.map((i) => redisKeys[i]!)])) as Array<Buffer | null>;
        group.forEach((i, j) => (raws[i] = got[j] ?? null));
      }),
    );
    return raws.map((raw, i) => (raw == null ? NO_VALUE : decodeEntry(raw, keys[i]!)));
  }

  /** SET (with PX) and PUBLISH, pipelined: one round trip. */
  async set(key: string, value: StoredValue): Promise<void> {
    const write = this.#setCommand(key, value);
    await Promise.all([this.#connection.command(write), this.#connection.publish(this.keySpace.changesChannel, changeMessage('set', key, this.origin, ctOf(value)))]);
  }

  /**
   * One MULTI/EXEC: every SET, then one PUBLISH per key. On a cluster one
   * MULTI/EXEC of SETs per slot (each slot's writes applied together), then
   * the publishes.
   */
  override async setMulti(mapping: ReadonlyMap<string, StoredValue>): Promise<void> {
    if (mapping.size === 0) return;
    const channel = this.keySpace.changesChannel;
    const entries = [...mapping];
    const messages = entries.map(([key, value]) => changeMessage('set', key, this.origin, ctOf(value)));
    const writes = entries.map(([key, value]) => this.#setCommand(key, value));
    if (this.#connection.kind !== 'cluster') {
      await this.#connection.transaction([...writes, ...messages.map((message) => ['PUBLISH', channel, message])]);
      return;
    }
    await Promise.all(this.#groups(writes.map((write) => String(write[1]))).map((group) => this.#connection.transaction(group.map((i) => writes[i]!))));
    await Promise.all(messages.map((message) => this.#connection.publish(channel, message)));
  }

  async delete(key: string): Promise<void> {
    const space = this.keySpace;
    await Promise.all([this.#connection.command(['DEL', space.entry(key)]), this.#connection.publish(space.changesChannel, changeMessage('delete', key, this.origin))]);
  }

  /** One MULTI/EXEC: one DEL of every key, then one PUBLISH per key. On a cluster one DEL per slot, then the publishes. */
  override async deleteMulti(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const space = this.keySpace;
    const redisKeys = keys.map((key) => space.entry(key));
    const messages = keys.map((key) => changeMessage('delete', key, this.origin));
    if (this.#connection.kind !== 'cluster') {
      await this.#connection.transaction([['DEL', ...redisKeys], ...messages.map((message) => ['PUBLISH', space.changesChannel, message])]);
      return;
    }
    await Promise.all(this.#groups(redisKeys).map((group) => this.#connection.command(['DEL', ...group.map((i) => redisKeys[i]!)])));
    await Promise.all(messages.map((message) => this.#connection.publish(space.changesChannel, message)));
  }

  /** The keys stored in this backend's namespace, by SCAN (never KEYS, which blocks the server). */
  override async *keys(): AsyncIterable<string> {
    const space = this.keySpace;
    const seen = new Set<string>();
    // A cluster: each primary's keys in turn.
    for (const send of await this.#connection.primaries()) {
      let cursor = '0';
      do {
        const [next, batch] = (await send(['SCAN', cursor, 'MATCH', space.entryPattern, 'COUNT', '500'])) as [string, string[]];
        cursor = String(next);
        for (const redisKey of batch) {
          const key = space.keyOfEntry(redisKey);
          // SCAN may return a key twice; list it once.
          if (key !== undefined && !seen.has(key)) {
            seen.add(key);
            yield key;
          }
        }
      } while (cursor !== '0');
    }
  }

  /**
   * Sends the lock releases still under way (waiting for them at most
   * `commandTimeout`), then closes the pub/sub connection, and the command
   * connection when the backend made it (from `url`, `cluster` or
   * `sentinel`). Regions using the backend stop working; close them first.
   */
  async close(): Promise<void> {
    this.#strategies.forEach((strategy) => strategy.close());
    const releases = this.#locks?.pending;
    if (releases?.size) {
      // Bounded: each release is a command bounded by commandTimeout; this bounds them together.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([Promise.allSettled(releases), new Promise((resolve) => (timer = setTimeout(resolve, this.commandTimeout)))]);
      clearTimeout(timer);
    }
    await this.#connection.close();
  }

  // ---------------------------------------------------------------- internals

  #setCommand(key: string, value: StoredValue): RedisArgument[] {
    const region = this.#bound[0]?.name;
    const where = `region${region ? ` "${region}"` : ''}, key "${key}"`;
    const command: RedisArgument[] = ['SET', this.keySpace.entry(key), encodeEntry(value, where)];
    const ttl = this.#ttl();
    if (ttl !== undefined) command.push('PX', String(Math.ceil(ttl)));
    return command;
  }

  /** Redis's expiry for entries: the longest expiration of the bound regions plus the margin. */
  #ttl(): number | undefined {
    if (this.#staleMargin === undefined || this.#bound.length === 0) return undefined;
    let longest = 0;
    for (const region of this.#bound) {
      if (region.expirationTime === undefined) return undefined;
      longest = Math.max(longest, region.expirationTime);
    }
    const margin = this.#staleMargin === -2 ? Math.max(longest, 60_000) : this.#staleMargin;
    return longest + margin;
  }

  /** Indices of `redisKeys` by slot on a cluster (each group in the caller's order); one group elsewhere. */
  #groups(redisKeys: readonly string[]): number[][] {
    if (this.#connection.kind !== 'cluster') return [redisKeys.map((_, i) => i)];
    return [...bySlot(redisKeys).values()];
  }

  #lockContext(): RedisLockContext {
    if (!this.#locks) {
      const space = this.keySpace;
      this.#locks = {
        connection: this.#connection,
        releases: new LockReleases({ connection: this.#connection, channels: this.#channels, channel: space.releasesChannel, pollInterval: this.#pollInterval }),
        releasesChannel: space.releasesChannel,
        lease: this.lockTimeout,
        scripts: new ScriptPreload([RELEASE_LOCK, EXTEND_LOCK]),
        pending: new Set(),
        whenUnavailable: this.#whenUnavailable,
        onDegraded: (lockKey, error) =>
          this.notify({ kind: 'lock-degraded', message: 'Redis is unreachable: creating under an in-process lock only (whenUnavailable: create)', key: lockKey, error }),
        onLeaseTrouble: (kind, lockKey, error) => {
          const message =
            kind === 'lock-lost'
              ? 'The creation lock was lost: its lease ran out before it could be extended, so another process may be creating this value too'
              : kind === 'lock-extend-failed'
                ? 'The creation lock could not be extended; it ends with its lease if Redis stays unreachable'
                : 'The creation lock could not be released; it ends with its lease';
          this.notify({ kind, message, key: lockKey, error });
        },
      };
    }
    return this.#locks;
  }

  /** Subscribes the change feed, once, when the first region binds. */
  #startFeed(): void {
    if (this.#feed) return;
    const feed = this.#channels.listen(this.keySpace.changesChannel, (message) => {
      const change = parseChange(message, this.origin);
      if (change) this.notifyChange(change);
    });
    this.#feed = feed;
    feed.subscribed.catch((error: unknown) => {
      this.notify({ kind: 'change-feed-delayed', message: 'Could not subscribe to the change feed yet (retrying); writes in other processes are not reported meanwhile', error });
    });
  }

  #connectionError(error: unknown): void {
    // node-redis reports every failed reconnection attempt; tell the region once per outage.
    if (this.#down) return;
    this.#down = true;
    this.notify({ kind: 'redis-connection-lost', message: 'The connection to Redis was lost; operations fail with RedisUnavailableError until it is back', error });
  }

  #connectionBack(): void {
    if (!this.#down) return;
    this.#down = false;
    this.notify({ kind: 'redis-reconnected', message: 'The connection to Redis is back' });
  }
}

function ctOf(value: StoredValue): number | undefined {
  return value instanceof CachedValue ? value.metadata.ct : undefined;
}

/** Factory registered as `redis`. */
export const redisBackendFactory = (args: RedisBackendArguments = {}): RedisBackend => new RedisBackend(args);
