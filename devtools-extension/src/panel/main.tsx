/// <reference types="chrome" />
/**
 * Panel entry. Inside DevTools it inspects `chrome.devtools.inspectedWindow`;
 * opened as a page (`panel.html?tabId=N`) it inspects tab N.
 *
 * @module
 */
import { render } from 'preact';
import { App } from './app.js';
import { chromeAdapter } from './chrome-adapter.js';
import { PanelClient } from './client.js';
import './panel.css';

function inspectedTabId(): number | undefined {
  const fromDevtools = globalThis.chrome?.devtools?.inspectedWindow?.tabId;
  if (typeof fromDevtools === 'number') return fromDevtools;
  const fromQuery = Number(new URLSearchParams(location.search).get('tabId'));
  return Number.isInteger(fromQuery) && fromQuery >= 0 ? fromQuery : undefined;
}

const root = document.getElementById('app')!;
const tabId = inspectedTabId();
if (tabId === undefined) {
  root.textContent = 'Open this panel from DevTools, or as panel.html?tabId=<tab id>.';
} else {
  const client = new PanelClient(chromeAdapter(tabId));
  client.start();
  render(<App client={client} />, root);
  addEventListener('pagehide', () => client.dispose());
}
