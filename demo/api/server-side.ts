/**
 * The demo's server side: several Node processes (`search-process.ts`), each
 * with its own Redis region, behind the demo server's `/api/server/*`
 * routes. It shows what a cache shared by many server processes buys: one
 * upstream request per query for all of them, counted by the slow API.
 *
 * Redis: `DEMO_REDIS_URL` when set; otherwise a private `redis-server` on a
 * free loopback port when the program is installed (`scripts/ensure-redis.sh`
 * installs it); otherwise the routes say why the server side is off.
 *
 * - `GET /api/server/status`: `{ state: 'starting' | 'running' | 'off', reason?, processes: string[], redis? }`
 * - `GET /api/server/search?q=TEXT&process=I`: process I's answer (see `search-process.ts`).
 * - `GET /api/server/ask-all?q=TEXT&per=N`: N requests to every process at
 *   once, sent from here (a browser would queue them, six per host), and
 *   their answers in order.
 * - `POST /api/server/invalidate`: invalidates the region (in every process, through Redis).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { buildNodeScript } from '../../scripts/build-node-script.mjs';
import { startRedisServer, type TestRedisServer } from '../../scripts/redis-server.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '../..');

/** How many server processes the demo runs. */
export const SERVER_PROCESSES = 3;

/** A running server process. */
interface SearchProcess {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
}

type State =
  | { state: 'starting' }
  | { state: 'running'; processes: SearchProcess[]; redis: string }
  | { state: 'off'; reason: string };

/** Builds `search-process.ts` into a Node script (the library from its sources, as the demo uses it). */
function buildProcessScript(): Promise<string> {
  return buildNodeScript({ entry: 'demo/api/search-process.ts', outDir: resolve(root, 'node_modules/.cache/dogpile-demo'), fileName: 'search-process.mjs' });
}

/** Forks one process and resolves with its port once it listens (bounded). */
function startProcess(script: string, name: string, env: Record<string, string>): Promise<SearchProcess> {
  return new Promise((resolvePort, reject) => {
    const child = fork(script, [], { env: { ...process.env, ...env, PROCESS_NAME: name }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`${name} did not start within 15 s`))), 15_000);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolvePort({ name, port: Number(match[1]), child });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited at start (code ${code})`));
    });
  });
}

/** Starts Redis (unless given) and the processes; never rejects: a failure becomes the `off` state. */
async function start(upstream: string, owned: { redis?: TestRedisServer; processes: SearchProcess[] }): Promise<State> {
  let url = process.env.DEMO_REDIS_URL;
  try {
    if (!url) {
      owned.redis = await startRedisServer();
      url = owned.redis.url;
    }
  } catch (error) {
    return { state: 'off', reason: `no Redis: ${(error as Error).message}; set DEMO_REDIS_URL or install redis-server (bash scripts/ensure-redis.sh)` };
  }
  try {
    const script = await buildProcessScript();
    for (let i = 0; i < SERVER_PROCESSES; i++) {
      owned.processes.push(await startProcess(script, `server-${i + 1}`, { REDIS_URL: url, UPSTREAM: upstream }));
    }
    return { state: 'running', processes: owned.processes, redis: url };
  } catch (error) {
    return { state: 'off', reason: `the server processes did not start: ${(error as Error).message}` };
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

/** Forwards the request to `target`'s `path`, streaming the answer back. */
function forward(req: IncomingMessage, res: ServerResponse, target: SearchProcess, path: string): void {
  const upstream = request({ host: '127.0.0.1', port: target.port, path, method: req.method }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (error) => sendJson(res, 502, { process: target.name, error: error.message }));
  upstream.end();
}

/** One process's answer to `path`, as JSON (an `{ error }` object when it fails). */
function ask(target: SearchProcess, path: string): Promise<unknown> {
  return new Promise((resolveAnswer) => {
    const upstream = request({ host: '127.0.0.1', port: target.port, path }, (answer) => {
      let body = '';
      answer.setEncoding('utf8');
      answer.on('data', (chunk: string) => (body += chunk));
      answer.on('end', () => {
        try {
          resolveAnswer(JSON.parse(body));
        } catch {
          resolveAnswer({ process: target.name, error: `unreadable answer (${answer.statusCode})` });
        }
      });
    });
    upstream.on('error', (error) => resolveAnswer({ process: target.name, error: error.message }));
    upstream.end();
  });
}

/** The Vite plugin: starts the server side once the demo server listens, stops it with the server. */
export function serverSide(): Plugin {
  let state: State = { state: 'starting' };
  let ready: Promise<State> | undefined;
  const owned: { redis?: TestRedisServer; processes: SearchProcess[] } = { processes: [] };
  const stop = () => {
    for (const { child } of owned.processes) child.kill('SIGTERM');
    owned.processes = [];
    void owned.redis?.stop();
    owned.redis = undefined;
  };

  const middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/api/server/')) return next();
    void (ready ?? Promise.resolve(state)).then((current) => {
      if (url.pathname === '/api/server/status') {
        if (current.state === 'running') sendJson(res, 200, { state: 'running', processes: current.processes.map((p) => p.name), redis: current.redis });
        else sendJson(res, 200, { ...current, processes: [] });
        return;
      }
      if (current.state !== 'running') {
        sendJson(res, 503, { error: current.state === 'off' ? current.reason : 'starting' });
        return;
      }
      if (url.pathname === '/api/server/search' && req.method === 'GET') {
        const index = Number(url.searchParams.get('process') ?? 0);
        const target = current.processes[index];
        if (!Number.isInteger(index) || !target) {
          sendJson(res, 400, { error: `process must be 0..${current.processes.length - 1}` });
          return;
        }
        forward(req, res, target, `/search?${new URLSearchParams({ q: url.searchParams.get('q') ?? '' })}`);
        return;
      }
      if (url.pathname === '/api/server/ask-all' && req.method === 'GET') {
        const per = Math.min(Math.max(Math.trunc(Number(url.searchParams.get('per') ?? 4)) || 1, 1), 50);
        const path = `/search?${new URLSearchParams({ q: url.searchParams.get('q') ?? '' })}`;
        const asks = current.processes.flatMap((target) => Array.from({ length: per }, () => ask(target, path)));
        void Promise.all(asks).then((answers) => sendJson(res, 200, answers));
        return;
      }
      if (url.pathname === '/api/server/invalidate' && req.method === 'POST') {
        forward(req, res, current.processes[0]!, '/invalidate');
        return;
      }
      sendJson(res, 404, { error: `no such API route: ${req.method} ${url.pathname}` });
    });
  };

  const startWith = (httpServer: import('node:http').Server | null | undefined) => {
    if (!httpServer || process.env.DEMO_SERVER_SIDE === 'off') {
      state = { state: 'off', reason: 'the server side is turned off (DEMO_SERVER_SIDE=off)' };
      return;
    }
    httpServer.once('listening', () => {
      const address = httpServer.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      ready = start(`http://127.0.0.1:${port}`, owned).then((result) => (state = result));
    });
    httpServer.once('close', stop);
    process.once('exit', stop);
  };

  return {
    name: 'dogpile-demo-server-side',
    configureServer(server) {
      server.middlewares.use(middleware);
      startWith(server.httpServer as import('node:http').Server | null);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
      startWith(server.httpServer as import('node:http').Server | null);
    },
  };
}
