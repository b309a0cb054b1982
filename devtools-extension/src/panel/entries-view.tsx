/**
 * A region's entries as a virtual list: only the rows on screen are
 * rendered and fetched, so regions with thousands of entries stay fast.
 *
 * @module
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CrossTabInfo, EntryInfo, EntrySort, EntryStatus } from '../../../src/devtools/protocol.js';
import { tabLabel } from './tab-label.js';
import type { EntriesView as Entries } from './client.js';
import { formatBytes, formatClock, formatDuration } from './format.js';

const STATUSES: readonly EntryStatus[] = ['fresh', 'expired', 'soft-invalidated', 'hard-invalidated', 'unreadable', 'absent'];
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
  onSort: (sort: EntrySort) => void;
  onStatus: (status: EntryStatus | '') => void;
  onView: (key: string) => void;
  onDelete: (key: string) => void;
  onExpire: (key: string) => void;
  onRegenerate: (key: string) => void;
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

function Row({
  entry,
  index,
  now,
  crossTab,
  onView,
  onDelete,
  onExpire,
  onRegenerate,
}: {
  entry: EntryInfo | undefined;
  index: number;
  now: number;
  crossTab: CrossTabInfo | null;
  onView: (key: string) => void;
  onDelete: (key: string) => void;
  onExpire: (key: string) => void;
  onRegenerate: (key: string) => void;
}) {
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
        <button type="button" disabled={!actionable || entry.expiresAt === null || status !== 'fresh'} onClick={() => onExpire(entry.key)} title="Make it look expired: the next read regenerates it, others get this value meanwhile">
          Expire
        </button>
        <button type="button" disabled={!actionable} onClick={() => onRegenerate(entry.key)} title="Run the creator that made it in this tab again, now, and store its value">
          Regenerate
        </button>
        <button type="button" disabled={!actionable} onClick={() => onDelete(entry.key)}>
          Delete
        </button>
      </span>
    </div>
  );
}

/** The entries of the selected region. */
export function EntriesView({ regionName, entries, crossTab, now, onRows, onFilter, onSort, onStatus, onView, onDelete, onExpire, onRegenerate }: Props) {
  const [scrollTop, setScrollTop] = useState(0);
  const viewport = useRef<HTMLDivElement>(null);
  const total = entries.total ?? 0;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(Math.max(total - 1, 0), Math.ceil((scrollTop + VIEWPORT_HEIGHT) / ROW_HEIGHT) + OVERSCAN);

  useEffect(() => onRows(first, last), [first, last, entries.regionId, entries.filter, entries.order]);
  useEffect(() => {
    // A new region, filter or order starts at the top.
    if (viewport.current) viewport.current.scrollTop = 0;
    setScrollTop(0);
  }, [entries.regionId, entries.filter, entries.order]);
  const { order } = entries;
  const head = (sort: EntrySort, cls: string, label: string) => (
    <span class={`${cls} sortable${order.sort === sort ? ' sorted' : ''}`} data-sort={sort} role="columnheader" aria-sort={order.sort === sort ? (order.desc ? 'descending' : 'ascending') : 'none'} onClick={() => onSort(sort)}>
      {label}
      {order.sort === sort ? (order.desc ? ' ▼' : ' ▲') : ''}
    </span>
  );

  const rows = [];
  if (total > 0) for (let i = first; i <= last; i++) rows.push(<Row key={i} index={i} entry={entries.rows.get(i)} now={now} crossTab={crossTab} onView={onView} onDelete={onDelete} onExpire={onExpire} onRegenerate={onRegenerate} />);

  return (
    <section class="entries" data-testid="entries">
      <div class="toolbar">
        <h2>
          Entries of <strong>{regionName}</strong> <span class="count">{entries.total === null ? '' : `(${entries.total}${entries.filter ? ' matching' : ''})`}</span>
        </h2>
        <span class="filters">
          <select aria-label="Status" data-testid="status-filter" value={order.status} onChange={(event) => onStatus((event.target as HTMLSelectElement).value as EntryStatus | '')}>
            <option value="">all statuses</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
          <input type="search" placeholder="Filter keys" value={entries.filter} onInput={(event) => onFilter((event.target as HTMLInputElement).value)} aria-label="Filter keys" />
        </span>
      </div>
      {entries.listable && entries.reason && <p class="empty">{entries.reason}</p>}
      {!entries.listable ? (
        <p class="empty">{entries.reason}</p>
      ) : (
        <>
          <div class="row head" role="row">
            {head('key', 'key', 'Key')}
            {head('size', 'size', 'Size')}
            {head('created', 'created', 'Created')}
            <span class="age">Age</span>
            <span class="expires">Expires in</span>
            {head('status', 'status', 'Status')}
            <span class="lock">Lock</span>
            {head('origin', 'by', 'Created by')}
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
