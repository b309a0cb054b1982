/**
 * One connection from a page to a worker hosting a region: the hello
 * handshake, and noticing when the worker is gone.
 *
 * @module
 */
import { expose, transfer, wrap, type Remote } from 'comlink';
import { isMessagePort, onEndpointClose, type Endpoint } from './endpoint.js';
import { WorkerUnavailableError, withoutFinalStop, workerUnavailable } from './errors.js';
import { watchSilence, type SilenceWatch } from './heartbeat.js';
import { holdLifetimeLock, watchLifetimeLock, type HeldLock } from './lifetime-lock.js';
import { PROTOCOL_VERSION, type ClientCallbacks, type Heartbeat, type HostApi, type HostInfo } from './protocol.js';
import { fromWireError } from './wire-error.js';
import type { SharedWorkerLike } from './shared-worker-like.js';

/** What a client can connect through: a SharedWorker, a dedicated Worker, a `MessagePort`, or any comlink endpoint. */
export type WorkerSource = SharedWorkerLike | Worker | MessagePort | Endpoint;

/** Options of {@link Connection.open}. */
export interface ConnectionOptions {
  /** Unique per connection. */
  clientId: string;
  /** What the worker calls back (the connection answers its heartbeat itself). */
  callbacks: Omit<ClientCallbacks, 'ping'>;
  /** The heartbeat to ask for where Web Locks cannot tell either side of the other's end. */
  heartbeat: Heartbeat;
  /** Give up connecting after this many ms. */
  connectTimeout: number;
  /** Called once when the connection is lost (not when it is closed on purpose). */
  onLost: (error: WorkerUnavailableError) => void;
  /** Terminate a dedicated Worker when this connection closes or is lost. */
  ownsWorker: boolean;
}

interface Resolved {
  endpoint: Endpoint;
  /** What reports load failures (`error` events): the Worker or SharedWorker object. */
  errors: EventTarget | undefined;
  worker: Worker | undefined;
}

/** A live connection. */
export class Connection {
  readonly remote: Remote<HostApi>;
  readonly info: HostInfo;
  /** Rejects with a {@link WorkerUnavailableError} when the connection is lost or closed. */
  readonly lost: Promise<never>;
  readonly #state: ConnectionState;

  private constructor(remote: Remote<HostApi>, info: HostInfo, state: ConnectionState) {
    this.remote = remote;
    this.info = info;
    this.#state = state;
    this.lost = state.lost;
  }

  /** The error the connection was lost with, if it was. */
  get lostError(): WorkerUnavailableError | undefined {
    return this.#state.error;
  }

  /** Connects to `source` and says hello. Rejects with {@link WorkerUnavailableError}. */
  static async open(source: WorkerSource, options: ConnectionOptions): Promise<Connection> {
    const resolved = resolveSource(source);
    const state = new ConnectionState(resolved, options);
    try {
      const lock = await holdLifetimeLock(`dogpile-cache:worker-client:${options.clientId}`).catch(() => undefined);
      state.lock = lock;
      const { port1, port2 } = new MessageChannel();
      state.callbacksPort = port1;
      const callbacks: ClientCallbacks = {
        ...options.callbacks,
        ping: () => {
          state.watch?.heard();
          return true;
        },
      };
      expose(callbacks, port1 as unknown as Endpoint);
      const remote = wrap<HostApi>(resolved.endpoint);
      const timer = setTimeout(
        () => state.fail(`no answer from the worker within ${options.connectTimeout} ms (does its script call exposeRegion()?)`),
        options.connectTimeout,
      );
      state.cleanups.push(() => clearTimeout(timer));
      let answer;
      try {
        answer = await Promise.race([
          remote.hello(
            { protocol: PROTOCOL_VERSION, clientId: options.clientId, heartbeat: options.heartbeat, ...(lock ? { lifetimeLock: lock.name } : {}) },
            transfer(port2, [port2]),
          ),
          state.lost,
        ]);
      } finally {
        clearTimeout(timer);
      }
      if (!answer.ok) {
        const cause = fromWireError(answer.error);
        throw state.fail(`the worker refused the connection: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
      }
      const info = answer.value;
      state.connected = true;
      if (info.lifetimeLock) state.cleanups.push(watchLifetimeLock(info.lifetimeLock, () => state.fail('the worker hosting the region ended (terminated, crashed or closed)')));
      // Without Web Locks on one side, the worker pings: its silence means it ended.
      if (info.heartbeat) {
        const { timeout } = info.heartbeat;
        const watch = watchSilence(info.heartbeat, () => state.fail(`the worker hosting the region stopped answering (no heartbeat for ${timeout} ms: terminated, crashed or closed)`));
        state.watch = watch;
        state.cleanups.push(() => watch.stop());
      }
      return new Connection(remote, info, state);
    } catch (error) {
      const failure = error instanceof WorkerUnavailableError ? error : state.fail(`could not connect to the worker: ${String((error as Error)?.message ?? error)}`, error);
      state.dispose();
      throw failure;
    }
  }

  /** Leaves: tells the worker, gives up the lifetime lock, closes the ports. */
  close(): void {
    if (this.#state.error) return;
    this.remote.bye().catch(() => {});
    this.#state.fail('the client was closed', undefined, false);
    this.#state.dispose();
  }
}

class ConnectionState {
  readonly lost: Promise<never>;
  readonly cleanups: Array<() => void> = [];
  error: WorkerUnavailableError | undefined;
  lock: HeldLock | undefined;
  callbacksPort: MessagePort | undefined;
  watch: SilenceWatch | undefined;
  connected = false;
  readonly #resolved: Resolved;
  readonly #options: ConnectionOptions;
  #reject!: (error: WorkerUnavailableError) => void;

  constructor(resolved: Resolved, options: ConnectionOptions) {
    this.#resolved = resolved;
    this.#options = options;
    this.lost = new Promise<never>((_, reject) => (this.#reject = reject));
    this.lost.catch(() => {});
    const { errors, endpoint } = resolved;
    if (errors) {
      // Before hello, an error event means the script did not load; later ones are the worker's own uncaught errors.
      const onError = (event: Event) => {
        if (!this.connected) this.fail(`the worker failed to start${describeErrorEvent(event)}`);
      };
      errors.addEventListener('error', onError);
      this.cleanups.push(() => errors.removeEventListener('error', onError));
    }
    this.cleanups.push(onEndpointClose(endpoint, () => this.fail('the connection to the worker was closed')));
  }

  /** Marks the connection lost (once) and returns the error. */
  fail(reason: string, cause?: unknown, report = true): WorkerUnavailableError {
    if (this.error) return this.error;
    const error = workerUnavailable(reason, cause);
    this.error = error;
    this.#reject(error);
    if (this.connected) {
      this.dispose();
      if (report) this.#options.onLost(error);
    }
    return error;
  }

  dispose(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.lock?.release();
    this.lock = undefined;
    this.callbacksPort?.close();
    this.callbacksPort = undefined;
    const { endpoint, worker } = this.#resolved;
    if (isMessagePort(endpoint)) endpoint.close();
    if (worker && this.#options.ownsWorker) worker.terminate();
  }
}

function resolveSource(source: WorkerSource): Resolved {
  if (source === null || typeof source !== 'object') throw new TypeError('dogpile-cache: expected a SharedWorker, a Worker, a MessagePort or a comlink endpoint');
  const port = (source as SharedWorkerLike).port;
  if (port && typeof port.postMessage === 'function' && typeof (source as EventTarget).addEventListener === 'function') {
    return { endpoint: port as unknown as Endpoint, errors: source as SharedWorkerLike, worker: undefined };
  }
  if (typeof (source as Worker).terminate === 'function' && typeof (source as Worker).postMessage === 'function') {
    return { endpoint: source as unknown as Endpoint, errors: source as Worker, worker: source as Worker };
  }
  if (typeof (source as Endpoint).postMessage === 'function' && typeof (source as Endpoint).addEventListener === 'function') {
    return { endpoint: source as Endpoint, errors: undefined, worker: undefined };
  }
  throw new TypeError('dogpile-cache: expected a SharedWorker, a Worker, a MessagePort or a comlink endpoint');
}

function describeErrorEvent(event: Event): string {
  const message = (event as ErrorEvent).message;
  return typeof message === 'string' && message ? ` (${withoutFinalStop(message)})` : ' (its script could not be loaded or threw)';
}
