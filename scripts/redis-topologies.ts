/**
 * Starts and stops the Redis deployments beyond one server, for the tests
 * and the bench: a cluster of primaries, and a primary with a replica
 * watched by Sentinels. Every process listens on a free loopback port, keeps
 * its files in a temporary folder (removed on stop) and is killed when this
 * process exits, whatever happens. Readiness is polled from the servers
 * (cluster state, Sentinel quorum), never assumed after a fixed sleep.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './redis-server.js';

const run = promisify(execFile);
const serverBin = () => process.env.REDIS_SERVER ?? 'redis-server';
const cliBin = () => process.env.REDIS_CLI ?? 'redis-cli';

/** Every process started here, killed when this process ends (normally, or by SIGINT/SIGTERM) if still running. */
const live = new Set<ChildProcess>();
const killAll = () => live.forEach((proc) => proc.kill('SIGKILL'));
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    // Handled once: the signal's own effect (or another handler's) follows.
    process.kill(process.pid, signal);
  });
}

/**
 * Crashes the server on `port` (SIGKILL: nothing flushed, unreplicated
 * writes lost), from any process: its pid is read from the server. Resolves
 * once it no longer answers.
 */
export async function crash(port: number): Promise<void> {
  const pid = Number((await cli(port, 'INFO', 'server')).match(/process_id:(\d+)/)?.[1]);
  if (!pid) throw new Error(`no redis-server answers on port ${port}`);
  process.kill(pid, 'SIGKILL');
  await until(async () => (await cli(port, 'PING')).trim() !== 'PONG', `the server on port ${port} to stop`, 10_000);
}

/** Resolves once every Sentinel on `sentinelPorts` names the server on `port` as the primary of `name`. */
export function promoted(name: string, sentinelPorts: number[], port: number, timeoutMs = 30_000): Promise<void> {
  const named = async (sentinel: number) => (await cli(sentinel, 'SENTINEL', 'get-master-addr-by-name', name)).trim().split('\n')[1];
  return until(async () => (await Promise.all(sentinelPorts.map(named))).every((answer) => answer === String(port)), `the Sentinels to promote port ${port}`, timeoutMs);
}

/** Runs redis-cli against `port`; resolves with its output ('' when it failed). */
export async function cli(port: number, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(cliBin(), ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5_000 });
    return stdout;
  } catch {
    return '';
  }
}

/** Polls `check` every 50 ms until it holds; rejects after `timeoutMs` with `what`. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One redis-server (or Sentinel) process. */
class Node {
  proc: ChildProcess | undefined;
  constructor(
    readonly port: number,
    readonly args: string[],
  ) {}

  async start(): Promise<void> {
    const proc = spawn(serverBin(), this.args, { stdio: ['ignore', 'ignore', 'inherit'] });
    this.proc = proc;
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (error) => reject(new Error(`could not start redis-server (run scripts/ensure-redis.sh): ${error.message}`)));
      proc.once('exit', (code) => reject(new Error(`redis-server on port ${this.port} exited at start (code ${code})`)));
    });
    failed.catch(() => {});
    await Promise.race([until(async () => (await cli(this.port, 'PING')).trim() === 'PONG', `redis on port ${this.port}`, 15_000), failed]);
  }

  /** Kills the process (SIGKILL: a crash, nothing flushed) and waits for it to exit. */
  async kill(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  }
}

const common = (port: number, dir: string) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];

/** A running cluster. */
export interface TestRedisCluster {
  /** Ports of the primaries. */
  readonly ports: number[];
  /** `createCluster` root nodes. */
  readonly rootNodes: Array<{ url: string }>;
  /** Kills primary `index` (no replica takes over: its slots stay unserved); see also {@link crash}. */
  kill(index: number): Promise<void>;
  /** Stops every node and removes the files. */
  stop(): Promise<void>;
}

/** Starts `count` primaries (no replicas), makes them a cluster and waits until every node reports it ok. */
export async function startRedisCluster(count = 3): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'dogpile-redis-cluster-'));
  const ports = await distinctPorts(count);
  const nodes = ports.map(
    (port) => new Node(port, [...common(port, dir), '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000']),
  );
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(nodes.map((node) => node.start()));
    await run(cliBin(), ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    // Every node must know every other and see all slots served before a client asks it for the slot map.
    await until(
      async () => {
        const infos = await Promise.all(ports.map((port) => cli(port, 'CLUSTER', 'INFO')));
        return infos.every((info) => /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info) && new RegExp(`cluster_known_nodes:${count}\\b`).test(info));
      },
      'the cluster state to be ok on every node',
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports, rootNodes: ports.map((port) => ({ url: `redis://127.0.0.1:${port}` })), kill: (index) => nodes[index]!.kill(), stop };
}

/** A running primary, replica and Sentinels. */
export interface TestRedisSentinel {
  /** The name Sentinel monitors the primary under. */
  readonly name: string;
  readonly primaryPort: number;
  readonly replicaPort: number;
  /** `createSentinel` root nodes. */
  readonly sentinelRootNodes: Array<{ host: string; port: number }>;
  /** Kills the primary (SIGKILL); see also {@link crash}. */
  killPrimary(): Promise<void>;
  /** Resolves once every Sentinel names the replica as the primary. */
  failedOver(timeoutMs?: number): Promise<void>;
  /** Stops every process and removes the files. */
  stop(): Promise<void>;
}

/** Starts a primary, one replica and three Sentinels (quorum 2, down after 1 s) and waits until they see each other. */
export async function startRedisSentinel(name = 'dogpile'): Promise<TestRedisSentinel> {
  const dir = mkdtempSync(join(tmpdir(), 'dogpile-redis-sentinel-'));
  const [primaryPort, replicaPort, ...sentinelPorts] = (await distinctPorts(5)) as [number, number, number, number, number];
  const primary = new Node(primaryPort, common(primaryPort, dir));
  const replica = new Node(replicaPort, [...common(replicaPort, dir), '--replicaof', '127.0.0.1', String(primaryPort)]);
  const sentinels = sentinelPorts.map((port) => {
    const file = join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      file,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    return new Node(port, [file, '--sentinel', '--loglevel', 'warning']);
  });
  const all = [primary, replica, ...sentinels];
  const stop = async () => {
    await Promise.all(all.map((node) => node.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all([primary.start(), replica.start()]);
    await until(async () => /master_link_status:up/.test(await cli(replicaPort, 'INFO', 'replication')), 'the replica to sync');
    await Promise.all(sentinels.map((node) => node.start()));
    // Each Sentinel knows the replica and the two other Sentinels: a fail-over can be agreed on.
    await until(
      async () => {
        const views = await Promise.all(sentinelPorts.map((port) => cli(port, 'SENTINEL', 'master', name)));
        return views.every((view) => /num-slaves\n1\n/.test(view) && /num-other-sentinels\n2\n/.test(view));
      },
      'the Sentinels to see the replica and each other',
    );
    await until(async () => (await Promise.all(sentinelPorts.map((port) => cli(port, 'SENTINEL', 'ckquorum', name)))).every((out) => out.startsWith('OK')), 'the Sentinel quorum');
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name,
    primaryPort,
    replicaPort,
    sentinelRootNodes: sentinelPorts.map((port) => ({ host: '127.0.0.1', port })),
    killPrimary: () => primary.kill(),
    failedOver: (timeoutMs = 30_000) => promoted(name, sentinelPorts, replicaPort, timeoutMs),
    stop,
  };
}

/** `count` free ports, all different (a port and its cluster bus port + 10000 must both be free). */
async function distinctPorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) {
    const port = await freePort();
    if (port + 10_000 <= 65_535) ports.add(port);
  }
  return [...ports];
}
