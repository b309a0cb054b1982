/**
 * The page side: a {@link RegionClient} whose region lives in a worker.
 * Calls travel over comlink; creators given as functions stay in the page
 * and are called back by the worker only when this caller must create.
 *
 * @module
 */
import { checkDuration } from '../validate.js';
import { CachedValue, NO_VALUE, type NoValue, type StoredValue } from '../api.js';
import { emptyStats, type RegionEvent, type RegionListener, type RegionStats } from '../events.js';
import type { GetOptions, GetOrCreateOptions, MaybePromise } from '../region/region.js';
import { Connection, type WorkerSource } from './connection.js';
import { ValueNotCloneableError, WorkerUnavailableError, workerUnavailable } from './errors.js';
import { checkHeartbeat } from './heartbeat.js';
import { randomId } from '../origin.js';
import type { ClientCallbacks, CreatorRef, Heartbeat, HostApi, WireCachedValue, WireCreateOptions, WireEvent, WireFound, WireGetOptions, WireResult } from './protocol.js';
import type { ClientCreator, ClientMultiCreator, InvalidationState, PeekedEntry, RegionClient, RegionClientMode } from './region-client.js';
import { fromWireError, isDataCloneError, toWireError, type WireError } from './wire-error.js';

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

/** A page-side creator waiting to be called back by the worker. */
interface PageCreator {
  fn: ((...keys: string[]) => MaybePromise<unknown>) | undefined;
  multi: boolean;
  shouldCacheFn: ((value: unknown) => MaybePromise<boolean>) | undefined;
  /** The creator's run, once the worker asked for it. */
  run?: Promise<unknown>;
  keys?: string[];
  produced?: { value: unknown };
  thrown?: { error: unknown };
}

const DEFAULT_CONNECT_TIMEOUT = 10_000;
const UNSERIALIZABLE = 'Unserializable return value';

/**
 * A region hosted in a worker, seen from the page. Made by
 * {@link wrapRegion} or {@link connectRegion}.
 */
export class WorkerRegionClient implements RegionClient {
  readonly ready: Promise<void>;
  readonly #source: WorkerSource | (() => WorkerSource);
  readonly #reconnect: boolean;
  readonly #connectTimeout: number;
  readonly #heartbeat: Heartbeat;
  readonly #clientId = randomId();
  readonly #listeners = new Set<RegionListener>();
  readonly #creators = new Map<number, PageCreator>();
  readonly #callbacks: Omit<ClientCallbacks, 'ping'>;
  #connectionCount = 0;
  #nextCreatorId = 1;
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
    this.#callbacks = this.#makeCallbacks();
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

  // ---------------------------------------------------------------- region API

  async get<V = unknown>(key: string, options: GetOptions = {}): Promise<V | NoValue> {
    const found = await this.#call((remote) => remote.get(key, getOptions(options)), [key]);
    return unfound<V>(found);
  }

  async getMulti<V = unknown>(keys: readonly string[], options: GetOptions = {}): Promise<Array<V | NoValue>> {
    checkKeys(keys);
    const found = await this.#call((remote) => remote.getMulti([...keys], getOptions(options)), keys);
    return found.map((item) => unfound<V>(item));
  }

  async getValueMetadata<V = unknown>(key: string, options: GetOptions = {}): Promise<CachedValue<V> | undefined> {
    const value = await this.#call((remote) => remote.getValueMetadata(key, getOptions(options)), [key]);
    return value === undefined ? undefined : putTogether<V>(value);
  }

  async getOrCreate<V>(key: string, creator: ClientCreator<V>, options: GetOrCreateOptions<V> = {}): Promise<V> {
    checkOptions(options);
    const { id, ref, entry } = this.#register(creator, options.shouldCacheFn as PageCreator['shouldCacheFn'], false, 'getOrCreate');
    try {
      return (await this.#call((remote) => remote.getOrCreate(key, ref, createOptions(options, entry && id)), [key])) as V;
    } catch (error) {
      return (await this.#creatorOutcome(entry, error, [key])) as V;
    } finally {
      this.#creators.delete(id);
    }
  }

  async getOrCreateMulti<V>(keys: readonly string[], creator: ClientMultiCreator<V>, options: GetOrCreateOptions<V> = {}): Promise<V[]> {
    checkKeys(keys);
    checkOptions(options);
    const { id, ref, entry } = this.#register(creator, options.shouldCacheFn as PageCreator['shouldCacheFn'], true, 'getOrCreateMulti');
    try {
      return (await this.#call((remote) => remote.getOrCreateMulti([...keys], ref, createOptions(options, entry && id)), keys)) as V[];
    } catch (error) {
      return (await this.#creatorOutcome(entry, error, keys)) as V[];
    } finally {
      this.#creators.delete(id);
    }
  }

  async set<V>(key: string, value: V): Promise<void> {
    await this.#call((remote) => remote.set(key, value), [key], () => [[key, value]]);
  }

  async setMulti<V>(mapping: Record<string, V> | ReadonlyMap<string, V>): Promise<void> {
    if (mapping === null || typeof mapping !== 'object') throw new TypeError('dogpile-cache: setMulti expects an object or a Map');
    const entries: Array<[string, V]> = mapping instanceof Map ? [...mapping.entries()] : Object.entries(mapping);
    await this.#call((remote) => remote.setMulti(entries), entries.map(([key]) => key), () => entries);
  }

  async delete(key: string): Promise<void> {
    await this.#call((remote) => remote.delete(key), [key]);
  }

  async deleteMulti(keys: readonly string[]): Promise<void> {
    checkKeys(keys);
    await this.#call((remote) => remote.deleteMulti([...keys]), keys);
  }

  async invalidate(hard = true): Promise<void> {
    this.#hearInvalidation(await this.#call((remote) => remote.invalidate(Boolean(hard)), []));
  }

  async keyIsLocked(key: string): Promise<boolean> {
    return this.#call((remote) => remote.keyIsLocked(key), [key]);
  }

  // ---------------------------------------------------------------- events and stats

  subscribe(listener: RegionListener): () => void {
    if (typeof listener !== 'function') throw new TypeError('dogpile-cache: listener must be a function');
    const first = this.#listeners.size === 0;
    this.#listeners.add(listener);
    if (first) this.#watchEvents(true);
    return () => {
      if (this.#listeners.delete(listener) && this.#listeners.size === 0) this.#watchEvents(false);
    };
  }

  get stats(): RegionStats {
    return { ...this.#stats };
  }

  async getStats(): Promise<RegionStats> {
    const stats = await this.#call((remote) => remote.stats(), []);
    this.#stats = stats;
    return { ...stats };
  }

  async resetStats(): Promise<void> {
    await this.#call((remote) => remote.resetStats(), []);
    this.#stats = emptyStats();
  }

  // ---------------------------------------------------------------- inspection

  keys(): Promise<string[] | undefined> {
    return this.#call((remote) => remote.keys(), []);
  }

  async peekStored(storedKey: string): Promise<PeekedEntry> {
    const peek = await this.#call((remote) => remote.peekStored(storedKey), [storedKey]);
    let raw: StoredValue | NoValue;
    if (peek.raw.kind === 'none') raw = NO_VALUE;
    else if (peek.raw.kind === 'value') raw = putTogether(peek.raw.value);
    else raw = peek.raw.data;
    return { raw, value: peek.value === undefined ? undefined : putTogether(peek.value) };
  }

  storedKeyIsLocked(storedKey: string): Promise<boolean> {
    return this.#call((remote) => remote.storedKeyIsLocked(storedKey), [storedKey]);
  }

  async deleteStored(storedKey: string): Promise<void> {
    await this.#call((remote) => remote.deleteStored(storedKey), [storedKey]);
  }

  async invalidation(): Promise<InvalidationState> {
    const state = await this.#call((remote) => remote.invalidation(), []);
    this.#hearInvalidation(state);
    return { ...state };
  }

  /**
   * Keeps the newest invalidation state heard. Replies and event batches
   * travel on different ports, so an older state can arrive after a newer one.
   */
  #hearInvalidation(state: InvalidationState): void {
    const current = this.#invalidation.at;
    if (current === undefined || (state.at !== undefined && state.at >= current)) this.#invalidation = state;
  }

  /** The region's invalidation state as last heard (with every event batch and {@link invalidation}). */
  get invalidationState(): InvalidationState {
    return { ...this.#invalidation };
  }

  /** Class name of the region's innermost backend in the worker (known once connected); `undefined` if unconfigured. */
  get backendName(): string | undefined {
    return this.#backendName;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#lastError = new WorkerUnavailableError('Worker-hosted region unavailable: the client was closed.');
    this.#connection?.close();
    this.#connection = undefined;
  }

  // ---------------------------------------------------------------- internals

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

  /** Runs one call on the worker; maps transport faults to typed errors. */
  async #call<T>(invoke: (remote: HostApi) => Promise<WireResult<T>>, keys: readonly string[], sent?: () => Array<[string, unknown]>): Promise<T> {
    const connection = await this.#live();
    let result: WireResult<T>;
    try {
      result = await Promise.race([invoke(connection.remote as unknown as HostApi), connection.lost]);
    } catch (error) {
      if (isDataCloneError(error)) throw notCloneable(sent ? sent() : [], 'to the worker', error);
      if (error instanceof Error && error.message === UNSERIALIZABLE) {
        throw new ValueNotCloneableError(
          `The value stored for ${describeKeys(keys)} cannot be copied from the worker to the page by structured clone.`,
          keys.length === 1 ? { key: keys[0]! } : {},
        );
      }
      throw error;
    }
    if (!result.ok) throw fromWireError(result.error);
    return result.value;
  }

  #register(
    creator: ClientCreator<unknown> | ClientMultiCreator<unknown>,
    shouldCacheFn: PageCreator['shouldCacheFn'],
    multi: boolean,
    method: string,
  ): { id: number; ref: CreatorRef; entry: PageCreator | undefined } {
    if (shouldCacheFn !== undefined && typeof shouldCacheFn !== 'function') throw new TypeError('dogpile-cache: shouldCacheFn must be a function');
    const id = this.#nextCreatorId++;
    if (typeof creator === 'string') {
      if (creator === '') throw new TypeError(`dogpile-cache: ${method} expects a creator function or the name of a worker creator`);
      const entry = shouldCacheFn ? { fn: undefined, multi, shouldCacheFn } : undefined;
      if (entry) this.#creators.set(id, entry);
      return { id, ref: { name: creator }, entry };
    }
    if (typeof creator !== 'function') throw new TypeError(`dogpile-cache: ${method} expects a creator function or the name of a worker creator, got ${typeof creator}`);
    const entry: PageCreator = { fn: creator as PageCreator['fn'], multi, shouldCacheFn };
    this.#creators.set(id, entry);
    return { id, ref: { id }, entry };
  }

  /**
   * What a failed get-or-create gives its caller: the creator's own error as
   * thrown; or, when the worker was lost after this page's creator ran, the
   * value it made (the cache never loses it); else the error.
   */
  async #creatorOutcome(entry: PageCreator | undefined, error: unknown, keys: readonly string[]): Promise<unknown> {
    if (entry?.thrown) throw entry.thrown.error;
    if (!(error instanceof WorkerUnavailableError) || !entry?.run) throw error;
    const made = await entry.run;
    if (!entry.multi) return made;
    // A multi-key creator made only the keys that were missing: usable if that was all of them.
    const madeKeys = entry.keys ?? [];
    if (!Array.isArray(made) || keys.some((key) => !madeKeys.includes(key))) throw error;
    return keys.map((key) => made[madeKeys.indexOf(key)]);
  }

  #makeCallbacks(): Omit<ClientCallbacks, 'ping'> {
    return {
      create: async (id, keys) => {
        const entry = this.#creators.get(id);
        if (!entry?.fn) return { ok: false, error: toWireError(new TypeError('dogpile-cache: this creator is no longer waited for')) };
        const fn = entry.fn;
        entry.keys = keys;
        entry.run = Promise.resolve().then(() => (entry.multi ? fn(...keys) : fn()));
        try {
          const value = await entry.run;
          entry.produced = { value };
          return { ok: true, value };
        } catch (error) {
          entry.thrown = { error };
          return { ok: false, error: toWireError(error) };
        }
      },
      shouldCache: async (id, value) => {
        const entry = this.#creators.get(id);
        if (!entry?.shouldCacheFn) return { ok: true, value: true };
        try {
          return { ok: true, value: Boolean(await entry.shouldCacheFn(value)) };
        } catch (error) {
          return { ok: false, error: toWireError(error) };
        }
      },
      findUncloneable: async (id) => {
        const entry = this.#creators.get(id);
        if (!entry?.produced || !entry.keys) return undefined;
        const values = entry.multi && Array.isArray(entry.produced.value) ? entry.produced.value : [entry.produced.value];
        const keys = entry.keys;
        const found = findUncloneable(values.map((value, i) => [keys[i] ?? String(i), value]));
        return found && { key: found.key, message: found.message };
      },
      events: (batch, stats, invalidation) => {
        this.#stats = stats;
        this.#hearInvalidation(invalidation);
        for (const wire of batch) this.#emit(eventFromWire(wire));
      },
    };
  }

  #watchEvents(on: boolean): void {
    const connection = this.#connection;
    // Not connected: #connect turns forwarding on when it connects with listeners.
    if (connection && connection.lostError === undefined) connection.remote.watchEvents(on).catch(() => {});
  }

  #emit(event: RegionEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not break the cache; report it where it can be seen.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }

  #notice(kind: string, message: string): void {
    if (this.#listeners.size) this.#emit({ type: 'notice', region: this.#name, time: Date.now(), kind, message });
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

function getOptions(options: GetOptions): WireGetOptions {
  checkOptions(options);
  const out: WireGetOptions = {};
  if (options.expirationTime !== undefined) out.expirationTime = options.expirationTime;
  if (options.ignoreExpiration !== undefined) out.ignoreExpiration = Boolean(options.ignoreExpiration);
  return out;
}

function createOptions<V>(options: GetOrCreateOptions<V>, shouldCacheId: number | undefined): WireCreateOptions {
  const out: WireCreateOptions = {};
  if (options.expirationTime !== undefined) out.expirationTime = options.expirationTime;
  if (options.shouldCacheFn && shouldCacheId !== undefined) out.shouldCache = shouldCacheId;
  return out;
}

function checkOptions(options: unknown): void {
  if (options === null || typeof options !== 'object') throw new TypeError('dogpile-cache: options must be an object');
}

function checkKeys(keys: unknown): void {
  if (!Array.isArray(keys)) throw new TypeError(`dogpile-cache: expected an array of keys, got ${keys === null ? 'null' : typeof keys}`);
}

function unfound<V>(found: WireFound): V | NoValue {
  return found.found ? (found.value as V) : NO_VALUE;
}

function putTogether<V>(value: WireCachedValue): CachedValue<V> {
  return new CachedValue(value.payload as V, value.metadata);
}

function eventFromWire(wire: WireEvent): RegionEvent {
  if (wire.error !== undefined && typeof wire.error === 'object') return { ...wire, error: fromWireError(wire.error as WireError) } as RegionEvent;
  return wire as unknown as RegionEvent;
}

function describeKeys(keys: readonly string[]): string {
  if (keys.length === 1) return `key "${keys[0]}"`;
  const shown = keys.slice(0, 5).map((key) => `"${key}"`).join(', ');
  return `one of the keys ${shown}${keys.length > 5 ? ', ...' : ''}`;
}

/** The first entry whose value structured clone refuses, and its reason. */
function findUncloneable(entries: ReadonlyArray<readonly [string, unknown]>): { key: string; message: string; error: unknown } | undefined {
  for (const [key, value] of entries) {
    try {
      structuredClone(value);
    } catch (error) {
      return { key, message: String((error as Error)?.message ?? error), error };
    }
  }
  return undefined;
}

function notCloneable(entries: ReadonlyArray<readonly [string, unknown]>, direction: string, cause: unknown): ValueNotCloneableError {
  const found = findUncloneable(entries);
  if (found) {
    return new ValueNotCloneableError(`The value for key "${found.key}" cannot be copied ${direction} by structured clone: ${found.message}`, { key: found.key, cause });
  }
  return new ValueNotCloneableError(`An argument cannot be copied ${direction} by structured clone: ${String((cause as Error)?.message ?? cause)}`, { cause });
}
