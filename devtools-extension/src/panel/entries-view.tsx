/**
 * A region's entries as a virtual list: only the rows on screen are
 * rendered and fetched, so regions with thousands of entries stay fast.
 *
 * @module
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CrossTabInfo, EntryInfo, EntryStatus } from '../../../src/devtools/protocol.js';
import { tabLabel } from './tab-label.js';
import type { EntriesView as Entries } from './client.js';
import { formatBytes, formatClock, formatDuration } from './format.js';

const ROW_HEIGHT = 24;
const VIEWPORT_HEIGHT = 288;
const OVERSCAN = 10;

interface Props {
  regionName: string;
  entries: Entries;
  crossTab: CrossTabInfo | null;
  now: number;
  onRows: (first: number, last: number) => void;
  onFilter: (filter: string) => void;
  onView: (key: string) => void;
  onDelete: (key: string) => void;
}

/** Status as of now: a value fresh when fetched may have expired since. */
function liveStatus(entry: EntryInfo, now: number): EntryStatus {
  return entry.status === 'fresh' && entry.expiresAt !== null && now > entry.expiresAt ? 'expired' : entry.status;
}

/** "this tab in 512 ms", "tab 3f9a… (set)": who made an entry, and how long its creator took. */
export function provenanceText(entry: EntryInfo, crossTab: CrossTabInfo | null): string {
  if (!entry.origin) return entry.created === null ? '' : 'unknown';
  const who = tabLabel(entry.origin, crossTab);
  return entry.creationMs === null || entry.creationMs === undefined ? `${who} (set)` : `${who} in ${formatDuration(entry.creationMs)}`;
}

function Row({ entry, index, now, crossTab, onView, onDelete }: { entry: EntryInfo | undefined; index: number; now: number; crossTab: CrossTabInfo | null; onView: (key: string) => void; onDelete: (key: string) => void }) {
  const style = { top: `${index * ROW_HEIGHT}px`, height: `${ROW_HEIGHT}px` };
  if (!entry) {
    return (
      <div class="row loading" style={style}>
        <span class="key">…</span>
      </div>
    );
  }
  const status = liveStatus(entry, now);
  const actionable = !entry.keyTruncated;
  return (
    <div class={`row status-${status}`} style={style} data-key={entry.key} role="row">
      <span class="key" title={entry.key}>
        {entry.key}
        {entry.keyTruncated && '…'}
      </span>
      <span class="size">{formatBytes(entry.size, entry.sizeCapped)}</span>
      <span class="created">{entry.created === null ? '—' : formatClock(entry.created)}</span>
      <span class="age">{entry.created === null ? '—' : formatDuration(now - entry.created)}</span>
      <span class="expires">{entry.expiresAt === null ? (entry.created === null ? '—' : 'never') : now > entry.expiresAt ? 'expired' : formatDuration(entry.expiresAt - now)}</span>
      <span class="status" data-cell="status">
        {status}
      </span>
      <span class="lock" data-cell="lock">
        {entry.locked ? 'held' : ''}
      </span>
      <span class="by" data-cell="by" data-origin={entry.origin ?? ''} title={provenanceText(entry, crossTab)}>
        {provenanceText(entry, crossTab)}
      </span>
      <span class="actions">
        <button type="button" disabled={!actionable} onClick={() => onView(entry.key)}>
          View
        </button>
        <button type="button" disabled={!actionable} onClick={() => onDelete(entry.key)}>
          Delete
        </button>
      </span>
    </div>
  );
}

/** The entries of the selected region. */
export function EntriesView({ regionName, entries, crossTab, now, onRows, onFilter, onView, onDelete }: Props) {
  const [scrollTop, setScrollTop] = useState(0);
  const viewport = useRef<HTMLDivElement>(null);
  const total = entries.total ?? 0;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(Math.max(total - 1, 0), Math.ceil((scrollTop + VIEWPORT_HEIGHT) / ROW_HEIGHT) + OVERSCAN);

  useEffect(() => onRows(first, last), [first, last, entries.regionId, entries.filter]);
  useEffect(() => {
    // A new region or filter starts at the top.
    if (viewport.current) viewport.current.scrollTop = 0;
    setScrollTop(0);
  }, [entries.regionId, entries.filter]);

  const rows = [];
  if (total > 0) for (let i = first; i <= last; i++) rows.push(<Row key={i} index={i} entry={entries.rows.get(i)} now={now} crossTab={crossTab} onView={onView} onDelete={onDelete} />);

  return (
    <section class="entries" data-testid="entries">
      <div class="toolbar">
        <h2>
          Entries of <strong>{regionName}</strong> <span class="count">{entries.total === null ? '' : `(${entries.total}${entries.filter ? ' matching' : ''})`}</span>
        </h2>
        <input type="search" placeholder="Filter keys" value={entries.filter} onInput={(event) => onFilter((event.target as HTMLInputElement).value)} aria-label="Filter keys" />
      </div>
      {!entries.listable ? (
        <p class="empty">{entries.reason}</p>
      ) : (
        <>
          <div class="row head" role="row">
            <span class="key">Key</span>
            <span class="size">Size</span>
            <span class="created">Created</span>
            <span class="age">Age</span>
            <span class="expires">Expires in</span>
            <span class="status">Status</span>
            <span class="lock">Lock</span>
            <span class="by">Created by</span>
            <span class="actions" />
          </div>
          <div class="viewport" ref={viewport} style={{ height: `${Math.min(VIEWPORT_HEIGHT, Math.max(2, total) * ROW_HEIGHT + 2)}px` }} onScroll={(event) => setScrollTop((event.target as HTMLDivElement).scrollTop)}>
            <div class="spacer" style={{ height: `${total * ROW_HEIGHT}px` }}>
              {rows}
            </div>
            {entries.total === 0 && <p class="empty">{entries.filter ? 'No key matches.' : 'No entries.'}</p>}
          </div>
        </>
      )}
    </section>
  );
}
