/**
 * One connected page, on the worker's side: its API (the forwarded region
 * methods from methods.ts, plus hello, event watching and bye), the hello
 * handshake, the page's creators called back by reference, and its end.
 *
 * @module
 */
import { wrap, type Remote } from 'comlink';
import type { CacheRegion } from '../region/region.js';
import { createdNotCloneable, isUnserializable } from './clone-errors.js';
import { isMessagePort, onEndpointClose, type Endpoint } from './endpoint.js';
import { CreatorGoneError } from './errors.js';
import { EventBatch } from './event-batch.js';
import { clampHeartbeat, watchSilence, type SilenceWatch } from './heartbeat.js';
import { watchLifetimeLock } from './lifetime-lock.js';
import { serveMethods, type WorkerSide } from './methods.js';
import type { NamedCreators } from './named-creators.js';
import { PROTOCOL_VERSION, type ClientCallbacks, type ClientHello, type HostApi, type HostInfo } from './protocol.js';
import { result, type CreatorRef } from './wire.js';

/** What a session needs of its host (a `RegionHost`). */
export interface SessionHost {
  readonly region: CacheRegion;
  readonly handshakeTimeout: number;
  readonly named: NamedCreators;
  info(): Promise<HostInfo>;
}

/** One connected page. */
export class HostSession {
  /** A plain object: comlink can reach these methods and nothing else. */
  readonly api: HostApi;
  readonly #host: SessionHost;
  readonly #endpoint: Endpoint;
  readonly #onEnd: () => void;
  readonly #events: EventBatch;
  #callbacks: Remote<ClientCallbacks> | undefined;
  #callbacksPort: MessagePort | undefined;
  #clientId: string | undefined;
  #gone: Promise<never> | undefined;
  #goneError: Error | undefined;
  #markGone: ((error: Error) => void) | undefined;
  #cleanups: Array<() => void> = [];
  #ended = false;
  #silence: SilenceWatch | undefined;

  constructor(host: SessionHost, endpoint: Endpoint, onEnd: () => void) {
    this.#host = host;
    this.#endpoint = endpoint;
    this.#onEnd = onEnd;
    this.#events = new EventBatch(host.region, () => (this.#goneError ? undefined : this.#callbacks));
    this.#cleanups.push(onEndpointClose(endpoint, () => this.end('the page closed its connection')));
    // A page that dies before its hello sends nothing more: do not keep its port forever. (A dedicated
    // worker's scope is not dropped: its one page may connect late, and the worker ends with it.)
    if (isMessagePort(endpoint)) {
      const handshake = setTimeout(() => {
        if (this.#clientId === undefined) this.end(`no hello within ${host.handshakeTimeout} ms`);
      }, host.handshakeTimeout);
      (handshake as { unref?: () => void }).unref?.();
      this.#cleanups.push(() => clearTimeout(handshake));
    }
    const side: WorkerSide = {
      region: host.region,
      creator: (ref, key) => (isNamed(ref) ? host.named.single(ref.name, key) : async () => (await this.#remoteCreate(ref.id, [key]))[0]),
      multiCreator: (ref) => (isNamed(ref) ? host.named.multi(ref.name) : (...keys) => this.#remoteCreate(ref.id, keys, true)),
      shouldCache: (id) => (value) => this.#shouldCache(id, value),
    };
    const run = <T>(work: () => T | Promise<T>) => {
      // Any call is a sign of life, as good as an answered ping.
      this.#silence?.heard();
      return result.to(work);
    };
    this.api = {
      ...serveMethods(side, run),
      hello: (client, callbacks) => run(() => this.#hello(client, callbacks)),
      watchEvents: (on) => run(() => (this.#goneError ? undefined : this.#events.watch(Boolean(on)))),
      bye: () =>
        run(() => {
          // After the answer is posted: the port closes with the session.
          setTimeout(() => this.end('the page disconnected'), 0);
        }),
    };
  }

  /** Whether a page said hello and has not left. */
  get connected(): boolean {
    return this.#callbacks !== undefined && this.#goneError === undefined;
  }

  /** Whether events are forwarded to this page. */
  get watching(): boolean {
    return this.#events.watching;
  }

  /** Ends the session: the page's running creators fail with {@link CreatorGoneError}, so waiters retry. */
  end(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    if (!this.#goneError) {
      const error = new CreatorGoneError(`The page that was creating the value left (${reason}); waiting callers retry.`);
      this.#goneError = error;
      this.#markGone?.(error);
    }
    this.#events.stop();
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.#callbacksPort?.close();
    this.#callbacksPort = undefined;
    // A port belongs to this one page; a dedicated worker's scope is left open.
    if (isMessagePort(this.#endpoint)) this.#endpoint.close();
    this.#onEnd();
  }

  async #hello(client: ClientHello, port: MessagePort): Promise<HostInfo> {
    if (!client || client.protocol !== PROTOCOL_VERSION) {
      port?.close?.();
      throw new TypeError(`dogpile-cache: the page speaks worker protocol ${String(client?.protocol)}, this worker speaks ${PROTOCOL_VERSION}; load the same library version in both`);
    }
    if (this.#goneError) throw this.#goneError;
    if (this.#clientId !== undefined) throw new TypeError('dogpile-cache: this connection already said hello');
    this.#clientId = String(client.clientId);
    this.#callbacksPort = port;
    this.#callbacks = wrap<ClientCallbacks>(port as unknown as Endpoint);
    this.#gone = new Promise<never>((_, reject) => (this.#markGone = reject));
    this.#gone.catch(() => {});
    this.#cleanups.push(onEndpointClose(port as unknown as Endpoint, () => this.end('the page closed its connection')));
    if (typeof client.lifetimeLock === 'string') {
      this.#cleanups.push(watchLifetimeLock(client.lifetimeLock, () => this.end('the page was closed')));
    }
    const info = await this.#host.info();
    // Web Locks tell both sides of the other's end only where both have them; elsewhere, ping.
    const heartbeat = clampHeartbeat(client.heartbeat);
    if (heartbeat && (typeof client.lifetimeLock !== 'string' || !info.lifetimeLock) && !this.#ended) {
      const callbacks = this.#callbacks;
      // Pinging tells the page this worker lives; a silent page is dropped only where it has a port of its
      // own (a dedicated worker ends with its page anyway, and must not refuse it after a long pause).
      const watch = watchSilence(
        heartbeat,
        isMessagePort(this.#endpoint) ? () => this.end(`the page stopped answering (no heartbeat for ${heartbeat.timeout} ms)`) : undefined,
        () => {
          callbacks.ping().then(
            () => watch.heard(),
            () => {},
          );
        },
      );
      this.#silence = watch;
      this.#cleanups.push(() => watch.stop());
      return { ...info, heartbeat };
    }
    return info;
  }

  /** The page's callbacks while it is connected; else the error its creators fail with. */
  #page(what: string): Remote<ClientCallbacks> {
    const callbacks = this.#callbacks;
    if (!callbacks || this.#goneError) throw this.#goneError ?? new CreatorGoneError(`The page that owns this ${what} is not connected.`);
    return callbacks;
  }

  /** Runs the page's creator; fails with {@link CreatorGoneError} if the page leaves first. */
  async #remoteCreate(id: number, keys: string[], multi = false): Promise<unknown[]> {
    const callbacks = this.#page('creator');
    let answer;
    try {
      answer = await Promise.race([callbacks.create(id, keys), this.#gone!]);
    } catch (error) {
      if (!isUnserializable(error)) throw error;
      // Ask the page which value it was: it still holds what the creator returned.
      const found = await Promise.race([callbacks.findUncloneable(id), this.#gone!]).catch(() => undefined);
      throw createdNotCloneable(keys, found);
    }
    const value = result.from(answer);
    return multi ? (value as unknown[]) : [value];
  }

  async #shouldCache(id: number, value: unknown): Promise<boolean> {
    const callbacks = this.#page('shouldCacheFn');
    return result.from(await Promise.race([callbacks.shouldCache(id, value), this.#gone!]));
  }
}

function isNamed(ref: CreatorRef): ref is { name: string } {
  return Boolean(ref) && 'name' in ref;
}
