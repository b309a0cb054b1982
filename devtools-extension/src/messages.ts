/**
 * Messages between the extension's own parts (content script, service
 * worker, panel). Page data travels inside them as `data`, re-validated with
 * the page protocol at every hop.
 *
 * @module
 */

/** Port name of a content script (one per tab, top frame only). */
export const PAGE_PORT = 'dogpile-cache-page';
/** Port name of a panel. */
export const PANEL_PORT = 'dogpile-cache-panel';
/** `chrome.tabs.sendMessage` payload asking a tab's content script to connect. */
export const POKE = 'dogpile-cache-poke';

/** Content script to service worker. */
export type RelayToWorker =
  /** Sent first on every new port: whether the page has announced an inspector. */
  | { kind: 'ready'; inspector: boolean }
  /** A page message, already validated by the content script. */
  | { kind: 'page'; data: unknown };

/** Service worker to content script. */
export type WorkerToRelay = { kind: 'command'; command: unknown };

/** Panel to service worker. */
export type PanelToWorker = { kind: 'attach'; tabId: number } | { kind: 'command'; command: unknown };

/** What the panel hears about the inspected page's connection. */
export type PageStatus =
  /** The content script is connected; `inspector` says whether the page runs the inspector. */
  | { status: 'connected'; inspector: boolean; origin: string | null; url: string | null }
  /** The page went away (reload, navigation, tab closed). */
  | { status: 'page-gone' }
  /** No content script answers in the tab: the page was loaded before the extension, or is not a web page. */
  | { status: 'no-content-script'; detail: string };

/** Service worker to panel. */
export type WorkerToPanel = ({ kind: 'status' } & PageStatus) | { kind: 'page'; origin: string | null; data: unknown };
