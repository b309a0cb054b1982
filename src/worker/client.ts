/**
 * The page side: a {@link RegionClient} whose region lives in a worker.
 * Calls travel over comlink; its region methods are made from the table in
 * methods.ts, and all go through one send that maps transport faults to
 * typed errors. Creators given as functions stay in the page (page-creators.ts).
 *
 * @module
 */
import { checkDuration } from '../validate.js';
import { emptyStats, Subscribable, type RegionListener, type RegionStats } from '../events.js';
import { randomId } from '../origin.js';
import { callError } from './clone-errors.js';
import { Connection, type WorkerSource } from './connection.js';
import { WorkerUnavailableError, workerUnavailable } from './errors.js';
import { checkHeartbeat } from './heartbeat.js';
import { defineMethods, type MethodName, type RegionMethods, type Sender } from './methods.js';
import { PageCreators } from './page-creators.js';
import type { ClientCallbacks, Heartbeat } from './protocol.js';
import type { InvalidationState, RegionClient, RegionClientMode } from './region-client.js';
import { event, result, type WireResult } from './wire.js';

/** Options of {@link wrapRegion}. */
export interface WrapRegionOptions {
  /** Give up connecting after this many ms (default 10 000). */
  connectTimeout?: number;
  /**
   * When the worker is lost, start a new one on the next call (default: true
   * when `wrapRegion` was given a function that makes the worker). Calls that
   * were pending when it was lost fail either way.
   */
  reconnect?: boolean;
  /** What {@link RegionClient.mode} reports (default: from the source). */
  mode?: RegionClientMode;
  /** What {@link RegionClient.modeReason} reports. */
  modeReason?: string;
  /**
   * Where Web Locks are missing (insecure context, opaque origin, older
   * browsers) in the page or the worker, the worker pings every this many ms
   * (default 1000), so both sides notice the other's end.
   */
  heartbeatInterval?: number;
  /** Give the worker up after this many ms without its ping (default 4000); the worker gives the page up likewise. */
  heartbeatTimeout?: number;
}

const DEFAULT_CONNECT_TIMEOUT = 10_000;

/** Listeners of a client; the worker forwards events only while there is one. */
class ClientListeners extends Subscribable<RegionListener> {
  constructor(readonly watch: (on: boolean) => void) {
    super();
  }

  override subscribe(listener: RegionListener): () => void {
    const first = this.size === 0;
    const unsubscribe = super.subscribe(listener);
    if (first) this.watch(true);
    return () => {
      const had = this.listeners.has(listener);
      unsubscribe();
      if (had && this.size === 0) this.watch(false);
    };
  }
}

// The region methods are defined on the prototype from the table (see the class's static block).
export interface WorkerRegionClient extends RegionMethods {}

/**
 * A region hosted in a worker, seen from the page. Made by
 * {@link wrapRegion} or {@link connectRegion}.
 */
export class WorkerRegionClient implements RegionClient {
  static {
    defineMethods(this, (client: WorkerRegionClient) => client.#sender);
  }

  readonly ready: Promise<void>;
  readonly #source: WorkerSource | (() => WorkerSource);
  readonly #reconnect: boolean;
  readonly #connectTimeout: number;
  readonly #heartbeat: Heartbeat;
  readonly #clientId = randomId();
  readonly #listeners = new ClientListeners((on) => this.#watchEvents(on));
  readonly #creators = new PageCreators();
  readonly #callbacks: Omit<ClientCallbacks, 'ping'>;
  readonly #sender: Sender;
  #connectionCount = 0;
  #connection: Connection | undefined;
  #connecting: Promise<Connection> | undefined;
  #lastError: WorkerUnavailableError | undefined;
  #closed = false;
  #mode: RegionClientMode | undefined;
  #modeReason: string | undefined;
  #stats: RegionStats = emptyStats();
  #invalidation: InvalidationState = { hard: false, soft: false, at: undefined };
  #backendName: string | undefined;
  #name: string | undefined;
  #expirationTime: number | undefined;
  #creatorNames: { single: string[]; multi: string[] } = { single: [], multi: [] };

  constructor(source: WorkerSource | (() => WorkerSource), options: WrapRegionOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: wrapRegion options must be an object');
    const timeout = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
    checkDuration(timeout, 'connectTimeout', 0, true);
    if (typeof source !== 'function' && (source === null || typeof source !== 'object')) {
      throw new TypeError('dogpile-cache: wrapRegion expects a SharedWorker, a Worker, a MessagePort, or a function returning one');
    }
    this.#source = source;
    this.#reconnect = options.reconnect ?? typeof source === 'function';
    this.#connectTimeout = timeout;
    this.#heartbeat = checkHeartbeat(options.heartbeatInterval, options.heartbeatTimeout);
    this.#callbacks = {
      ...this.#creators.callbacks(),
      events: (batch, stats, invalidation) => {
        this.#stats = stats;
        this.#hearInvalidation(invalidation);
        for (const wire of batch) this.#listeners.emit(event.from(wire));
      },
    };
    this.#sender = {
      side: {
        hearInvalidation: (state) => this.#hearInvalidation(state),
        hearStats: (stats) => (this.#stats = stats ?? emptyStats()),
        create: (method, creator, shouldCacheFn, keys, send) => this.#creators.run(method, creator, shouldCacheFn, keys, send),
      },
      send: (name, args, keys, sent) => this.#send(name, args, keys, sent),
    };
    this.#mode = options.mode;
    this.#modeReason = options.modeReason;
    this.ready = this.#connect().then(() => {});
    this.ready.catch(() => {});
  }

  /** Where the region lives: given in the options, else learnt from the first worker or port connected to. */
  get mode(): RegionClientMode {
    return this.#mode ?? (typeof this.#source === 'function' ? 'endpoint' : modeOf(this.#source));
  }

  /** Why this mode was chosen. */
  get modeReason(): string {
    return this.#modeReason ?? `connected through ${this.mode === 'endpoint' ? 'the given endpoint' : `a ${this.mode === 'worker' ? 'dedicated Worker' : 'SharedWorker'}`}`;
  }

  /** The region's name (known once connected). */
  get name(): string | undefined {
    return this.#name;
  }

  /** The region's configured expiration time, ms (known once connected). */
  get expirationTime(): number | undefined {
    return this.#expirationTime;
  }

  /** Names of the creators the worker was given (known once connected). */
  get workerCreators(): { single: readonly string[]; multi: readonly string[] } {
    return this.#creatorNames;
  }

  /** Whether a live connection to the worker exists now. */
  get connected(): boolean {
    return this.#connection !== undefined && this.#connection.lostError === undefined;
  }

  /** Subscribes to the region's events (forwarded from the worker while anyone listens). */
  subscribe(listener: RegionListener): () => void {
    return this.#listeners.subscribe(listener);
  }

  /** The region's counters as last heard (updated with every event batch and `getStats`). */
  get stats(): RegionStats {
    return { ...this.#stats };
  }

  /** The region's invalidation state as last heard (with every event batch and `invalidation()`). */
  get invalidationState(): InvalidationState {
    return { ...this.#invalidation };
  }

  /** Class name of the region's innermost backend in the worker (known once connected); `undefined` if unconfigured. */
  get backendName(): string | undefined {
    return this.#backendName;
  }

  /** Disconnects; later calls fail with `WorkerUnavailableError`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#lastError = new WorkerUnavailableError('Worker-hosted region unavailable: the client was closed.');
    this.#connection?.close();
    this.#connection = undefined;
  }

  /**
   * Keeps the newest invalidation state heard. Replies and event batches
   * travel on different ports, so an older state can arrive after a newer one.
   */
  #hearInvalidation(state: InvalidationState): void {
    const current = this.#invalidation.at;
    if (current === undefined || (state.at !== undefined && state.at >= current)) this.#invalidation = state;
  }

  /** Sends one forwarded call to the worker; maps transport faults to typed errors. */
  async #send(name: MethodName, args: unknown[], keys: readonly string[], sent?: () => Array<[string, unknown]>): Promise<unknown> {
    const connection = await this.#live();
    const remote = connection.remote as unknown as Record<MethodName, (...args: unknown[]) => Promise<WireResult<unknown>>>;
    let answer: WireResult<unknown>;
    try {
      answer = await Promise.race([remote[name](...args), connection.lost]);
    } catch (error) {
      throw callError(error, keys, sent ? sent() : []);
    }
    return result.from(answer);
  }

  /** The live connection, reconnecting if allowed. */
  async #live(): Promise<Connection> {
    const current = this.#connection;
    if (current && current.lostError === undefined) return current;
    if (this.#connecting) return this.#connecting;
    if (this.#closed || !this.#reconnect) {
      throw this.#lastError ?? new WorkerUnavailableError('Worker-hosted region unavailable: not connected.');
    }
    return this.#connect();
  }

  #connect(): Promise<Connection> {
    const attempt = (async () => {
      const source = typeof this.#source === 'function' ? this.#source() : this.#source;
      this.#mode ??= modeOf(source);
      const connection = await Connection.open(source, {
        clientId: `${this.#clientId}:${++this.#connectionCount}`,
        callbacks: this.#callbacks,
        connectTimeout: this.#connectTimeout,
        heartbeat: this.#heartbeat,
        ownsWorker: typeof this.#source === 'function',
        onLost: (error) => this.#onLost(connection, error),
      });
      if (this.#closed) {
        connection.close();
        throw this.#lastError!;
      }
      const reconnected = this.#connectionCount > 1;
      this.#connection = connection;
      const { info } = connection;
      this.#name = info.name;
      this.#expirationTime = info.expirationTime;
      this.#stats = info.stats;
      this.#invalidation = info.invalidation;
      this.#backendName = info.backend;
      this.#creatorNames = { single: info.creators, multi: info.multiCreators };
      if (this.#listeners.size > 0) connection.remote.watchEvents(true).catch(() => {});
      if (reconnected) this.#notice('worker-reconnected', 'Connected to a new worker hosting the region; it starts with an empty memory cache.');
      return connection;
    })();
    this.#connecting = attempt;
    attempt.then(
      () => {
        if (this.#connecting === attempt) this.#connecting = undefined;
      },
      (error: unknown) => {
        if (this.#connecting === attempt) this.#connecting = undefined;
        this.#lastError = error instanceof WorkerUnavailableError ? error : workerUnavailable(String((error as Error)?.message ?? error), error);
      },
    );
    return attempt.catch((error: unknown) => {
      throw error instanceof WorkerUnavailableError ? error : this.#lastError;
    });
  }

  #onLost(connection: Connection, error: WorkerUnavailableError): void {
    if (this.#connection === connection) this.#connection = undefined;
    this.#lastError = error;
    this.#notice('worker-lost', error.message);
  }

  #watchEvents(on: boolean): void {
    const connection = this.#connection;
    // Not connected: #connect turns forwarding on when it connects with listeners.
    if (connection && connection.lostError === undefined) connection.remote.watchEvents(on).catch(() => {});
  }

  #notice(kind: string, message: string): void {
    if (this.#listeners.size) this.#listeners.emit({ type: 'notice', region: this.#name, time: Date.now(), kind, message });
  }
}

/**
 * Connects to a region that a worker serves with `exposeRegion`. `source` is
 * a SharedWorker, a Worker, a `MessagePort`, or a function that makes one
 * (then a lost worker is replaced on the next call).
 *
 * ```ts
 * const cache = wrapRegion(() => new Worker(new URL('./cache-worker.ts', import.meta.url), { type: 'module' }));
 * const user = await cache.getOrCreate('user:1', () => fetchUser(1));
 * ```
 */
export function wrapRegion(source: WorkerSource | (() => WorkerSource), options?: WrapRegionOptions): WorkerRegionClient {
  return new WorkerRegionClient(source, options);
}

function modeOf(source: WorkerSource): RegionClientMode {
  if (typeof SharedWorker === 'function' && source instanceof SharedWorker) return 'shared-worker';
  if (typeof Worker === 'function' && source instanceof Worker) return 'worker';
  return 'endpoint';
}
