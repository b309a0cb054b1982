/**
 * The origin-wide views: the live tabs and workers, the invalidation
 * ledger and storage use.
 *
 * @module
 */
import type { CrossTabInfo, EventInfo, RegionInfo, StorageInfo } from '../../../src/devtools/protocol.js';
import { formatBytes, formatClock, formatDuration } from './format.js';
import { tabLabel } from './tab-label.js';

/** Tabs and workers of the origin, as their inspectors announce themselves and their locks show them. */
export function TabsView({ info, regions }: { info: CrossTabInfo | null; regions: readonly RegionInfo[] }) {
  if (!info) return <p class="empty">Asking the page for the origin's tabs…</p>;
  const known = new Set(info.peers.map((p) => p.clientId).filter(Boolean));
  const unknown = [...new Set(info.locks.map((l) => l.clientId).filter((id) => id && !known.has(id)))];
  const hosted = regions.filter((r) => r.backend[0] === 'SharedWorker' || r.backend[0] === 'Worker');
  return (
    <section data-testid="tabs">
      <table class="grid">
        <thead>
          <tr>
            <th>Tab / worker</th>
            <th>Kind</th>
            <th>State</th>
            <th title="per region: creator runs here, callers that waited for another's creator (in any tab), hits">Work per region</th>
            <th>Page</th>
            <th>Reports</th>
          </tr>
        </thead>
        <tbody>
          {info.peers.map((peer) => (
            <tr key={peer.originId} data-origin={peer.originId} class={peer.self ? 'selected' : undefined}>
              <td class="mono" title={peer.clientId ? `browser client ${peer.clientId}` : 'no lifetime lock seen'}>
                {tabLabel(peer.originId, info)}
              </td>
              <td>{peer.kind}</td>
              <td data-cell="state">{peer.frozen ? 'frozen' : peer.visibility}</td>
              <td data-cell="work">
                {peer.regions.length === 0
                  ? '—'
                  : peer.regions.map((name, i) => {
                      const work = peer.work[i];
                      return (
                        <div key={`${name}-${i}`} data-region={name} data-creations={work?.creations ?? ''} data-waits={work?.waits ?? ''}>
                          <strong>{name}</strong>
                          {work && ` ${work.creations} created · ${work.waits} waited · ${work.hits} hits · ${work.misses} misses`}
                        </div>
                      );
                    })}
              </td>
              <td class="mono">{peer.path}</td>
              <td data-cell="listening">{peer.self ? 'inspected' : peer.listening ? 'listening' : `last heard ${formatDuration(info.time - peer.seen)} ago`}</td>
            </tr>
          ))}
          {unknown.map((clientId) => (
            <tr key={clientId} data-client={clientId}>
              <td class="mono">{tabLabel(null, info, clientId)}</td>
              <td>?</td>
              <td>holds or waits for cache locks</td>
              <td>—</td>
              <td>—</td>
              <td>—</td>
            </tr>
          ))}
        </tbody>
      </table>
      {hosted.length > 0 && (
        <p class="empty" data-testid="worker-host">
          Hosted in a {hosted[0]!.backend[0]}: {hosted.map((r) => r.name ?? r.id).join(', ')} (its locks show as a client without an inspector).
        </p>
      )}
    </section>
  );
}

/** Each invalidation, who issued it, and when each tab received it. */
export function LedgerView({ info }: { info: CrossTabInfo | null }) {
  if (!info) return <p class="empty">Asking the page for the invalidation ledger…</p>;
  const others = info.peers.filter((p) => !p.self);
  if (info.ledger.length === 0) {
    return <p class="empty" data-testid="ledger">No invalidation since the panel opened. Tabs report theirs while a panel watches ({others.length} other tab(s) heard).</p>;
  }
  return (
    <section data-testid="ledger">
      <table class="grid">
        <thead>
          <tr>
            <th>When</th>
            <th>Region</th>
            <th>Kind</th>
            <th>Issued by</th>
            <th>Received by</th>
          </tr>
        </thead>
        <tbody>
          {[...info.ledger].reverse().map((entry) => {
            const missing = info.peers.filter((p) => p.originId !== entry.issuer && p.regions.includes(entry.region) && !entry.received.some((r) => r.originId === p.originId));
            return (
              <tr key={`${entry.region}-${entry.at}-${entry.hard}`} data-region={entry.region} data-kind={entry.hard ? 'hard' : 'soft'}>
                <td>{formatClock(entry.at)}</td>
                <td>{entry.region}</td>
                <td class={entry.hard ? 'inv-hard' : 'inv-soft'}>{entry.hard ? 'hard' : 'soft'}</td>
                <td data-cell="issuer" data-origin={entry.issuer ?? ''}>
                  {entry.issuer ? tabLabel(entry.issuer, info) : 'not heard (a tab without inspector, or before the panel watched)'}
                </td>
                <td data-cell="received">
                  {entry.received.map((r) => (
                    <div key={r.originId} class="receipt" data-origin={r.originId}>
                      {tabLabel(r.originId, info)} after {formatDuration(r.time - (entry.issuedTime ?? entry.at))}
                    </div>
                  ))}
                  {missing.map((p) => (
                    <div key={p.originId} class="receipt bad" data-missing={p.originId}>
                      {tabLabel(p.originId, info)}: not received yet
                    </div>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** Bytes per region and backend, where entries live, the origin's quota. */
export function StorageView({ storage, regions, log }: { storage: StorageInfo | null; regions: readonly RegionInfo[]; log: readonly EventInfo[] }) {
  if (!storage) return <p class="empty">Measuring storage…</p>;
  // Evictions and quota faults the backends reported (notices), and writes refused for room (errors).
  const pressure = log.filter((e) => (e.type === 'notice' && /evict|quota/i.test(e.kind ?? '')) || (e.type === 'error' && /quota/i.test(e.message ?? ''))).slice(-20);
  const name = (id: string) => regions.find((r) => r.id === id)?.name ?? id;
  const pct = storage.usage !== null && storage.quota ? ` (${((storage.usage / storage.quota) * 100).toFixed(3)} %)` : '';
  return (
    <section data-testid="storage">
      <p data-testid="estimate">
        Origin storage: <strong data-cell="usage">{formatBytes(storage.usage)}</strong> used of {formatBytes(storage.quota)}
        {pct} · persisted: <span data-cell="persisted">{storage.persisted === null ? 'unknown' : storage.persisted ? 'yes' : 'no (the browser may evict it under pressure)'}</span>
      </p>
      <table class="grid">
        <thead>
          <tr>
            <th>Region</th>
            <th>Backend</th>
            <th class="num">Entries</th>
            <th class="num">Bytes</th>
            <th>Where</th>
          </tr>
        </thead>
        <tbody>
          {storage.regions.map((r) => (
            <tr key={r.regionId} data-region={name(r.regionId)}>
              <td>{name(r.regionId)}</td>
              <td>{r.backend}</td>
              <td class="num">{r.entries ?? '?'}</td>
              <td class="num" data-cell="bytes" data-bytes={r.bytes ?? ''}>
                {formatBytes(r.bytes, r.capped)}
              </td>
              <td class="mono">{r.details.map(([k, v]) => `${k}: ${v}`).join(' · ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Evictions and quota</h2>
      {pressure.length === 0 ? (
        <p class="empty" data-testid="pressure">No eviction or quota event since the panel opened.</p>
      ) : (
        <ul class="pressure" data-testid="pressure">
          {pressure.map((e) => (
            <li key={e.seq} data-kind={e.kind ?? e.type}>
              {formatClock(e.time)} · {regions.find((r) => r.id === e.regionId)?.name ?? e.regionId} · {e.kind ?? e.operation} · {e.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The last faults each region absorbed, kept by the region before the panel opened too. */
export function ErrorsView({ regions }: { regions: readonly RegionInfo[] }) {
  const rows = regions.flatMap((region) => (region.errors ?? []).map((error, i) => ({ region, error, i }))).sort((a, b) => b.error.time - a.error.time);
  if (rows.length === 0) return <p class="empty" data-testid="errors">No region has absorbed a fault (a failed write, an unreadable entry, a creator that threw).</p>;
  return (
    <section data-testid="errors">
      {rows.map(({ region, error, i }) => (
        <details key={`${region.id}-${i}-${error.time}`} class="error-row" data-region={region.name ?? region.id} data-operation={error.operation}>
          <summary>
            <span class="mono">{formatClock(error.time)}</span> · <strong>{region.name ?? region.id}</strong> · in {error.operation}
            {error.key !== null && (
              <>
                {' '}
                · key <code>{error.key}</code>
              </>
            )}{' '}
            · <span class="bad">{error.message}</span>
          </summary>
          <pre>{error.stack ?? 'No stack.'}</pre>
        </details>
      ))}
    </section>
  );
}
