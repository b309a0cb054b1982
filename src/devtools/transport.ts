/**
 * How the inspector talks to the panel side: posting to the page's own
 * window (where the extension's content script relays), or an in-memory
 * channel for tests and for mounting a panel inside the page itself.
 *
 * @module
 */
import { parsePanelCommand, type PageMessage, type PanelCommand } from './protocol.js';

/** The inspector's side of a connection to a panel. */
export interface InspectorTransport {
  /** Sends a message towards the panel. */
  post(message: PageMessage): void;
  /** Delivers well-formed panel commands to `handler`; returns the function that stops listening. */
  listen(handler: (command: PanelCommand) => void): () => void;
}

/**
 * Talks through `window.postMessage` on the page's own window. Accepts only
 * messages whose `source` is this window and whose origin is this page's
 * (so a framed or framing page cannot drive the inspector), and posts to
 * `location.origin`, never `'*'`. Pages with an opaque origin (`file:`,
 * sandboxed frames) cannot be addressed that way and are not supported.
 */
export function windowTransport(target?: Window): InspectorTransport {
  // Read lazily: the module must import cleanly where there is no window.
  const win = () => target ?? window;
  return {
    post(message) {
      const origin = win().location.origin;
      if (origin === 'null') return;
      win().postMessage(message, origin);
    },
    listen(handler) {
      const w = win();
      const onMessage = (event: MessageEvent) => {
        if (event.source !== w || event.origin !== w.location.origin) return;
        const command = parsePanelCommand(event.data);
        if (command) handler(command);
      };
      w.addEventListener('message', onMessage);
      return () => w.removeEventListener('message', onMessage);
    },
  };
}

/** The panel's side of an in-memory channel. Messages arrive as posted data, still to be validated. */
export interface MemoryPanelSide {
  /** Sends a command (anything: the inspector side validates it). */
  send(command: unknown): void;
  /** Receives what the inspector posts (structured-cloned, unvalidated); returns the unsubscribe function. */
  onMessage(listener: (data: unknown) => void): () => void;
}

/**
 * An in-memory channel: `transport` for an {@link Inspector}, `panel` for a
 * panel client. Data is structured-cloned and delivered asynchronously, as
 * `postMessage` does, so tests see what a real relay would carry.
 */
export function createMemoryChannel(): { transport: InspectorTransport; panel: MemoryPanelSide } {
  const toPanel = new Set<(data: unknown) => void>();
  const toPage = new Set<(command: PanelCommand) => void>();
  const deliver = <T>(listeners: Set<(data: T) => void>, data: T) => {
    queueMicrotask(() => listeners.forEach((listener) => listener(data)));
  };
  return {
    transport: {
      post(message) {
        deliver(toPanel, structuredClone(message) as unknown);
      },
      listen(handler) {
        toPage.add(handler);
        return () => toPage.delete(handler);
      },
    },
    panel: {
      send(data) {
        const command = parsePanelCommand(structuredClone(data));
        if (command) deliver(toPage, command);
      },
      onMessage(listener) {
        toPanel.add(listener);
        return () => toPanel.delete(listener);
      },
    },
  };
}
