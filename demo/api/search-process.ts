/**
 * One process of the demo's server side: an HTTP server whose search
 * results are cached in a Redis region, the same region code the browser
 * runs over IndexedDB. Several of these run at once (see `redis-cluster.ts`);
 * under dogpile's distributed lock they make one upstream request per query
 * between them, however many of them are asked at once.
 *
 * Environment: `REDIS_URL`, `UPSTREAM` (the slow API's origin, whose
 * request counter counts what the processes fetched), `PROCESS_NAME`.
 * It prints `listening <port>` once it serves.
 *
 * Routes: `GET /search?q=TEXT` answers `{ process, outcome, tookMs, result }`
 * (`outcome`: `created` when this process ran the creator, `cached` when it
 * was served from Redis, after waiting for another process or not);
 * `POST /invalidate` invalidates the region in every process.
 */
import { createServer } from 'node:http';
import { makeRegion } from 'dogpile-cache';
import 'dogpile-cache/redis';

const { REDIS_URL, UPSTREAM, PROCESS_NAME = `process-${process.pid}` } = process.env;
if (!REDIS_URL || !UPSTREAM) throw new Error('search-process: REDIS_URL and UPSTREAM are required');

/** The region: the same configuration a browser tab would use, on Redis. */
const region = makeRegion({ name: 'server-search' }).configure('redis', {
  expirationTime: 60_000,
  arguments: { url: REDIS_URL, prefix: 'dogpile-demo:', whenUnavailable: 'create' },
});

async function fetchUpstream(query: string): Promise<unknown> {
  const response = await fetch(`${UPSTREAM}/api/search?${new URLSearchParams({ q: query, source: 'server' })}`);
  if (!response.ok) throw new Error(`The search API answered ${response.status}`);
  return response.json();
}

function send(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/search') {
    const query = (url.searchParams.get('q') ?? '').trim().toLowerCase().slice(0, 100);
    const started = Date.now();
    let created = false;
    region
      .getOrCreate(`search:${query}`, () => {
        created = true;
        return fetchUpstream(query);
      })
      .then(
        (result) => send(res, 200, { process: PROCESS_NAME, pid: process.pid, outcome: created ? 'created' : 'cached', tookMs: Date.now() - started, result }),
        (error: unknown) => send(res, 502, { process: PROCESS_NAME, pid: process.pid, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
      );
    return;
  }
  if (req.method === 'POST' && url.pathname === '/invalidate') {
    region.invalidate().then(
      () => send(res, 200, { process: PROCESS_NAME, invalidated: true }),
      (error: unknown) => send(res, 502, { process: PROCESS_NAME, error: String(error) }),
    );
    return;
  }
  send(res, 404, { error: `no such route: ${req.method} ${url.pathname}` });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});

// The parent stops this process with SIGTERM, or by going away (IPC disconnect).
const shutdown = () => {
  server.close();
  region.close();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('disconnect', shutdown);
