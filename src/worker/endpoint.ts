/**
 * The message endpoints the worker helpers accept, and the little they need
 * to know about them.
 *
 * @module
 */
import type { Endpoint } from 'comlink';

export type { Endpoint } from 'comlink';

/** A `SharedWorkerGlobalScope`-like object: connections arrive as `connect` events. */
export interface ConnectingScope {
  addEventListener(type: 'connect', listener: (event: MessageEvent) => void): void;
}

/** Whether `scope` hands out connections (a SharedWorker's global scope) rather than being one. */
export function isConnectingScope(scope: unknown): scope is ConnectingScope {
  return typeof scope === 'object' && scope !== null && 'onconnect' in scope && typeof (scope as unknown as ConnectingScope).addEventListener === 'function';
}

/** Whether `endpoint` is a `MessagePort` (in a browser or in Node), which can be closed. */
export function isMessagePort(endpoint: unknown): endpoint is MessagePort {
  return (
    typeof endpoint === 'object' &&
    endpoint !== null &&
    typeof (endpoint as MessagePort).close === 'function' &&
    (endpoint as object).constructor?.name === 'MessagePort'
  );
}

/**
 * Calls `listener` when `endpoint` reports that the other side closed: Node's
 * `MessagePort` does, and browsers that implement the port `close` event.
 * Returns the function that stops listening.
 */
export function onEndpointClose(endpoint: Endpoint, listener: () => void): () => void {
  const handler = () => listener();
  try {
    endpoint.addEventListener('close', handler as EventListener);
  } catch {
    return () => {};
  }
  return () => endpoint.removeEventListener('close', handler as EventListener);
}
