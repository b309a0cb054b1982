import type { RegionEvent } from 'dogpile-cache';
import { useCachedValue, useRegionStats, type CachedValueResult } from 'dogpile-cache/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { searchPackages, type RequestCounts, type SearchResponse } from './api-client.js';
import { searchKey, type DemoRegion } from './regions.js';
import type { MemoryMirror } from './memory-mirror.js';
import { useNow } from './use-now.js';

export interface RegionPanelProps {
  demo: DemoRegion;
  query: string | undefined;
  failApi: boolean;
  counts: RequestCounts | undefined;
  mirror: MemoryMirror;
}

/** One region: its entry for the current search, how it got there, and buttons to invalidate it. */
export function RegionPanel({ demo, query, failApi, counts, mirror }: RegionPanelProps) {
  const { id, region, shared } = demo;
  const key = query === undefined ? undefined : searchKey(query);
  const failRef = useRef(failApi);
  failRef.current = failApi;
  const result = useCachedValue<SearchResponse>(region, key, () => searchPackages(query!, id, { fail: failRef.current }));
  const stats = useRegionStats(region);
  const history = useStatusHistory(key, result.status);
  const { lines: events, lastRead } = useKeyEvents(demo, key);
  const now = useNow(1000);
  const [busy, setBusy] = useState<string>();

  // Shared regions hear of other tabs' changes from the library (remote
  // events, which the hook follows); the memory panel mirrors the buttons (see memory-mirror.ts).
  useEffect(
    () =>
      shared
        ? undefined
        : mirror.subscribe((message) => {
            if (message.type === 'delete') void region.delete(message.key);
            else void region.invalidate(message.hard);
          }),
    [mirror, shared, region],
  );

  const act = async (label: string, action: () => Promise<void>) => {
    setBusy(label);
    try {
      await action();
    } finally {
      setBusy(undefined);
    }
  };
  const invalidate = (hard: boolean) =>
    act(hard ? 'hard' : 'soft', async () => {
      await region.invalidate(hard);
      if (!shared) mirror.post({ type: 'invalidate', hard });
    });
  const deleteEntry = () =>
    act('delete', async () => {
      if (!key) return;
      await region.delete(key);
      if (!shared) mirror.post({ type: 'delete', key });
    });

  const served = counts?.bySource[id] ?? 0;
  const servedForQuery = query === undefined ? 0 : (counts?.byQuery[`${id}|${query}`] ?? 0);

  return (
    <article
      class={`panel status-${result.status}`}
      data-region={id}
      data-status={result.status}
      data-status-history={history.join(' ')}
      data-created-at={result.createdAt}
    >
      <header class="panel-head">
        <h2>{demo.title}</h2>
        <StatusPill status={result.status} />
      </header>
      <p class="blurb">
        <span class={shared ? 'scope shared' : 'scope'}>{shared ? 'shared by all tabs' : 'this tab only'}</span> {demo.blurb}
      </p>

      <dl class="metrics">
        <div>
          <dt>Lookup</dt>
          <dd data-testid="lookup">{lookupLabel(result, lastRead)}</dd>
        </div>
        <div>
          <dt>Age</dt>
          <dd>{result.createdAt === undefined ? '–' : seconds(now - result.createdAt)}</dd>
        </div>
        <div>
          <dt>Expires in</dt>
          <dd>{expiresLabel(result, now)}</dd>
        </div>
        <div class="served">
          <dt>API requests</dt>
          <dd>
            <strong data-testid="served-query">{servedForQuery}</strong>
            <span> this query · {served} in all</span>
          </dd>
        </div>
      </dl>

      <div class="history" aria-label="Status history">
        {history.slice(-6).map((status, i) => (
          <span key={i} class={`dot ${status}`}>
            {status}
          </span>
        ))}
      </div>

      <Results result={result} />

      <div class="stats" title="This tab's region.stats">
        hits <b>{stats.hits}</b> · misses <b>{stats.misses}</b> · created <b>{stats.creations}</b> · waited <b>{stats.waits}</b> · stale{' '}
        <b>{stats.staleServed}</b>
      </div>

      <ol class="events" aria-label="Recent events">
        {events.length === 0 ? <li class="muted">No events yet</li> : events.map((line, i) => <li key={i}>{line}</li>)}
      </ol>

      <div class="actions">
        <button type="button" onClick={() => invalidate(false)} disabled={busy !== undefined} title="region.invalidate(false): values look expired; one caller regenerates while the others keep the old value">
          Soft invalidate
        </button>
        <button type="button" onClick={() => invalidate(true)} disabled={busy !== undefined} title="region.invalidate(true): values look absent; everyone waits for the new one">
          Hard invalidate
        </button>
        <button type="button" onClick={deleteEntry} disabled={busy !== undefined || !key} title="region.delete(key)">
          Delete entry
        </button>
        <button type="button" onClick={() => void result.refresh()} disabled={!key} title="Fetch again now, whatever is cached">
          Refresh
        </button>
      </div>
    </article>
  );
}

/**
 * Resolves once this tab reads `key` as deleted at `at` (absent, or written
 * since): Chromium updates each tab's copy of localStorage asynchronously,
 * and the BroadcastChannel message may arrive first. Bounded to one second.
 */
function StatusPill({ status }: { status: string }) {
  const text = status === 'stale' ? 'stale · regenerating' : status;
  return <span class={`pill ${status}`}>{text}</span>;
}

function Results({ result }: { result: CachedValueResult<SearchResponse> }) {
  if (result.status === 'idle') return <p class="results muted">Type a search above.</p>;
  if (result.value === undefined) {
    if (result.status === 'error') return <p class="results error">{errorText(result.error)}</p>;
    return (
      <ul class="results skeleton" aria-busy="true">
        {[0, 1, 2, 3].map((i) => (
          <li key={i} />
        ))}
      </ul>
    );
  }
  const { results, total } = result.value;
  // Room for the error line when there is one.
  const shown = Math.min(results.length, result.status === 'error' ? 3 : 4);
  return (
    <div class="results-wrap">
      {result.status === 'error' ? (
        <p class="results error small" title={errorText(result.error)}>
          Last value shown · {errorText(result.error)}
        </p>
      ) : null}
      {results.length === 0 ? (
        <p class="results muted">No package matches.</p>
      ) : (
        <ul class={result.status === 'stale' ? 'results dim' : 'results'}>
          {results.slice(0, shown).map((pkg) => (
            <li key={pkg.name}>
              <div class="pkg-line">
                <b>{pkg.name}</b>
                <span class="version">{pkg.version}</span>
                <span class="downloads">{compact(pkg.weekly)}/wk</span>
              </div>
              <div class="pkg-desc">{pkg.description}</div>
            </li>
          ))}
        </ul>
      )}
      <p class="more">{total > shown ? `+ ${total - shown} more` : `${total} result${total === 1 ? '' : 's'}`}</p>
    </div>
  );
}

/** The statuses this panel went through for the current key, in order. */
function useStatusHistory(key: string | undefined, status: string): string[] {
  const [history, setHistory] = useState<string[]>([status]);
  const keyRef = useRef(key);
  useEffect(() => {
    if (keyRef.current !== key) {
      keyRef.current = key;
      setHistory([status]);
      return;
    }
    setHistory((previous) => (previous[previous.length - 1] === status ? previous : [...previous.slice(-19), status]));
  }, [key, status]);
  return history;
}

/**
 * The last few region events about `key` (and invalidations), as lines of
 * text, and how the last read of `key` went (`hit`, `waited`, ...).
 */
function useKeyEvents({ region }: DemoRegion, key: string | undefined): { lines: string[]; lastRead: string | undefined } {
  const [lines, setLines] = useState<string[]>([]);
  const [lastRead, setLastRead] = useState<string>();
  useEffect(() => {
    setLines([]);
    setLastRead(undefined);
    return region.subscribe((event) => {
      const line = describeEvent(event, key);
      if (line) setLines((previous) => [line, ...previous].slice(0, 3));
      if ('key' in event && event.key === key && ['hit', 'miss', 'waited', 'created', 'stale'].includes(event.type)) setLastRead(event.type);
    });
  }, [region, key]);
  return { lines, lastRead };
}

function describeEvent(event: RegionEvent, key: string | undefined): string | undefined {
  const at = new Date(event.time).toLocaleTimeString([], { hour12: false });
  if (event.type === 'invalidated') return `${at} ${event.hard ? 'hard' : 'soft'} invalidation${event.remote ? ' (from another tab)' : ''}`;
  if (event.type === 'notice') return `${at} ${event.kind}: ${event.message}`;
  if (!('key' in event) || event.key !== key) return undefined;
  switch (event.type) {
    case 'created':
      return `${at} created here in ${Math.round(event.durationMs)} ms${event.cached ? '' : ' (not stored)'}`;
    case 'waited':
      return `${at} waited ${Math.round(event.durationMs)} ms for another creator`;
    case 'stale':
      return `${at} served stale while another regenerates`;
    case 'delete':
      return `${at} entry deleted${event.remote ? ' in another tab' : ''}`;
    case 'set':
      return event.remote ? `${at} written in another tab${event.origin ? ` (${event.origin})` : ''}` : undefined;
    case 'error':
      return `${at} ${event.operation} failed: ${errorText(event.error)}`;
    case 'lockTimeout':
      return `${at} lock wait timed out`;
    default:
      return undefined;
  }
}

function lookupLabel(result: CachedValueResult<unknown>, lastRead: string | undefined): string {
  switch (result.status) {
    case 'idle':
      return '–';
    case 'loading':
      return 'miss · fetching';
    case 'stale':
      return 'stale · regenerating';
    case 'error':
      return 'error';
    default:
      if (result.source === 'creator') return 'miss · fetched here';
      // Waited on the lock while another caller (here: another tab) fetched.
      return lastRead === 'waited' ? 'waited · other tab' : 'hit';
  }
}

function expiresLabel(result: CachedValueResult<unknown>, now: number): string {
  if (result.status === 'stale') return 'expired';
  if (result.status === 'error') return '–';
  if (result.expiresAt === undefined) return result.createdAt === undefined ? '–' : 'never';
  const left = result.expiresAt - now;
  return left <= 0 ? 'now' : seconds(left);
}

function seconds(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function compact(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(n >= 10_000_000 ? 0 : 1)}M`;
  if (n >= 1_000) return `${Math.round(n / 1_000)}k`;
  return String(n);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
