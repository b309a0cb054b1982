/// <reference types="chrome" />
/**
 * Service worker: routes messages between each tab's content script and the
 * panels inspecting that tab. Routing is by the tab Chrome says a port
 * belongs to (`port.sender.tab.id`), never by anything a message claims.
 * It keeps no state that matters across restarts: when Chrome stops it, the
 * panels reconnect and the content scripts are asked to connect again.
 *
 * @module
 */
import { parsePageMessage, parsePanelCommand, panelCommand } from '../../src/devtools/protocol.js';
import { PAGE_PORT, PANEL_PORT, POKE, type PageStatus, type WorkerToPanel, type WorkerToRelay } from './messages.js';

type Port = chrome.runtime.Port;

interface PageConnection {
  port: Port;
  origin: string | null;
  url: string | null;
  inspector: boolean;
  ready: boolean;
}

const pages = new Map<number, PageConnection>();
const panels = new Map<number, Set<Port>>();

function send(port: Port, message: WorkerToPanel | WorkerToRelay): void {
  try {
    port.postMessage(message);
  } catch {
    // The other end went away meanwhile; its onDisconnect cleans up.
  }
}

function broadcast(tabId: number, message: WorkerToPanel): void {
  panels.get(tabId)?.forEach((port) => send(port, message));
}

function connectedStatus(page: PageConnection): { kind: 'status' } & PageStatus {
  return { kind: 'status', status: 'connected', inspector: page.inspector, origin: page.origin, url: page.url };
}

function originOf(sender: chrome.runtime.MessageSender): string | null {
  if (typeof sender.origin === 'string') return sender.origin;
  try {
    return sender.url ? new URL(sender.url).origin : null;
  } catch {
    return null;
  }
}

/** Asks the tab's content script to connect; tells the panels when there is none. */
function poke(tabId: number): void {
  chrome.tabs.sendMessage(tabId, { kind: POKE }, { frameId: 0 }).catch(() => {
    broadcast(tabId, {
      kind: 'status',
      status: 'no-content-script',
      detail: 'The extension has no content script in this tab: reload the page (pages opened before the extension was installed or updated have none), and check it is an http(s) page.',
    });
  });
}

function onPagePort(port: Port): void {
  const sender = port.sender;
  const tabId = sender?.tab?.id;
  if (tabId === undefined || tabId < 0 || sender?.frameId !== 0 || sender.id !== chrome.runtime.id) {
    port.disconnect();
    return;
  }
  const page: PageConnection = { port, origin: originOf(sender), url: sender.url ?? null, inspector: false, ready: false };
  const previous = pages.get(tabId);
  pages.set(tabId, page);
  if (previous) previous.port.disconnect();
  port.onMessage.addListener((message: unknown) => {
    if (typeof message !== 'object' || message === null) return;
    const { kind } = message as { kind?: unknown };
    if (kind === 'ready') {
      page.ready = true;
      page.inspector = (message as { inspector?: unknown }).inspector === true;
      broadcast(tabId, connectedStatus(page));
    } else if (kind === 'page') {
      const data = parsePageMessage((message as { data?: unknown }).data);
      if (!data) return;
      if (data.type === 'hello') page.inspector = true;
      broadcast(tabId, { kind: 'page', origin: page.origin, data });
    }
  });
  port.onDisconnect.addListener(() => {
    if (pages.get(tabId) !== page) return;
    pages.delete(tabId);
    broadcast(tabId, { kind: 'status', status: 'page-gone' });
  });
}

function isOwnPage(sender: chrome.runtime.MessageSender | undefined): boolean {
  return sender?.id === chrome.runtime.id && typeof sender.url === 'string' && sender.url.startsWith(chrome.runtime.getURL(''));
}

function onPanelPort(port: Port): void {
  if (!isOwnPage(port.sender)) {
    port.disconnect();
    return;
  }
  let tabId: number | undefined;
  port.onMessage.addListener((message: unknown) => {
    if (typeof message !== 'object' || message === null) return;
    const { kind } = message as { kind?: unknown };
    if (kind === 'attach') {
      const requested = (message as { tabId?: unknown }).tabId;
      if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 0) return;
      if (tabId !== undefined && tabId !== requested) panels.get(tabId)?.delete(port);
      tabId = requested;
      let set = panels.get(tabId);
      if (!set) panels.set(tabId, (set = new Set()));
      set.add(port);
      const page = pages.get(tabId);
      if (page?.ready) send(port, connectedStatus(page));
      else poke(tabId);
    } else if (kind === 'command' && tabId !== undefined) {
      const command = parsePanelCommand((message as { command?: unknown }).command);
      if (!command) return;
      const page = pages.get(tabId);
      if (page) send(page.port, { kind: 'command', command });
      else poke(tabId);
    }
  });
  port.onDisconnect.addListener(() => {
    if (tabId === undefined) return;
    const set = panels.get(tabId);
    set?.delete(port);
    if (set && set.size === 0) {
      panels.delete(tabId);
      // Last panel gone: the page stops collecting events.
      const page = pages.get(tabId);
      if (page) send(page.port, { kind: 'command', command: panelCommand({ type: 'disconnect' }) });
    }
  });
}

chrome.runtime.onConnect.addListener((port) => {
  if (port.name === PAGE_PORT) onPagePort(port);
  else if (port.name === PANEL_PORT) onPanelPort(port);
  else port.disconnect();
});
