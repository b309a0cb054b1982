/**
 * The demo's deliberately slow local API, served by the Vite server itself
 * (dev and preview), with a server-side count of the requests it received:
 *
 * - `GET /api/search?q=TEXT&source=REGION[&fail=1]`: matching packages, after
 *   `delayMs` (default 800 ms; `DEMO_API_DELAY_MS`); `fail=1` answers 503.
 * - `GET /api/requests`: the counts ({@link RequestCounts}).
 * - `POST /api/requests/reset`: sets them back to zero.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';
import { searchCatalog } from './catalog.js';
import { RequestCounter } from './request-counter.js';

export interface SlowApiOptions {
  /** How long a search takes, ms. */
  delayMs?: number;
}

const SOURCE = /^[a-z][a-z0-9-]{0,31}$/;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  // Every request must reach the server: the counts are the point.
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

/** The API as a Connect middleware (exported for tests). */
export function slowApiMiddleware(counter: RequestCounter, delayMs: number) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/api/')) {
      next();
      return;
    }
    if (url.pathname === '/api/requests' && req.method === 'GET') {
      sendJson(res, 200, counter.snapshot());
      return;
    }
    if (url.pathname === '/api/requests/reset' && req.method === 'POST') {
      counter.reset();
      sendJson(res, 200, counter.snapshot());
      return;
    }
    if (url.pathname === '/api/search' && req.method === 'GET') {
      const query = (url.searchParams.get('q') ?? '').trim().toLowerCase().slice(0, 100);
      const source = url.searchParams.get('source') ?? 'unknown';
      if (!SOURCE.test(source)) {
        sendJson(res, 400, { error: 'source must be a short lowercase name' });
        return;
      }
      const fail = url.searchParams.get('fail') === '1';
      const done = counter.start(source, query);
      const started = Date.now();
      const timer = setTimeout(() => {
        done();
        if (fail) {
          sendJson(res, 503, { error: 'The search service is unavailable (simulated).' });
          return;
        }
        const results = searchCatalog(query);
        sendJson(res, 200, { query, total: results.length, results: results.slice(0, 8), servedAt: Date.now(), tookMs: Date.now() - started });
      }, delayMs);
      res.on('close', () => {
        clearTimeout(timer);
        done();
      });
      return;
    }
    sendJson(res, 404, { error: `no such API route: ${req.method} ${url.pathname}` });
  };
}

/** The Vite plugin that serves the API in `vite` (dev) and `vite preview`. */
export function slowApi(options: SlowApiOptions = {}): Plugin {
  const delayMs = options.delayMs ?? (Number(process.env.DEMO_API_DELAY_MS) || 800);
  const counter = new RequestCounter();
  const middleware = slowApiMiddleware(counter, delayMs);
  return {
    name: 'dogpile-demo-slow-api',
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}
