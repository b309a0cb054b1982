/**
 * Starts and stops a private redis-server (for the tests, the bench and the demo): a loopback port
 * picked free at start, no persistence, no system service.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

/** A port the kernel says is free on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on `port` (bounded). */
async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A running test server. */
export interface TestRedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL after 2 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Whether it is running (started and not stopped). */
  readonly running: boolean;
}

/** Starts redis-server on a free loopback port (or `port`). */
export async function startRedisServer(port?: number): Promise<TestRedisServer> {
  const chosen = port ?? (await freePort());
  let child: ChildProcess | undefined;
  const start = async () => {
    const proc = spawn(
      process.env.REDIS_SERVER ?? 'redis-server',
      ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child = proc;
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (error) => reject(new Error(`could not start redis-server (run scripts/ensure-redis.sh): ${error.message}`)));
      proc.once('exit', (code) => reject(new Error(`redis-server exited at start (code ${code})`)));
    });
    failed.catch(() => {});
    await Promise.race([waitForPort(chosen, 10_000), failed]);
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    stop,
    start,
    get running() {
      return child !== undefined && child.exitCode === null;
    },
  };
}
