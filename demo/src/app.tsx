import { useEffect, useState } from 'preact/hooks';
import { RegionPanel } from './region-panel.js';
import { ServerPanel } from './server-panel.js';
import { normalizeQuery, type DemoRegion } from './regions.js';
import { tabId } from 'dogpile-cache/browser';
import type { MemoryMirror } from './memory-mirror.js';
import { useRequestCounts } from './use-request-counts.js';

const SUGGESTIONS = ['cache', 'state', 'indexeddb', 'test', 'date', 'http'];

export interface AppProps {
  regions: DemoRegion[];
  mirror: MemoryMirror;
  initialQuery: string | undefined;
  expirationTime: number;
}

export function App({ regions, mirror, initialQuery, expirationTime }: AppProps) {
  const [query, setQuery] = useState(initialQuery);
  const [draft, setDraft] = useState(initialQuery ?? '');
  const [failApi, setFailApi] = useState(false);
  const counts = useRequestCounts(regions);

  // Keep the query in the URL, so "Open another tab" opens the same view.
  useEffect(() => {
    const url = new URL(location.href);
    if (query) url.searchParams.set('q', query);
    else url.searchParams.delete('q');
    history.replaceState(null, '', url);
  }, [query]);

  const search = (text: string) => {
    setDraft(text);
    setQuery(normalizeQuery(text));
  };

  return (
    <div class="app">
      <header class="topbar">
        <div class="brand">
          <img src="/favicon.svg" alt="" width={32} height={32} />
          <div>
            <h1>dogpile-cache</h1>
            <p>Package search · one slow API, three cache regions</p>
          </div>
        </div>
        <div class="server-count" data-testid="server-total" title="Search requests the API server received, from every tab">
          <span>API requests served</span>
          <strong>{counts ? counts.total : '–'}</strong>
          <em class={counts?.inFlight ? 'inflight on' : 'inflight'}>{counts?.inFlight ? `${counts.inFlight} in flight` : 'idle'}</em>
        </div>
        <div class="tab-id" title="This tab's id, as other tabs' regions see it in their remote events">
          tab <code>{tabId()}</code>
        </div>
        <button type="button" class="primary" onClick={() => window.open(location.href, '_blank')}>
          Open another tab ↗
        </button>
      </header>

      <form
        class="search"
        onSubmit={(event) => {
          event.preventDefault();
          search(draft);
        }}
      >
        <input
          type="search"
          aria-label="Search packages"
          placeholder="Search packages…"
          value={draft}
          onInput={(event) => setDraft(event.currentTarget.value)}
        />
        <button type="submit">Search</button>
        <div class="chips" role="group" aria-label="Suggestions">
          {SUGGESTIONS.map((text) => (
            <button type="button" key={text} class={text === query ? 'chip active' : 'chip'} onClick={() => search(text)}>
              {text}
            </button>
          ))}
        </div>
        <label class="toggle" title="The API answers 503 to this tab's next requests">
          <input type="checkbox" checked={failApi} onChange={(event) => setFailApi(event.currentTarget.checked)} />
          Make the API fail
        </label>
      </form>

      <p class="explainer">
        Each column runs <code>useCachedValue(region, "search:{query ?? '…'}", fetchFromApi)</code>: a region's{' '}
        <code>getOrCreate</code> under dogpile's lock. The API takes a moment on purpose; entries expire after{' '}
        {Math.round(expirationTime / 1000)} s. Open a second tab and press the buttons: the shared regions cost one request for
        all tabs, memory one per tab.
      </p>

      <main class="columns">
        {regions.map((demo) => (
          <RegionPanel key={demo.id} demo={demo} query={query} failApi={failApi} counts={counts} mirror={mirror} />
        ))}
      </main>

      <ServerPanel query={query} counts={counts} />

      <footer class="footnote">
        Devtools inspector on: with the dogpile-cache extension loaded (<code>devtools-extension/dist</code>), open DevTools →{' '}
        <b>dogpile-cache</b> to see these three regions, their entries, locks and events.
      </footer>
    </div>
  );
}
