import { useEffect, useState } from 'preact/hooks';
import {
  fetchServerSideStatus,
  invalidateOnServer,
  searchOnEveryServer,
  type RequestCounts,
  type ServerSearchAnswer,
  type ServerSideStatus,
} from './api-client.js';

/** Requests sent to each server process per press of the button. */
const REQUESTS_PER_PROCESS = 4;

export interface ServerPanelProps {
  query: string | undefined;
  counts: RequestCounts | undefined;
}

/**
 * The server side: several Node processes, one Redis region between them.
 * The button asks every process at once; the slow API's own counter shows
 * how many upstream requests they made together.
 */
export function ServerPanel({ query, counts }: ServerPanelProps) {
  const [status, setStatus] = useState<ServerSideStatus>();
  const [answers, setAnswers] = useState<(ServerSearchAnswer | { process?: string; error: string })[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      const next = await fetchServerSideStatus().catch((error: Error) => ({ state: 'off', reason: error.message, processes: [] }) as ServerSideStatus);
      if (stopped) return;
      setStatus(next);
      if (next.state === 'starting') timer = setTimeout(poll, 500);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  const askAll = async () => {
    if (!query || status?.state !== 'running') return;
    setBusy(true);
    try {
      setAnswers(await searchOnEveryServer(query, REQUESTS_PER_PROCESS).catch((error: Error) => [{ error: error.message }]));
    } finally {
      setBusy(false);
    }
  };
  const invalidate = async () => {
    setBusy(true);
    try {
      await invalidateOnServer();
      setAnswers([]);
    } finally {
      setBusy(false);
    }
  };

  const upstream = counts?.bySource.server ?? 0;
  const upstreamForQuery = query === undefined ? 0 : (counts?.byQuery[`server|${query}`] ?? 0);
  const created = answers.filter((a) => 'outcome' in a && a.outcome === 'created').length;

  return (
    <section class="panel server-panel" data-testid="server-panel" data-state={status?.state ?? 'starting'}>
      <header class="panel-head">
        <h2>Server side: {status?.processes.length || 3} Node processes, one Redis region</h2>
      </header>
      <p class="blurb">
        The same <code>makeRegion().configure(…)</code> code on the server, with the <code>redis</code> backend: the processes share
        entries, dogpile's lock and invalidation through Redis, so however many of them are asked at once, one of them calls the API.
      </p>
      {status?.state === 'off' ? (
        <p class="server-off" data-testid="server-off">
          Off: {status.reason}
        </p>
      ) : status?.state !== 'running' ? (
        <p>Starting Redis and the server processes…</p>
      ) : (
        <>
          <div class="actions">
            <button type="button" class="primary" disabled={busy || !query} onClick={askAll} data-testid="server-ask">
              Ask every process at once ({status.processes.length} × {REQUESTS_PER_PROCESS} requests)
            </button>
            <button type="button" disabled={busy} onClick={invalidate} data-testid="server-invalidate">
              Invalidate on the server
            </button>
          </div>
          <p class="server-figures">
            API requests from the server side: <strong data-testid="server-upstream">{upstream}</strong>
            {query ? (
              <>
                {' '}
                (for “{query}”: <strong data-testid="server-upstream-query">{upstreamForQuery}</strong>)
              </>
            ) : null}
            {answers.length ? (
              <>
                {' '}
                · last press: {answers.length} answers, <strong data-testid="server-created">{created}</strong> created
              </>
            ) : null}
          </p>
          <ul class="server-answers" data-testid="server-answers">
            {answers.map((answer, i) =>
              'error' in answer ? (
                <li key={i} class="error">
                  {answer.error}
                </li>
              ) : (
                <li key={i} data-outcome={answer.outcome} data-process={answer.process}>
                  <code>{answer.process}</code> {answer.outcome === 'created' ? 'called the API' : 'served from Redis'} in {answer.tookMs} ms
                </li>
              ),
            )}
          </ul>
        </>
      )}
    </section>
  );
}
