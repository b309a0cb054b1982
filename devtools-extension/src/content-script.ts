/// <reference types="chrome" />
/**
 * Content script: relays between the page's inspector and the service
 * worker, and does nothing else. It accepts only messages posted by this
 * window itself (`event.source === window`), from the page's own origin,
 * carrying the protocol tag and version, and well-formed; it posts to the
 * page with `location.origin`, never `'*'`. It connects to the service worker
 * only once the page speaks the protocol or a panel asks for it.
 *
 * @module
 */
import { isPageEnvelope, panelCommand, parsePageMessage, parsePanelCommand } from '../../src/devtools/protocol.js';
import { PAGE_PORT, POKE, type RelayToWorker } from './messages.js';

let port: chrome.runtime.Port | null = null;
let inspectorSeen = false;

function toPage(command: unknown): void {
  const parsed = parsePanelCommand(command);
  // An opaque origin ('null') cannot be addressed without '*': such pages are not served.
  if (parsed && location.origin !== 'null') window.postMessage(parsed, location.origin);
}

function toWorker(message: RelayToWorker): void {
  try {
    connect()?.postMessage(message);
  } catch {
    port = null;
  }
}

function connect(): chrome.runtime.Port | null {
  if (port) return port;
  let opened: chrome.runtime.Port;
  try {
    opened = chrome.runtime.connect({ name: PAGE_PORT });
  } catch {
    return null; // The extension was reloaded or removed: this script is orphaned.
  }
  port = opened;
  opened.onMessage.addListener((message: unknown) => {
    if (typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'command') {
      toPage((message as { command?: unknown }).command);
    }
  });
  opened.onDisconnect.addListener(() => {
    if (port !== opened) return;
    port = null;
    // The service worker stopped: nobody listens until a panel reconnects.
    toPage(panelCommand({ type: 'disconnect' }));
  });
  opened.postMessage({ kind: 'ready', inspector: inspectorSeen } satisfies RelayToWorker);
  return opened;
}

window.addEventListener('message', (event: MessageEvent) => {
  if (event.source !== window || event.origin !== location.origin) return;
  if (!isPageEnvelope(event.data)) return;
  const message = parsePageMessage(event.data);
  if (!message) return;
  if (message.type === 'hello') inspectorSeen = true;
  toWorker({ kind: 'page', data: message });
});

chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return;
  if (typeof message !== 'object' || message === null || (message as { kind?: unknown }).kind !== POKE) return;
  const existing = port;
  const opened = connect();
  // A port that already existed announces the page state again for the asking panel.
  if (existing && opened === existing) toWorker({ kind: 'ready', inspector: inspectorSeen });
  sendResponse({ ok: opened !== null });
});
