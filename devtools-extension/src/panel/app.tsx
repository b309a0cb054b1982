/**
 * The panel: header with connection state, the regions, the selected
 * region's entries, a value on demand and the live event log.
 *
 * @module
 */
import type { PanelClient, PanelState } from './client.js';
import { EntriesView } from './entries-view.js';
import { EventLog } from './event-log.js';
import { NotFound } from './not-found.js';
import { RegionsTable } from './regions-table.js';
import { useNow, usePanelState } from './use-panel.js';
import { ValueView } from './value-view.js';
import { LocksView } from './locks-view.js';
import { ErrorsView, LedgerView, StorageView, TabsView } from './origin-views.js';
import { ChartsView } from './charts-view.js';
import type { CrossView } from './client.js';

const VIEWS: Array<[CrossView, string]> = [
  ['locks', 'Locks'],
  ['tabs', 'Tabs'],
  ['ledger', 'Invalidations'],
  ['storage', 'Storage'],
  ['charts', 'Charts'],
  ['errors', 'Errors'],
];

const STATUS_TEXT: Record<PanelState['connection']['state'], string> = {
  connecting: 'connecting…',
  waiting: 'waiting for the page…',
  connected: 'live',
  reloading: 'page reloading…',
  'not-found': 'no cache found',
};

/** The whole panel. */
export function App({ client }: { client: PanelClient }) {
  const state = usePanelState(client);
  const now = useNow();
  const { connection } = state;
  const selected = state.regions.find((r) => r.id === state.selectedRegionId);
  const stale = connection.state !== 'connected';
  const errorCount = state.regions.reduce((n, r) => n + (r.errors?.length ?? 0), 0);
  return (
    <div class={`panel${stale ? ' stale' : ''}`}>
      <header>
        <h1>dogpile-cache</h1>
        <span class="origin" title={state.url ?? undefined} data-testid="origin">
          {state.origin ?? ''}
        </span>
        <span class={`pill state-${connection.state}`} data-testid="connection">
          {STATUS_TEXT[connection.state]}
        </span>
        <button type="button" onClick={() => client.refresh()}>
          Refresh
        </button>
      </header>
      {state.notice && (
        <p class={`notice ${state.notice.ok ? 'ok' : 'bad'}`} role="status" data-testid="notice">
          {state.notice.text}
        </p>
      )}
      {connection.state === 'not-found' ? (
        <NotFound reason={connection.reason} detail={connection.detail} onRetry={() => client.refresh()} />
      ) : connection.state === 'connected' || state.regions.length > 0 ? (
        <main>
          <RegionsTable
            regions={state.regions}
            selectedId={state.selectedRegionId}
            now={now}
            onSelect={(id) => client.selectRegion(id)}
            onInvalidate={(id, hard) => void client.invalidate(id, hard)}
            onClear={(id) => void client.clearRegion(id)}
            onResetStats={(id) => void client.resetStats(id)}
          />
          {selected && state.entries && (
            <EntriesView
              regionName={selected.name ?? selected.id}
              entries={state.entries}
              crossTab={state.crossTab}
              now={now}
              onRows={(first, last) => client.showRows(first, last)}
              onFilter={(filter) => client.setFilter(filter)}
              onSort={(sort) => client.setSort(sort)}
              onStatus={(status) => client.setStatusFilter(status)}
              onView={(key) => void client.showValue(key)}
              onDelete={(key) => void client.deleteEntry(key)}
              onExpire={(key) => void client.expireEntry(key)}
              onRegenerate={(key) => void client.regenerateEntry(key)}
            />
          )}
          {state.value && <ValueView value={state.value} onClose={() => client.closeValue()} />}
          <section class="cross" data-testid="cross">
            <nav class="views" role="tablist">
              {VIEWS.map(([view, label]) => (
                <button key={view} type="button" role="tab" aria-selected={state.view === view} data-view={view} class={state.view === view ? 'active' : undefined} onClick={() => client.setView(view)}>
                  {label}
                  {view === 'errors' && errorCount > 0 ? ` (${errorCount})` : ''}
                </button>
              ))}
            </nav>
            {state.view === 'locks' && <LocksView info={state.crossTab} lanes={state.lanes} regions={state.regions} />}
            {state.view === 'tabs' && <TabsView info={state.crossTab} regions={state.regions} />}
            {state.view === 'ledger' && <LedgerView info={state.crossTab} />}
            {state.view === 'storage' && <StorageView storage={state.storage} regions={state.regions} log={state.log} />}
            {state.view === 'errors' && <ErrorsView regions={state.regions} />}
            {state.view === 'charts' && <ChartsView regions={state.regions} history={state.history} log={state.log} now={now} />}
          </section>
          <EventLog log={state.log} dropped={state.dropped} regions={state.regions} onClear={() => client.clearLog()} />
        </main>
      ) : (
        <p class="empty">Looking for dogpile-cache on the page…</p>
      )}
    </div>
  );
}
