/**
 * The regions of the inspected page: backend, expiration, entries,
 * invalidation state and counters, with invalidate actions.
 *
 * @module
 */
import type { RegionInfo } from '../../../src/devtools/protocol.js';
import { formatDuration, formatExpiration } from './format.js';

interface Props {
  regions: readonly RegionInfo[];
  selectedId: string | null;
  now: number;
  onSelect: (id: string) => void;
  onInvalidate: (id: string, hard: boolean) => void;
  onClear: (id: string) => void;
  onResetStats: (id: string) => void;
}

function invalidationText(region: RegionInfo, now: number): string {
  const { state, at } = region.invalidation;
  if (state === 'none') return 'none';
  return at === null ? state : `${state}, ${formatDuration(now - at)} ago`;
}

/** One row per region. */
export function RegionsTable({ regions, selectedId, now, onSelect, onInvalidate, onClear, onResetStats }: Props) {
  if (regions.length === 0) {
    return <p class="empty">The inspector runs, but no region is registered yet (call <code>inspect(region)</code>).</p>;
  }
  return (
    <table class="regions" data-testid="regions">
      <thead>
        <tr>
          <th>Region</th>
          <th>Backend</th>
          <th>Expires after</th>
          <th class="num">Entries</th>
          <th>Invalidated</th>
          <th class="num" title="hits">Hits</th>
          <th class="num" title="misses">Misses</th>
          <th class="num" title="creator runs">Created</th>
          <th class="num" title="callers that waited for another's creator">Waits</th>
          <th class="num" title="creations saved: callers served another caller's or another tab's value instead of running the creator (waits), plus stale values served while one caller regenerated">Saved</th>
          <th class="num" title="stale values served while regenerating">Stale</th>
          <th class="num" title="absorbed faults">Errors</th>
          <th>Actions</th>
        </tr>
      </thead>
      <tbody>
        {regions.map((region) => (
          <tr
            key={region.id}
            class={region.id === selectedId ? 'selected' : undefined}
            data-region={region.name ?? region.id}
            onClick={() => onSelect(region.id)}
          >
            <td class="name">{region.name ?? <em>unnamed ({region.id})</em>}</td>
            <td class="backend">{region.configured ? region.backend.join(' → ') : <em>not configured</em>}</td>
            <td>{formatExpiration(region.expirationTime)}</td>
            <td class="num" data-cell="entries">
              {region.entryCount ?? '?'}
            </td>
            <td class={`inv inv-${region.invalidation.state}`} data-cell="invalidation">
              {invalidationText(region, now)}
            </td>
            <td class="num" data-cell="hits">{region.stats.hits}</td>
            <td class="num" data-cell="misses">{region.stats.misses}</td>
            <td class="num" data-cell="creations">{region.stats.creations}</td>
            <td class="num" data-cell="waits">{region.stats.waits}</td>
            <td class="num" data-cell="saved">{region.stats.waits + region.stats.staleServed}</td>
            <td class="num" data-cell="stale">{region.stats.staleServed}</td>
            <td class={`num${region.stats.errors ? ' bad' : ''}`} data-cell="errors">
              {region.stats.errors}
            </td>
            <td class="actions" onClick={(event) => event.stopPropagation()}>
              <button type="button" onClick={() => onInvalidate(region.id, true)} disabled={!region.configured} title="Values look absent: the next read regenerates">
                Hard
              </button>
              <button
                type="button"
                onClick={() => onInvalidate(region.id, false)}
                disabled={!region.configured || region.expirationTime === null}
                title={region.expirationTime === null ? 'Soft invalidation needs an expiration time' : 'Values look expired: served stale while one caller regenerates'}
              >
                Soft
              </button>
              <button type="button" data-action="clear" onClick={() => onClear(region.id)} disabled={!region.configured} title="Remove every entry of the region, for every tab">
                Clear
              </button>
              <button type="button" data-action="reset-stats" onClick={() => onResetStats(region.id)} title="Set the counters back to zero">
                Reset stats
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
