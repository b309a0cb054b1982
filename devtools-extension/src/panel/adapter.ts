/**
 * What the panel needs from its surroundings: a way to send commands to the
 * inspected page and to hear from it. The extension uses the service worker
 * ({@link chromeAdapter}); tests and in-page mounts use a memory channel
 * ({@link memoryAdapter}).
 *
 * @module
 */
import type { MemoryPanelSide } from '../../../src/devtools/transport.js';
import type { PanelCommand } from '../../../src/devtools/protocol.js';
import type { PageStatus } from '../messages.js';

/** What an adapter reports. Page data is unvalidated: the client validates it. */
export type AdapterEvent = ({ kind: 'status' } & PageStatus) | { kind: 'status'; status: 'reconnecting' } | { kind: 'page'; origin: string | null; data: unknown };

/** The panel's link to the inspected page. */
export interface PanelAdapter {
  /** Starts delivering events to `listener`. */
  start(listener: (event: AdapterEvent) => void): void;
  /** Sends a command to the page. */
  send(command: PanelCommand): void;
  /** Asks again whether the page is there (after a reload, or when nothing answered). */
  probe(): void;
  /** Stops for good. */
  stop(): void;
}

/** An adapter over an in-memory channel to an inspector in the same realm. */
export function memoryAdapter(panel: MemoryPanelSide, origin: string | null = null): PanelAdapter {
  let unsubscribe: (() => void) | undefined;
  let listener: ((event: AdapterEvent) => void) | undefined;
  const announce = () => listener?.({ kind: 'status', status: 'connected', inspector: true, origin, url: null });
  return {
    start(next) {
      listener = next;
      unsubscribe = panel.onMessage((data) => listener?.({ kind: 'page', origin, data }));
      queueMicrotask(announce);
    },
    send(command) {
      panel.send(command);
    },
    probe() {
      queueMicrotask(announce);
    },
    stop() {
      unsubscribe?.();
      listener = undefined;
    },
  };
}
