/**
 * Locks: the library's Web Locks held or waited for right now in any tab or
 * worker of the origin (keys without an entry included), and the timeline:
 * one lane per client, each request drawn from requested (waiting) through
 * granted (held) to released.
 *
 * @module
 */
import type { CrossTabInfo, LockInfo, LockTimeoutInfo, RegionInfo } from '../../../src/devtools/protocol.js';
import type { Lane, LockSpan } from './lock-timeline.js';
import { IN_PROCESS_CLIENT, start } from './lock-timeline.js';
import { formatClock, formatDuration } from './format.js';
import { originOfClient, tabLabel } from './tab-label.js';

/** A holder keeping a key's lock longer than this is flagged. */
export const LONG_HOLD_MS = 5000;
/** The timeline shows at most this much history, and at least MIN_WINDOW_MS. */
const WINDOW_MS = 60_000;
const MIN_WINDOW_MS = 10_000;

interface Props {
  info: CrossTabInfo | null;
  lanes: readonly Lane[];
  regions: readonly RegionInfo[];
}

function regionName(regions: readonly RegionInfo[], id: string | null): string {
  if (id === null) return '?';
  return regions.find((r) => r.id === id)?.name ?? id;
}

function keyOf(lock: { key: string | null; name: string }): string {
  return lock.key ?? lock.name;
}

/** Locks grouped by name: who holds, who waits. */
function CurrentLocks({ info, regions, lanes }: { info: CrossTabInfo; regions: readonly RegionInfo[]; lanes: readonly Lane[] }) {
  const byName = new Map<string, LockInfo[]>();
  for (const lock of info.locks) {
    let list = byName.get(lock.name);
    if (!list) byName.set(lock.name, (list = []));
    list.push(lock);
  }
  if (byName.size === 0) return <p class="empty" data-testid="no-locks">No cache lock is held or awaited in any tab right now.</p>;
  const label = (lock: LockInfo) => tabLabel(originOfClient(info, lock.clientId), info, lock.clientId);
  return (
    <table class="grid" data-testid="current-locks">
      <thead>
        <tr>
          <th>Key</th>
          <th>Region</th>
          <th>Held by</th>
          <th>Held for</th>
          <th>Waiting</th>
        </tr>
      </thead>
      <tbody>
        {[...byName].map(([name, locks]) => {
          const first = locks[0]!;
          const held = locks.filter((l) => l.state === 'held' && l.mode === 'exclusive');
          const waiting = locks.filter((l) => l.state === 'pending' || l.mode === 'shared');
          // When the holder got it, as far as the panel saw (the timeline's open span).
          const since = held
            .map((l) => lanes.find((lane) => lane.clientId === l.clientId)?.spans.find((span) => span.name === name && span.released === null && span.granted !== null)?.granted)
            .find((t): t is number => typeof t === 'number');
          const heldFor = since === undefined ? null : info.time - since;
          return (
            <tr key={name} data-key={keyOf(first)} title={name}>
              <td class="mono">{keyOf(first)}</td>
              <td>{regionName(regions, first.regionId)}</td>
              <td data-cell="holder">{held.map(label).join(', ') || '—'}</td>
              <td data-cell="held-for" class={heldFor !== null && heldFor > LONG_HOLD_MS ? 'bad' : undefined}>
                {heldFor === null ? '—' : `${formatDuration(heldFor)}${heldFor > LONG_HOLD_MS ? ' (long)' : ''}`}
              </td>
              <td data-cell="waiting">{waiting.map((l) => `${label(l)}${l.mode === 'shared' ? ' (to read the value)' : ''}`).join(', ') || '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function spanState(span: LockSpan): 'held' | 'waiting' | 'released' | 'passed' {
  if (span.released === null) return span.granted === null ? 'waiting' : 'held';
  return span.granted === null ? 'passed' : 'released';
}

function spanTitle(span: LockSpan, now: number): string {
  const parts = [`${span.key ?? span.name}${span.mode === 'shared' ? ' (read wait)' : ''}`];
  if (span.requested !== null) parts.push(`requested ${formatClock(span.requested)}`);
  else parts.push('requested before the panel looked');
  if (span.granted !== null) parts.push(`granted ${formatClock(span.granted)}${span.requested !== null ? ` after ${formatDuration(span.granted - span.requested)}` : ''}`);
  if (span.released !== null) parts.push(span.granted === null ? `gone ${formatClock(span.released)} (granted and released between two looks, or given up)` : `released ${formatClock(span.released)}, held ${formatDuration(span.released - span.granted)}`);
  else if (span.granted !== null) parts.push(`held for ${formatDuration(now - span.granted)}`);
  else if (span.requested !== null) parts.push(`waiting for ${formatDuration(now - span.requested)}`);
  return parts.join(' · ');
}

/** One lane: a row per key, bars for waiting and holding. */
function LaneRow({ lane, info, now, t0, timeouts }: { lane: Lane; info: CrossTabInfo; now: number; t0: number; timeouts: readonly LockTimeoutInfo[] }) {
  const range = Math.max(1, now - t0);
  const x = (t: number) => `${Math.max(0, Math.min(100, ((t - t0) / range) * 100))}%`;
  const w = (a: number, b: number) => `max(2px, ${Math.max(0, Math.min(100, ((Math.min(b, now) - Math.max(a, t0)) / range) * 100))}%)`;
  // A timeout gets its key's track even when no poll of the locks caught the wait that timed out.
  const keys = [...new Set([...lane.spans.map((s) => keyOf(s)), ...timeouts.filter((e) => e.time >= t0).map((e) => e.key)])];
  const label = lane.clientId === IN_PROCESS_CLIENT ? `${tabLabel(lane.originId, info)} · in-process locks` : tabLabel(lane.originId, info, lane.clientId);
  const open = lane.spans.filter((s) => s.released === null);
  return (
    <div class={`lane${lane.self ? ' self' : ''}`} data-testid="lane" data-origin={lane.originId ?? ''} data-client={lane.clientId}>
      <div class="lane-label" title={`browser client ${lane.clientId || '(not reported)'}`}>
        {label}
        <span class="count">
          {' '}
          {open.some((s) => s.granted !== null) ? 'holding' : open.length ? 'waiting' : 'idle'}
        </span>
      </div>
      <div class="lane-keys">
        {keys.map((key) => (
          <div class="track" key={key} data-key={key}>
            <span class="track-key">{key}</span>
            <div class="track-area">
            {lane.spans
              .filter((s) => keyOf(s) === key && (s.released ?? now) >= t0)
              .map((span) => {
                const state = spanState(span);
                const long = span.granted !== null && (span.released ?? now) - span.granted > LONG_HOLD_MS;
                const begin = start(span);
                const grant = span.granted ?? span.released ?? now;
                return (
                  <span key={span.id} class={`span state-${state}${long ? ' long' : ''}`} data-state={state} data-key={key} data-long={long ? 'true' : undefined} title={spanTitle(span, now)}>
                    {span.requested !== null && grant > span.requested && <span class="bar wait" style={{ left: x(span.requested), width: w(span.requested, grant) }} />}
                    {span.granted !== null && <span class="bar hold" style={{ left: x(span.granted), width: w(span.granted, span.released ?? now) }} />}
                    {span.granted === null && span.requested === null && <span class="bar passed" style={{ left: x(begin), width: '2px' }} />}
                  </span>
                );
              })}
            {timeouts
              .filter((e) => e.key === key && e.time >= t0)
              .map((e, i) => (
                <span key={`t${i}-${e.time}`} class="marker timeout" data-testid="timeout" style={{ left: x(e.time) }} title={`lock timeout after ${formatDuration(e.waitedMs)}: created the value itself`}>
                </span>
              ))}
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}

/** The locks view. */
export function LocksView({ info, lanes, regions }: Props) {
  if (!info) return <p class="empty">Asking the page for the origin's locks…</p>;
  if (!info.locksAvailable) return <p class="empty">This page has no Web Locks (insecure context or old browser): creation is locked per tab only, so there is nothing to show across tabs.</p>;
  const now = info.time;
  // Zoom to the recent activity: from the oldest span still in the window, at least 10 s.
  const oldest = Math.min(now, ...lanes.flatMap((lane) => lane.spans.filter((s) => (s.released ?? now) >= now - WINDOW_MS).map(start)));
  const t0 = now - Math.min(WINDOW_MS, Math.max(MIN_WINDOW_MS, now - oldest + 1000));
  // Timeouts are reported by each tab's inspector (the others' while this panel watches).
  const timeouts = info.timeouts;
  const timeoutsOf = (lane: Lane) => timeouts.filter((t) => t.originId === lane.originId);
  const shown = lanes.filter((lane) => lane.spans.some((s) => (s.released ?? now) >= t0));
  // A tab whose only lock activity was a wait too short for any poll to catch still gets a lane for its timeouts.
  for (const origin of new Set(timeouts.filter((t) => t.time >= t0).map((t) => t.originId))) {
    if (!shown.some((lane) => lane.originId === origin)) shown.push({ clientId: `timeouts:${origin}`, originId: origin, self: origin === info.selfOrigin, spans: [] });
  }
  return (
    <section class="locks" data-testid="locks">
      <h2>Locks now</h2>
      <CurrentLocks info={info} regions={regions} lanes={lanes} />
      <div class="toolbar">
        <h2>
          Lock timeline <span class="count">(last {formatDuration(now - t0)}, one lane per tab or worker; hatched: waiting, green: holding, red: held over {formatDuration(LONG_HOLD_MS)}, red tick: a lock timeout here)</span>
        </h2>
      </div>
      <div class="timeline" data-testid="timeline">
        <div class="axis">
          <span>−{formatDuration(now - t0)}</span>
          <span>{formatClock(now)}</span>
        </div>
        {shown.length === 0 && <p class="empty">No lock was taken in the last minute.</p>}
        {shown.map((lane) => (
          <LaneRow key={lane.clientId} lane={lane} info={info} now={now} t0={t0} timeouts={timeoutsOf(lane)} />
        ))}
      </div>
    </section>
  );
}
