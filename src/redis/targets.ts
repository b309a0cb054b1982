/**
 * What the backend talks to: one server, a cluster, or the primary that
 * Sentinel names. One small interface over node-redis's three clients, so
 * the rest of the backend sends commands without knowing which it has.
 *
 * @module
 */

/** An argument of a Redis command. */
export type RedisArgument = string | Buffer;

/** Which kind of deployment a {@link RedisTarget} reaches. */
export type TargetKind = 'server' | 'cluster' | 'sentinel';

type Listener = (message: string, channel: string) => void;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- node-redis types its listeners with any
type AnyListener = (...args: any[]) => void;

/** The commands of a MULTI/EXEC block. */
export interface MultiLike {
  addCommand(args: readonly RedisArgument[]): unknown;
  exec(): Promise<unknown>;
}

/**
 * The part of a node-redis client (`createClient()` of the `redis`
 * package, v5) that the backend uses. Typed structurally so that any
 * node-redis client, whatever its modules and type mapping, is accepted.
 */
export interface RedisClientLike {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: readonly RedisArgument[], options?: object): Promise<unknown>;
  multi(): MultiLike;
  duplicate(overrides?: object): RedisClientLike;
  subscribe(channel: string, listener: Listener): Promise<unknown>;
  unsubscribe(channel: string, listener?: Listener): Promise<unknown>;
  on(event: string, listener: AnyListener): unknown;
  close?(): Promise<unknown>;
  destroy?(): unknown;
}

/** The part of a node-redis cluster client (`createCluster()`) that the backend uses. */
export interface RedisClusterLike {
  readonly isOpen: boolean;
  connect(): Promise<unknown>;
  sendCommand(firstKey: RedisArgument | undefined, isReadonly: boolean | undefined, args: readonly RedisArgument[], options?: object): Promise<unknown>;
  multi(routing?: RedisArgument): { addCommand(firstKey: RedisArgument | undefined, isReadonly: boolean | undefined, args: readonly RedisArgument[]): unknown; exec(): Promise<unknown> };
  duplicate(overrides?: object): RedisClusterLike;
  sSubscribe(channel: string, listener: Listener): Promise<unknown>;
  subscribe(channel: string, listener: Listener): Promise<unknown>;
  readonly masters: ReadonlyArray<{ address: string }>;
  nodeClient(node: { address: string }): Promise<{ sendCommand(args: readonly RedisArgument[], options?: object): Promise<unknown> }>;
  getSlotMaster(slot: number): { address: string } | undefined;
  on(event: string, listener: AnyListener): unknown;
  close?(): Promise<unknown>;
  destroy?(): unknown;
}

/** The part of a node-redis Sentinel client (`createSentinel()`) that the backend uses. */
export interface RedisSentinelLike {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(isReadonly: boolean | undefined, args: readonly RedisArgument[], options?: object): Promise<unknown>;
  multi(): MultiLike;
  subscribe(channel: string, listener: Listener): Promise<unknown>;
  getMasterNode(): unknown;
  on(event: string, listener: AnyListener): unknown;
  close?(): Promise<unknown>;
  destroy?(): unknown;
}

/** A cluster client is told apart from a plain one by what only it has. */
export function isClusterClient(client: unknown): client is RedisClusterLike {
  return typeof (client as RedisClusterLike | null)?.getSlotMaster === 'function' && typeof (client as RedisClusterLike).nodeClient === 'function';
}

/** A Sentinel client, likewise. */
export function isSentinelClient(client: unknown): client is RedisSentinelLike {
  return typeof (client as RedisSentinelLike | null)?.getMasterNode === 'function';
}

/**
 * One connection of the backend (commands, or subscriptions) to a server,
 * cluster or Sentinel-managed primary. `route` is the key (or shard
 * channel) a command is about: the cluster sends it to that key's node.
 */
export interface RedisTarget {
  readonly kind: TargetKind;
  /** The node-redis client underneath. */
  readonly client: RedisClientLike | RedisClusterLike | RedisSentinelLike;
  /** Connected and able to take commands now. */
  readonly isReady: boolean;
  readonly isOpen: boolean;
  connect(): Promise<unknown>;
  send(route: RedisArgument | undefined, args: readonly RedisArgument[], options?: object): Promise<unknown>;
  multi(route: RedisArgument | undefined): MultiLike;
  /** A node's id for work done once per node (loading scripts): the master serving `slot` on a cluster, `''` elsewhere. */
  nodeOf(slot: number): string;
  /** One sender per primary (SCAN walks each on a cluster). */
  primaries(): Promise<Array<(args: readonly RedisArgument[]) => Promise<unknown>>>;
  /** A target for subscriptions: a duplicate connection (the same Sentinel client, whose pub/sub has a connection of its own). */
  forSubscriptions(): RedisTarget;
  /** Subscribes `channel`: sharded (SSUBSCRIBE) on a cluster unless `classic`. */
  subscribe(channel: string, listener: Listener, classic?: boolean): Promise<unknown>;
  /** Listens to client events; `ready` is told on each (re)connection or topology change. */
  on(event: 'error' | 'ready', listener: AnyListener): void;
  /** Whether closing this target closes a connection of its own. */
  readonly closable: boolean;
  close?(): Promise<unknown>;
  destroy?(): unknown;
}

export function serverTarget(client: RedisClientLike): RedisTarget {
  return {
    kind: 'server',
    client,
    closable: true,
    get isReady() {
      return client.isReady;
    },
    get isOpen() {
      return client.isOpen;
    },
    connect: () => client.connect(),
    send: (_route, args, options) => client.sendCommand(args, options),
    multi: () => client.multi(),
    nodeOf: () => '',
    primaries: async () => [(args) => client.sendCommand(args)],
    forSubscriptions: () => serverTarget(client.duplicate({ disableOfflineQueue: false })),
    subscribe: (channel, listener) => client.subscribe(channel, listener),
    on: (event, listener) => void client.on(event, listener),
    close: client.close && (() => client.close!()),
    destroy: client.destroy && (() => client.destroy!()),
  };
}

export function clusterTarget(cluster: RedisClusterLike): RedisTarget {
  return {
    kind: 'cluster',
    client: cluster,
    closable: true,
    // Open from connect() on, but commands need the slot map, which discovery fills; then each node's client reconnects by itself.
    get isReady() {
      return cluster.isOpen && cluster.masters.length > 0;
    },
    get isOpen() {
      return cluster.isOpen;
    },
    connect: () => cluster.connect(),
    send: (route, args, options) => cluster.sendCommand(route, false, args, options),
    multi: (route) => {
      const multi = cluster.multi(route);
      return { addCommand: (args) => multi.addCommand(route, false, args), exec: () => multi.exec() };
    },
    nodeOf: (slot) => cluster.getSlotMaster(slot)?.address ?? '',
    primaries: () => Promise.all(cluster.masters.map(async (master) => {
      const node = await cluster.nodeClient(master);
      return (args: readonly RedisArgument[]) => node.sendCommand(args);
    })),
    forSubscriptions: () => clusterTarget(cluster.duplicate({ defaults: { disableOfflineQueue: false } })),
    subscribe: (channel, listener, classic) => (classic ? cluster.subscribe(channel, listener) : cluster.sSubscribe(channel, listener)),
    on: (event, listener) => {
      if (event === 'ready') cluster.on('node-ready', listener);
      else {
        cluster.on('error', listener);
        cluster.on('node-error', listener);
      }
    },
    close: cluster.close && (() => cluster.close!()),
    destroy: cluster.destroy && (() => cluster.destroy!()),
  };
}

export function sentinelTarget(sentinel: RedisSentinelLike, subscriptions = false): RedisTarget {
  return {
    kind: 'sentinel',
    client: sentinel,
    // The pub/sub view shares the Sentinel client, which the command view closes.
    closable: !subscriptions,
    get isReady() {
      return sentinel.isReady;
    },
    get isOpen() {
      return sentinel.isOpen;
    },
    connect: () => (sentinel.isOpen ? Promise.resolve() : sentinel.connect()),
    send: (_route, args, options) => sentinel.sendCommand(false, args, options),
    multi: () => sentinel.multi(),
    nodeOf: () => JSON.stringify(sentinel.getMasterNode() ?? ''),
    primaries: async () => [(args) => sentinel.sendCommand(false, args)],
    forSubscriptions: () => sentinelTarget(sentinel, true),
    subscribe: (channel, listener) => sentinel.subscribe(channel, listener),
    on: (event, listener) => {
      if (event === 'error') sentinel.on('error', listener);
      // A new primary: messages published meanwhile may be lost, so listeners re-read.
      else sentinel.on('topology-change', (change: { type?: string }) => change?.type === 'MASTER_CHANGE' && listener());
    },
    close: subscriptions ? undefined : sentinel.close && (() => sentinel.close!()),
    destroy: subscriptions ? undefined : sentinel.destroy && (() => sentinel.destroy!()),
  };
}
