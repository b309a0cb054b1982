/// <reference types="chrome" />
/**
 * The panel's link through the extension's service worker. Chrome stops idle
 * MV3 service workers, which closes the port: the adapter then reconnects
 * (waking the worker) and attaches to the tab again.
 *
 * @module
 */
import { PANEL_PORT, type PanelToWorker, type WorkerToPanel } from '../messages.js';
import type { AdapterEvent, PanelAdapter } from './adapter.js';

function isWorkerMessage(value: unknown): value is WorkerToPanel {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'status' || kind === 'page';
}

/** Connects the panel to the page in tab `tabId` through the service worker. */
export function chromeAdapter(tabId: number): PanelAdapter {
  let port: chrome.runtime.Port | undefined;
  let listener: ((event: AdapterEvent) => void) | undefined;
  let stopped = false;
  let retry = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const post = (message: PanelToWorker) => {
    try {
      port?.postMessage(message);
    } catch {
      // Disconnected: onDisconnect reconnects and re-attaches.
    }
  };

  const connect = () => {
    timer = undefined;
    if (stopped) return;
    let opened: chrome.runtime.Port;
    try {
      opened = chrome.runtime.connect({ name: PANEL_PORT });
    } catch {
      // The extension was reloaded under this page: only reopening the panel helps.
      listener?.({ kind: 'status', status: 'no-content-script', detail: 'The extension was reloaded or updated: close and reopen DevTools (or this panel page).' });
      return;
    }
    port = opened;
    opened.onMessage.addListener((message: unknown) => {
      retry = 0;
      if (isWorkerMessage(message)) listener?.(message as AdapterEvent);
    });
    opened.onDisconnect.addListener(() => {
      if (port !== opened || stopped) return;
      port = undefined;
      listener?.({ kind: 'status', status: 'reconnecting' });
      // Back off a little when the worker keeps going away.
      timer = setTimeout(connect, Math.min(2000, 50 * 2 ** retry++));
    });
    post({ kind: 'attach', tabId });
  };

  return {
    start(next) {
      listener = next;
      connect();
    },
    send(command) {
      post({ kind: 'command', command });
    },
    probe() {
      post({ kind: 'attach', tabId });
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      port?.disconnect();
      port = undefined;
      listener = undefined;
    },
  };
}
