/**
 * The live event log, newest first. Only the newest rows are rendered.
 *
 * @module
 */
import type { EventInfo, RegionInfo } from '../../../src/devtools/protocol.js';
import { useState } from 'preact/hooks';
import { formatClock, formatDuration } from './format.js';

const SHOWN = 200;

function detail(event: EventInfo): string {
  const parts: string[] = [];
  if (event.hard !== undefined) parts.push(event.hard ? 'hard' : 'soft');
  // Name the writer when the change feed says who it was: "which tab wrote this" is the question.
  if (event.remote) parts.push(event.origin ? `from tab ${event.origin}` : 'from another tab');
  if (event.durationMs !== undefined) parts.push(formatDuration(event.durationMs));
  if (event.cached === false) parts.push('not cached');
  if (event.operation) parts.push(`in ${event.operation}`);
  if (event.kind) parts.push(event.kind);
  if (event.message) parts.push(event.message);
  return parts.join(' · ');
}

/** The event log. */
export function EventLog({ log, dropped, regions, onClear }: { log: readonly EventInfo[]; dropped: number; regions: readonly RegionInfo[]; onClear: () => void }) {
  const names = new Map(regions.map((r) => [r.id, r.name ?? r.id]));
  // Paused: the view keeps the events up to the pause; later ones still arrive and are counted.
  const [pausedAt, setPausedAt] = useState<number | null>(null);
  const [type, setType] = useState('');
  const types = [...new Set(log.map((e) => e.type))].sort();
  const visible = log.filter((e) => (pausedAt === null || e.seq <= pausedAt) && (!type || e.type === type));
  const held = pausedAt === null ? 0 : log.filter((e) => e.seq > pausedAt).length;
  const shown = visible.slice(-SHOWN).reverse();
  return (
    <section class="log" data-testid="log">
      <div class="toolbar">
        <h2>
          Events <span class="count">({log.length}{dropped ? `, ${dropped} skipped in bursts` : ''})</span>
        </h2>
        <select aria-label="Event type" data-testid="event-type" value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
          <option value="">all types</option>
          {[...new Set([...types, type].filter(Boolean))].map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <button type="button" data-testid="pause" onClick={() => setPausedAt(pausedAt === null ? (log.at(-1)?.seq ?? 0) : null)}>
          {pausedAt === null ? 'Pause' : `Resume${held ? ` (${held} new)` : ''}`}
        </button>
        <button type="button" onClick={onClear}>
          Clear
        </button>
      </div>
      <div class="log-rows">
        {shown.length === 0 && <p class="empty">Region events appear here as they happen.</p>}
        {shown.map((event) => (
          <div key={event.seq} class={`event type-${event.type}`} data-type={event.type}>
            <span class="time">{formatClock(event.time)}</span>
            <span class="region">{names.get(event.regionId) ?? event.regionId}</span>
            <span class="type">{event.type}</span>
            <span class="key">{event.key ?? ''}</span>
            <span class="detail">{detail(event)}</span>
          </div>
        ))}
      </div>
    </section>
  );
}
