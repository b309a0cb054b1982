/**
 * The panel's state and logic, without any UI: it validates everything the
 * page sends, tracks requests, pages through entries, keeps the event log
 * and decides what to tell the user when nothing answers. The Preact view
 * renders {@link PanelState} and calls the methods.
 *
 * @module
 */
import {
  panelCommand,
  parsePageMessage,
  type EntryInfo,
  type EventInfo,
  type PageMessage,
  type PanelCommandBody,
  type RegionInfo,
  type CrossTabInfo,
  type StorageInfo,
  type EntrySort,
  type EntryStatus,
} from '../../../src/devtools/protocol.js';
import { LockTimeline, type Lane } from './lock-timeline.js';

const LOCK_EVENTS = new Set(['lockAcquired', 'lockReleased', 'waited']);
import { StatsHistory, type StatsSample } from './stats-history.js';
import type { ValuePreview } from '../../../src/devtools/preview.js';
import type { AdapterEvent, PanelAdapter } from './adapter.js';

/** Why the panel found no cache. */
export type NotFoundReason = 'no-inspector' | 'no-content-script' | 'no-answer';

/** The link to the inspected page, as the user should understand it. */
export type Connection =
  | { state: 'connecting' }
  | { state: 'waiting' }
  | { state: 'connected' }
  | { state: 'reloading' }
  | { state: 'not-found'; reason: NotFoundReason; detail: string | null };

/** A region's entries, as far as fetched. */
export interface EntriesView {
  regionId: string;
  filter: string;
  /** Sort column and direction, and status filter (`''`: all). */
  order: EntryOrder;
  /** Matching entries in all; `null` until the first answer. */
  total: number | null;
  listable: boolean;
  reason: string | null;
  /** Rows fetched so far, by index. */
  rows: ReadonlyMap<number, EntryInfo>;
}

/** How the entry list is ordered and narrowed. */
export interface EntryOrder {
  sort: EntrySort;
  desc: boolean;
  status: EntryStatus | '';
}

const DEFAULT_ORDER: EntryOrder = { sort: 'key', desc: false, status: '' };

/** The value shown on demand. */
export interface ValueView {
  regionId: string;
  key: string;
  status: 'loading' | 'loaded' | 'error';
  found: boolean;
  created: number | null;
  preview: ValuePreview | null;
  error: string | null;
}

/** Everything the view renders. */
export interface PanelState {
  connection: Connection;
  origin: string | null;
  url: string | null;
  inspectorId: string | null;
  regions: readonly RegionInfo[];
  selectedRegionId: string | null;
  entries: EntriesView | null;
  value: ValueView | null;
  log: readonly EventInfo[];
  /** Events the page skipped in bursts, plus those the log let go. */
  dropped: number;
  /** The outcome of the last action. */
  notice: { text: string; ok: boolean } | null;
  /** The cross-tab view shown below the regions. */
  view: CrossView;
  /** The last cross-tab answer: locks, tabs, ledger. */
  crossTab: CrossTabInfo | null;
  /** The lock timeline, one lane per client. */
  lanes: readonly Lane[];
  /** Storage figures, fetched while the storage view is shown. */
  storage: StorageInfo | null;
  /** Counters over time, per region id, for the charts. */
  history: ReadonlyMap<string, readonly StatsSample[]>;
}

/** The cross-tab views. */
export type CrossView = 'locks' | 'tabs' | 'ledger' | 'storage' | 'charts' | 'errors';

/** Options of {@link PanelClient}. */
export interface PanelClientOptions {
  /** Rows per entries request. Default 100. */
  pageSize?: number;
  /** Events kept in the log. Default 1000. */
  logLimit?: number;
  /** Ms to wait for an answer before saying nothing answers. Default 3000. */
  answerTimeout?: number;
  /** Ms after a page went away before asking whether a new one is there. Default 1500. */
  reloadGrace?: number;
  /** Ms between cross-tab queries (locks, tabs, ledger) while connected. Default 400; 0: never. */
  pollInterval?: number;
  /** Ms between storage queries while the storage view is shown. Default 2000. */
  storageInterval?: number;
}

type Request = { resolve: (message: PageMessage | undefined) => void; timer: ReturnType<typeof setTimeout> };

const QUIET_EVENTS = new Set(['hit', 'miss', 'stale', 'waited']);

/** The panel's controller. */
export class PanelClient {
  #state: PanelState = {
    connection: { state: 'connecting' },
    origin: null,
    url: null,
    inspectorId: null,
    regions: [],
    selectedRegionId: null,
    entries: null,
    value: null,
    log: [],
    dropped: 0,
    notice: null,
    view: 'locks',
    crossTab: null,
    lanes: [],
    storage: null,
    history: new Map(),
  };
  readonly #timeline = new LockTimeline();
  readonly #stats = new StatsHistory();
  readonly #pollInterval: number;
  readonly #storageInterval: number;
  #pollTimer: ReturnType<typeof setTimeout> | undefined;
  #storageTimer: ReturnType<typeof setTimeout> | undefined;
  #polling = false;
  readonly #adapter: PanelAdapter;
  readonly #listeners = new Set<(state: PanelState) => void>();
  readonly #requests = new Map<string, Request>();
  readonly #pageSize: number;
  readonly #logLimit: number;
  readonly #answerTimeout: number;
  readonly #reloadGrace: number;
  #nextRequest = 0;
  #entriesGeneration = 0;
  #loadingPages = new Set<number>();
  #visible: [number, number] = [0, 0];
  #selectedName: string | null = null;
  #answerTimer: ReturnType<typeof setTimeout> | undefined;
  #reloadTimer: ReturnType<typeof setTimeout> | undefined;
  #entriesReload: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  constructor(adapter: PanelAdapter, options: PanelClientOptions = {}) {
    this.#adapter = adapter;
    this.#pageSize = options.pageSize ?? 100;
    this.#logLimit = options.logLimit ?? 1000;
    this.#answerTimeout = options.answerTimeout ?? 3000;
    this.#reloadGrace = options.reloadGrace ?? 1500;
    this.#pollInterval = options.pollInterval ?? 400;
    this.#storageInterval = options.storageInterval ?? 2000;
  }

  /** The current state (a new object after every change). */
  get state(): PanelState {
    return this.#state;
  }

  /** Starts listening to the page. */
  start(): void {
    this.#adapter.start((event) => this.#onAdapterEvent(event));
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  subscribe(listener: (state: PanelState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops everything. */
  dispose(): void {
    this.#disposed = true;
    for (const timer of [this.#answerTimer, this.#reloadTimer, this.#entriesReload, this.#pollTimer, this.#storageTimer]) if (timer !== undefined) clearTimeout(timer);
    this.#requests.forEach((request) => clearTimeout(request.timer));
    this.#requests.clear();
    this.#adapter.stop();
    this.#listeners.clear();
  }

  // ---------------------------------------------------------------- user actions

  /** Fetches regions and the visible entries again (and re-probes the page when none answered). */
  refresh(): void {
    const state = this.#state.connection.state;
    if (state !== 'connected') {
      this.#adapter.probe();
      return;
    }
    void this.#request({ type: 'getSnapshot', requestId: '' });
    this.#reloadEntries();
  }

  /** Shows a region's entries (or none, with `null`). */
  selectRegion(regionId: string | null): void {
    const region = this.#state.regions.find((r) => r.id === regionId);
    this.#selectedName = region?.name ?? null;
    this.#set({ selectedRegionId: region ? region.id : null, value: null });
    this.#resetEntries(region ? region.id : null, '');
  }

  /** Filters the entries of the selected region by key (substring, case-insensitive). */
  setFilter(filter: string): void {
    const entries = this.#state.entries;
    if (!entries || entries.filter === filter) return;
    this.#resetEntries(entries.regionId, filter, entries.order);
  }

  /** Sorts the entries by a column; the same column again flips the direction. */
  setSort(sort: EntrySort): void {
    const entries = this.#state.entries;
    if (!entries) return;
    const desc = entries.order.sort === sort ? !entries.order.desc : false;
    this.#resetEntries(entries.regionId, entries.filter, { ...entries.order, sort, desc });
  }

  /** Shows only entries of one status (`''`: all). */
  setStatusFilter(status: EntryStatus | ''): void {
    const entries = this.#state.entries;
    if (!entries || entries.order.status === status) return;
    this.#resetEntries(entries.regionId, entries.filter, { ...entries.order, status });
  }

  /** Says which rows are on screen; fetches the pages they are in. */
  showRows(first: number, last: number): void {
    this.#visible = [Math.max(0, first), Math.max(first, last)];
    this.#fetchVisible();
  }

  /** Fetches the value of an entry of the selected region. */
  async showValue(key: string): Promise<void> {
    const regionId = this.#state.selectedRegionId;
    if (!regionId) return;
    this.#set({ value: { regionId, key, status: 'loading', found: false, created: null, preview: null, error: null } });
    const answer = await this.#request({ type: 'getValue', requestId: '', regionId, key });
    const current = this.#state.value;
    if (!current || current.key !== key || current.regionId !== regionId) return;
    if (answer?.type !== 'value') {
      this.#set({ value: { ...current, status: 'error', error: 'The page did not answer.' } });
      return;
    }
    this.#set({ value: { ...current, status: 'loaded', found: answer.found, created: answer.created, preview: answer.preview } });
  }

  /** Closes the value view. */
  closeValue(): void {
    this.#set({ value: null });
  }

  /** Invalidates a region in the page, hard or soft. Resolves with whether it worked. */
  async invalidate(regionId: string, hard: boolean): Promise<boolean> {
    const name = this.#regionLabel(regionId);
    const answer = await this.#request({ type: 'invalidate', requestId: '', regionId, hard });
    const ok = answer?.type === 'result' && answer.ok;
    this.#set({
      notice: ok
        ? { text: `${name}: ${hard ? 'hard' : 'soft'}-invalidated.`, ok }
        : { text: `${name}: invalidation failed: ${answer?.type === 'result' ? answer.error : 'the page did not answer'}.`, ok },
    });
    this.refresh();
    return ok;
  }

  /** Deletes an entry of the selected region in the page. Resolves with whether it worked. */
  async deleteEntry(key: string): Promise<boolean> {
    const regionId = this.#state.selectedRegionId;
    if (!regionId) return false;
    const answer = await this.#request({ type: 'deleteEntry', requestId: '', regionId, key });
    const ok = answer?.type === 'result' && answer.ok;
    this.#set({
      notice: ok ? { text: `Deleted "${key}".`, ok } : { text: `Deleting "${key}" failed: ${answer?.type === 'result' ? answer.error : 'the page did not answer'}.`, ok },
      value: this.#state.value?.key === key ? null : this.#state.value,
    });
    this.refresh();
    return ok;
  }

  /** Makes an entry of the selected region look expired: the next read regenerates it. Resolves with whether it worked. */
  expireEntry(key: string): Promise<boolean> {
    return this.#entryAction('expireEntry', key, `Expired "${key}": the next read regenerates it.`, 'Expiring');
  }

  /** Runs again, in the page, the creator that last made an entry of the selected region. Resolves with whether it worked. */
  regenerateEntry(key: string): Promise<boolean> {
    return this.#entryAction('regenerateEntry', key, `Regenerated "${key}".`, 'Regenerating');
  }

  /** Sends a command about one entry of the selected region and says how it went. */
  async #entryAction(type: 'expireEntry' | 'regenerateEntry', key: string, done: string, doing: string): Promise<boolean> {
    const regionId = this.#state.selectedRegionId;
    if (!regionId) return false;
    const answer = await this.#request({ type, requestId: '', regionId, key });
    const ok = answer?.type === 'result' && answer.ok;
    this.#set({ notice: ok ? { text: done, ok } : { text: `${doing} "${key}" failed: ${answer?.type === 'result' ? answer.error : 'the page did not answer'}.`, ok } });
    this.refresh();
    return ok;
  }

  /** Empties the event log. */
  clearLog(): void {
    this.#set({ log: [], dropped: 0 });
  }

  /** Shows a cross-tab view. */
  setView(view: CrossView): void {
    this.#set({ view });
    if (view === 'storage') void this.#pollStorage();
  }

  /** Removes every entry of a region (for every tab). Resolves with whether it worked. */
  async clearRegion(regionId: string): Promise<boolean> {
    return this.#simpleAction({ type: 'clearRegion', requestId: '', regionId }, 'cleared', 'clearing');
  }

  /** Sets a region's counters back to zero. Resolves with whether it worked. */
  async resetStats(regionId: string): Promise<boolean> {
    return this.#simpleAction({ type: 'resetStats', requestId: '', regionId }, 'counters reset', 'resetting counters');
  }

  async #simpleAction(body: Extract<PanelCommandBody, { type: 'clearRegion' | 'resetStats' }>, done: string, doing: string): Promise<boolean> {
    const name = this.#regionLabel(body.regionId);
    const answer = await this.#request(body);
    const ok = answer?.type === 'result' && answer.ok;
    this.#set({ notice: ok ? { text: `${name}: ${done}.`, ok } : { text: `${name}: ${doing} failed: ${answer?.type === 'result' ? answer.error : 'the page did not answer'}.`, ok } });
    this.refresh();
    return ok;
  }

  // ---------------------------------------------------------------- polling

  #startPolling(): void {
    if (this.#polling || this.#pollInterval <= 0) return;
    this.#polling = true;
    void this.#poll();
  }

  async #poll(): Promise<void> {
    if (this.#disposed || this.#state.connection.state !== 'connected') {
      this.#polling = false;
      return;
    }
    const answer = await this.#request({ type: 'getCrossTab', requestId: '' });
    if (this.#disposed) return;
    if (answer?.type === 'crossTab') {
      this.#timeline.update(answer.info);
      this.#stats.sample(answer.info.time, this.#state.regions);
      this.#set({ crossTab: answer.info, lanes: this.#timeline.lanes(), history: this.#stats.snapshot() });
    }
    this.#pollTimer = setTimeout(() => void this.#poll(), this.#pollInterval);
  }

  async #pollStorage(): Promise<void> {
    if (this.#storageTimer !== undefined) clearTimeout(this.#storageTimer);
    this.#storageTimer = undefined;
    if (this.#disposed || this.#state.view !== 'storage' || this.#state.connection.state !== 'connected') return;
    const answer = await this.#request({ type: 'getStorage', requestId: '' });
    if (this.#disposed) return;
    if (answer?.type === 'storage') this.#set({ storage: answer.info });
    if (this.#state.view === 'storage') this.#storageTimer = setTimeout(() => void this.#pollStorage(), this.#storageInterval);
  }

  // ---------------------------------------------------------------- inbound

  #onAdapterEvent(event: AdapterEvent): void {
    if (this.#disposed) return;
    if (event.kind === 'page') {
      const message = parsePageMessage(event.data);
      // Malformed or hostile data is dropped here and never reaches the view.
      if (message) this.#onPageMessage(message, event.origin);
      return;
    }
    switch (event.status) {
      case 'connected':
        this.#clearReloadTimer();
        this.#set({ origin: event.origin, url: event.url });
        if (event.inspector) this.#connect();
        else this.#notFound('no-inspector', null);
        return;
      case 'no-content-script':
        this.#clearReloadTimer();
        this.#notFound('no-content-script', event.detail);
        return;
      case 'page-gone':
        this.#set({ connection: { state: 'reloading' } });
        this.#clearReloadTimer();
        // A reloaded page with an inspector says hello by itself; otherwise ask.
        this.#reloadTimer = setTimeout(() => this.#adapter.probe(), this.#reloadGrace);
        return;
      case 'reconnecting':
        if (this.#state.connection.state === 'connected') this.#set({ connection: { state: 'connecting' } });
        return;
    }
  }

  #onPageMessage(message: PageMessage, origin: string | null): void {
    // The service worker stamps each message with the origin Chrome gives for its tab.
    if (origin !== null && origin !== this.#state.origin) this.#set({ origin });
    switch (message.type) {
      case 'hello':
        this.#clearReloadTimer();
        if (message.inspectorId !== this.#state.inspectorId || this.#state.connection.state !== 'connected') this.#connect();
        return;
      case 'snapshot':
        this.#onSnapshot(message.inspectorId, message.regions);
        break;
      case 'events':
        this.#onEvents(message.events, message.dropped, message.regions);
        break;
      case 'entries':
      case 'value':
      case 'result':
      case 'crossTab':
      case 'storage':
        break;
    }
    if ('requestId' in message && message.requestId) {
      const request = this.#requests.get(message.requestId);
      if (request) {
        this.#requests.delete(message.requestId);
        clearTimeout(request.timer);
        request.resolve(message);
      }
    }
  }

  #onSnapshot(inspectorId: string, regions: RegionInfo[]): void {
    this.#clearAnswerTimer();
    const newPage = inspectorId !== this.#state.inspectorId;
    this.#set({ connection: { state: 'connected' }, inspectorId, regions });
    this.#startPolling();
    if (this.#state.view === 'storage' && this.#storageTimer === undefined) void this.#pollStorage();
    if (!newPage) return;
    this.#stats.clear();
    // A reloaded page has new region ids: keep showing the region of the same name.
    const again = this.#state.selectedRegionId === null ? undefined : regions.find((r) => r.name !== null && r.name === this.#selectedName);
    const filter = this.#state.entries?.filter ?? '';
    const order = this.#state.entries?.order;
    this.#set({ selectedRegionId: again?.id ?? null, value: null });
    this.#resetEntries(again?.id ?? null, again ? filter : '', again ? order : undefined);
  }

  #onEvents(events: EventInfo[], dropped: number, regions: RegionInfo[]): void {
    const byId = new Map(regions.map((r) => [r.id, r]));
    const merged = this.#state.regions.map((r) => byId.get(r.id) ?? r);
    let log = this.#state.log.concat(events);
    let lost = 0;
    if (log.length > this.#logLimit) {
      lost = log.length - this.#logLimit;
      log = log.slice(lost);
    }
    // Regions locked in-process: their lock events are the only record (no lock query sees them).
    const inProcess = new Set(merged.filter((r) => r.lockMode === 'in-process').map((r) => r.id));
    let lanes = this.#state.lanes;
    for (const event of events) {
      if (LOCK_EVENTS.has(event.type) && inProcess.has(event.regionId)) {
        this.#timeline.local(event);
        lanes = this.#timeline.lanes();
      }
    }
    this.#set({ regions: merged, log, lanes, dropped: this.#state.dropped + dropped + lost });
    const selected = this.#state.selectedRegionId;
    if (selected && events.some((e) => e.regionId === selected && !QUIET_EVENTS.has(e.type))) this.#scheduleEntriesReload();
  }

  // ---------------------------------------------------------------- entries

  #resetEntries(regionId: string | null, filter: string, order: EntryOrder = DEFAULT_ORDER): void {
    this.#entriesGeneration++;
    this.#loadingPages.clear();
    this.#set({ entries: regionId ? { regionId, filter, order, total: null, listable: true, reason: null, rows: new Map() } : null });
    if (regionId) this.#fetchPage(0);
  }

  #reloadEntries(): void {
    if (!this.#state.entries) return;
    // Keep the rows on screen until fresh ones arrive: no flicker.
    this.#entriesGeneration++;
    this.#loadingPages.clear();
    this.#fetchVisible(true);
  }

  #scheduleEntriesReload(): void {
    this.#entriesReload ??= setTimeout(() => {
      this.#entriesReload = undefined;
      this.#reloadEntries();
    }, 300);
  }

  #fetchVisible(force = false): void {
    const entries = this.#state.entries;
    if (!entries) return;
    const [first, last] = this.#visible;
    const size = this.#pageSize;
    for (let offset = Math.floor(first / size) * size; offset <= last; offset += size) {
      if (entries.total !== null && offset >= entries.total && offset > 0) break;
      if (force || !entries.rows.has(offset)) this.#fetchPage(offset);
    }
  }

  #fetchPage(offset: number): void {
    const entries = this.#state.entries;
    if (!entries || this.#loadingPages.has(offset)) return;
    this.#loadingPages.add(offset);
    const generation = this.#entriesGeneration;
    const { regionId, filter, order } = entries;
    const narrowing = { ...(order.sort === 'key' ? {} : { sort: order.sort }), ...(order.desc ? { desc: true } : {}), ...(order.status ? { status: order.status } : {}) };
    void this.#request({ type: 'getEntries', requestId: '', regionId, offset, limit: this.#pageSize, filter, ...narrowing }).then((answer) => {
      if (generation !== this.#entriesGeneration) return;
      this.#loadingPages.delete(offset);
      const current = this.#state.entries;
      if (!current || current.regionId !== regionId || current.filter !== filter || current.order !== order || answer?.type !== 'entries') return;
      const rows = new Map(current.rows);
      answer.entries.forEach((entry, i) => rows.set(offset + i, entry));
      // Rows past the end (deleted meanwhile) go.
      for (const index of rows.keys()) if (index >= answer.total) rows.delete(index);
      for (let i = offset + answer.entries.length; i < offset + this.#pageSize; i++) rows.delete(i);
      this.#set({ entries: { ...current, total: answer.total, listable: answer.listable, reason: answer.reason, rows } });
    });
  }

  // ---------------------------------------------------------------- plumbing

  #connect(): void {
    if (this.#state.connection.state !== 'connected') this.#set({ connection: { state: 'waiting' } });
    this.#send({ type: 'connect' });
    this.#clearAnswerTimer();
    this.#answerTimer = setTimeout(() => {
      if (this.#state.connection.state === 'waiting') this.#notFound('no-answer', null);
    }, this.#answerTimeout);
  }

  #notFound(reason: NotFoundReason, detail: string | null): void {
    this.#clearAnswerTimer();
    this.#set({ connection: { state: 'not-found', reason, detail } });
  }

  #request(body: PanelCommandBody & { requestId: string }): Promise<PageMessage | undefined> {
    const requestId = `q${++this.#nextRequest}-${Math.random().toString(36).slice(2, 8)}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#requests.delete(requestId);
        resolve(undefined);
      }, this.#answerTimeout);
      this.#requests.set(requestId, { resolve, timer });
      this.#send({ ...body, requestId } as PanelCommandBody);
    });
  }

  #send(body: PanelCommandBody): void {
    this.#adapter.send(panelCommand(body));
  }

  #regionLabel(regionId: string): string {
    const region = this.#state.regions.find((r) => r.id === regionId);
    return region?.name ?? `region ${regionId}`;
  }

  #clearAnswerTimer(): void {
    if (this.#answerTimer !== undefined) clearTimeout(this.#answerTimer);
    this.#answerTimer = undefined;
  }

  #clearReloadTimer(): void {
    if (this.#reloadTimer !== undefined) clearTimeout(this.#reloadTimer);
    this.#reloadTimer = undefined;
  }

  #set(patch: Partial<PanelState>): void {
    if (this.#disposed) return;
    this.#state = { ...this.#state, ...patch };
    const state = this.#state;
    this.#listeners.forEach((listener) => listener(state));
  }
}
