/**
 * The Redis benchmark: dogpile-cache's `redis` backend against raw
 * node-redis on loopback, in one run, on a private redis-server started on
 * a free port (and stopped at the end).
 *
 * - hit: `region.getOrCreate` of a stored key vs a raw `GET` round trip;
 * - lock: `mutex.acquire()` + `release()` vs raw `SET NX PX` + the
 *   compare-and-delete script (awaited, and with the release not awaited,
 *   which is how the region's synchronous `release()` behaves);
 * - stampede: 4 processes x 50 concurrent `getOrCreate` of a missing key
 *   with a 50 ms creator: creator calls per round, and the delay from the
 *   creator's value being stored to the last waiter (in any process) having it.
 *
 * The hit, lock and stampede cases run again on a 3-primary Redis Cluster
 * (started here too), against raw node-redis cluster commands, with the
 * stampede's keys spread over the slots.
 *
 * Run by `node bench/redis.mjs` (and by `npm run bench`). Writes
 * bench/results/redis.{json,md} unless `--no-write`.
 *
 * @module
 */
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, createCluster } from 'redis';
import { makeRegion } from 'dogpile-cache';
import { RedisBackend } from 'dogpile-cache/redis';
import { startRedisServer } from '../../scripts/redis-server.js';
import { startRedisCluster } from '../../scripts/redis-topologies.js';

const REPS = Number(process.env.BENCH_REDIS_REPS || 5);
const OPS = Number(process.env.BENCH_REDIS_OPS || 2_000);
const ROUNDS = Number(process.env.BENCH_REDIS_ROUNDS || 10);
const PROCESSES = 4;
const CALLERS = 50;
const CREATOR_MS = 50;

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** µs per op of `op` run `OPS` times one after another. */
async function perOp(op: (i: number) => Promise<unknown>, ops: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < ops; i++) await op(i);
  return ((performance.now() - started) * 1000) / ops;
}

/** Runs the cases interleaved (order rotating each repetition); median µs/op of each. */
async function measure(cases: Record<string, (i: number) => Promise<unknown>>, ops = OPS): Promise<Record<string, { median: number; min: number; max: number }>> {
  const names = Object.keys(cases);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (const name of names) await perOp(cases[name]!, ops); // warm-up, unrecorded
  for (let rep = 0; rep < REPS; rep++) {
    const order = names.map((_, i) => names[(i + rep) % names.length]!);
    for (const name of order) samples[name]!.push(await perOp(cases[name]!, ops));
  }
  return Object.fromEntries(names.map((name) => [name, { median: median(samples[name]!), min: Math.min(...samples[name]!), max: Math.max(...samples[name]!) }]));
}

/** A client that answers GET with what SET stored, at once: isolates the library's own CPU cost. */
function stubClient() {
  let stored: unknown = null;
  const client = {
    isOpen: true,
    isReady: true,
    connect: async () => {},
    on: () => client,
    duplicate: () => client,
    subscribe: async () => {},
    unsubscribe: async () => {},
    multi: () => ({ addCommand: () => {}, exec: async () => [] }),
    close: async () => {},
    sendCommand: (args: readonly unknown[]): Promise<unknown> => {
      if (args[0] === 'SET') stored = args[2];
      return Promise.resolve(args[0] === 'GET' ? stored : 'OK');
    },
  };
  return client;
}

// ------------------------------------------------------------------ child

/** Where a stampede child connects: `{ url }` or `{ cluster: { rootNodes } }`. */
type Where = { url: string } | { cluster: { rootNodes: Array<{ url: string }> } };

async function child(where: Where, prefix: string): Promise<void> {
  const region = makeRegion({ name: 'stampede' }).configure('redis', { expirationTime: 60_000, arguments: { ...where, prefix } });
  await region.getValueMetadata('warm-up');
  process.on('message', async (message: { key: string }) => {
    let calls = 0;
    let storedAt = 0;
    const creator = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, CREATOR_MS));
      return 'value';
    };
    // The creator's value is stored when its getOrCreate call resolves; the others resolve after.
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: CALLERS }, () =>
        region.getOrCreate(message.key, creator).then(() => {
          // timeOrigin + now(): a wall clock with sub-ms resolution that the processes share.
          done.push(performance.timeOrigin + performance.now());
        }),
      ),
    );
    if (calls > 0) storedAt = done[0]!;
    process.send?.({ calls, storedAt, last: Math.max(...done) });
  });
  process.send?.({ ready: true });
}

// ------------------------------------------------------------------ parent

interface Report {
  generatedAt: string;
  node: string;
  redisServer: string;
  nodeRedis: string;
  settings: { reps: number; ops: number; rounds: number; processes: number; callers: number; creatorMs: number };
  hit: Record<string, { median: number; min: number; max: number }>;
  cpu: Record<string, { median: number; min: number; max: number }>;
  lock: Record<string, { median: number; min: number; max: number }>;
  stampede: { rounds: Array<{ calls: number; lastWaiterMs: number }> };
  /** The same cases on a 3-primary cluster. */
  cluster: {
    hit: Record<string, { median: number; min: number; max: number }>;
    lock: Record<string, { median: number; min: number; max: number }>;
    stampede: { rounds: Array<{ calls: number; lastWaiterMs: number }> };
  };
}

/** 4 processes x 50 callers of a missing key per round, on `where`; keys differ per round (so, on a cluster, spread over the slots). */
async function stampedeRounds(where: Where, prefix: string): Promise<Array<{ calls: number; lastWaiterMs: number }>> {
  const self = fileURLToPath(import.meta.url);
  const children = Array.from({ length: PROCESSES }, () => fork(self, ['--child', JSON.stringify(where), prefix], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  try {
    await Promise.all(children.map((proc) => new Promise((resolve) => proc.once('message', resolve))));
    const rounds: Array<{ calls: number; lastWaiterMs: number }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const answers = await Promise.all(
        children.map(
          (proc) =>
            new Promise<{ calls: number; storedAt: number; last: number }>((resolve) => {
              proc.once('message', resolve);
              proc.send({ key: `round-${round}` });
            }),
        ),
      );
      const calls = answers.reduce((sum, a) => sum + a.calls, 0);
      const storedAt = Math.max(...answers.filter((a) => a.calls > 0).map((a) => a.storedAt));
      const last = Math.max(...answers.map((a) => a.last));
      rounds.push({ calls, lastWaiterMs: last - storedAt });
    }
    return rounds;
  } finally {
    children.forEach((proc) => proc.kill());
  }
}

/** Hit, lock and stampede on a 3-primary cluster, against raw node-redis cluster commands. */
async function clusterSuite(prefix: string): Promise<Report['cluster']> {
  const cluster = await startRedisCluster(3);
  const raw = createCluster({ rootNodes: cluster.rootNodes });
  raw.on('error', () => {});
  const backend = new RedisBackend({ cluster: { rootNodes: cluster.rootNodes }, prefix });
  try {
    await raw.connect();
    const region = makeRegion({ name: 'bench' }).configure(backend, { expirationTime: 3_600_000 });
    const value = { id: 42, name: 'Ada Lovelace', roles: ['admin', 'author'], since: 1_700_000_000_000 };
    await region.set('user:42', value);
    await raw.set('raw:user:42', JSON.stringify(value));
    const creator = () => value;
    console.log('== redis cluster: hit');
    const hit = await measure({
      'raw GET (node-redis cluster) *': () => raw.get('raw:user:42'),
      'raw GET + JSON.parse': async () => JSON.parse((await raw.get('raw:user:42'))!),
      'region.getOrCreate (hit)': () => region.getOrCreate('user:42', creator),
      'region.get (hit)': () => region.get('user:42'),
    });
    console.log('== redis cluster: lock');
    // Loaded on the node serving the raw lock key, so EVALSHA finds it.
    const sha = String(await raw.sendCommand('raw:lock', false, ['SCRIPT', 'LOAD', RELEASE]));
    let token = 0;
    const lock = await measure({
      'raw SET NX PX + EVALSHA, awaited *': async () => {
        const t = String(++token);
        await raw.set('raw:lock', t, { condition: 'NX', expiration: { type: 'PX', value: 30_000 } });
        await raw.evalSha(sha, { keys: ['raw:lock'], arguments: [t] });
      },
      'backend.getMutex(k).acquire() + release()': async () => {
        const mutex = backend.getMutex('bench-lock');
        await mutex.acquire(true);
        mutex.release();
      },
    });
    console.log(`== redis cluster: stampede (${PROCESSES} processes x ${CALLERS} callers, ${ROUNDS} rounds)`);
    const rounds = await stampedeRounds({ cluster: { rootNodes: cluster.rootNodes } }, `${prefix}stampede:`);
    return { hit, lock, stampede: { rounds } };
  } finally {
    await backend.close();
    await raw.close().catch(() => {});
    await cluster.stop();
  }
}

async function parent(write: boolean): Promise<number> {
  const server = await startRedisServer();
  const prefix = `bench-${process.pid}:`;
  const raw = createClient({ url: server.url });
  raw.on('error', () => {});
  await raw.connect();
  const backend = new RedisBackend({ url: server.url, prefix });
  const region = makeRegion({ name: 'bench' }).configure(backend, { expirationTime: 3_600_000 });
  try {
    // ---- hit
    const value = { id: 42, name: 'Ada Lovelace', roles: ['admin', 'author'], since: 1_700_000_000_000 };
    await region.set('user:42', value);
    await raw.set('raw:user:42', JSON.stringify(value));
    const creator = () => value;
    console.log('== redis: hit');
    const hit = await measure({
      'raw GET (node-redis) *': () => raw.get('raw:user:42'),
      'raw GET + JSON.parse': async () => JSON.parse((await raw.get('raw:user:42'))!),
      'region.getOrCreate (hit)': () => region.getOrCreate('user:42', creator),
      'region.get (hit)': () => region.get('user:42'),
    });

    // ---- the CPU part of a hit: the same region over a stub client that answers at once
    const stub = stubClient();
    const stubRegion = makeRegion({ name: 'bench' }).configure(new RedisBackend({ client: stub, prefix }), { expirationTime: 3_600_000 });
    await stubRegion.set('user:42', value);
    const cpu = await measure({
      'stub sendCommand *': () => stub.sendCommand(['GET', 'x']),
      'region.getOrCreate (hit) over the stub': () => stubRegion.getOrCreate('user:42', creator),
    }, OPS * 20);

    // ---- lock
    console.log('== redis: lock');
    const sha = await raw.scriptLoad(RELEASE);
    let token = 0;
    const lock = await measure({
      'raw SET NX PX + EVALSHA, awaited *': async () => {
        const t = String(++token);
        await raw.set('raw:lock', t, { condition: 'NX', expiration: { type: 'PX', value: 30_000 } });
        await raw.evalSha(sha, { keys: ['raw:lock'], arguments: [t] });
      },
      'raw SET NX PX + EVALSHA, release not awaited': async () => {
        const t = String(++token);
        await raw.set('raw:lock2', t, { condition: 'NX', expiration: { type: 'PX', value: 30_000 } });
        void raw.evalSha(sha, { keys: ['raw:lock2'], arguments: [t] });
      },
      'backend.getMutex(k).acquire() + release()': async () => {
        const mutex = backend.getMutex('bench-lock');
        await mutex.acquire(true);
        mutex.release();
      },
    });

    // ---- stampede
    console.log(`== redis: stampede (${PROCESSES} processes x ${CALLERS} callers, ${ROUNDS} rounds)`);
    const rounds = await stampedeRounds({ url: server.url }, `${prefix}stampede:`);

    const clusterReport = await clusterSuite(prefix);

    const report: Report = {
      generatedAt: new Date().toISOString(),
      node: process.version,
      redisServer: String((await raw.info('server')).match(/redis_version:(\S+)/)?.[1]),
      nodeRedis: (JSON.parse(readFileSync(resolve('node_modules/redis/package.json'), 'utf8')) as { version: string }).version,
      settings: { reps: REPS, ops: OPS, rounds: ROUNDS, processes: PROCESSES, callers: CALLERS, creatorMs: CREATOR_MS },
      hit,
      cpu,
      lock,
      stampede: { rounds },
      cluster: clusterReport,
    };
    const text = markdown(report);
    console.log(`\n${text}`);
    if (write) {
      mkdirSync('bench/results', { recursive: true });
      writeFileSync('bench/results/redis.json', `${JSON.stringify(report, null, 2)}\n`);
      writeFileSync('bench/results/redis.md', text);
      console.log('Wrote bench/results/redis.json and bench/results/redis.md');
    }
    return 0;
  } finally {
    await backend.close();
    await raw.close();
    await server.stop();
  }
}

function table(rows: Record<string, { median: number; min: number; max: number }>): string {
  const base = Object.entries(rows).find(([name]) => name.endsWith('*'))![1].median;
  const lines = ['| case | µs/op (median) | min | max | × baseline |', '|---|---:|---:|---:|---:|'];
  for (const [name, r] of Object.entries(rows)) lines.push(`| ${name} | ${r.median.toFixed(1)} | ${r.min.toFixed(1)} | ${r.max.toFixed(1)} | ${(r.median / base).toFixed(2)} |`);
  return lines.join('\n');
}

function stampedeTable(rounds: Array<{ calls: number; lastWaiterMs: number }>): string[] {
  const delays = rounds.map((r) => r.lastWaiterMs);
  return [
    `| | value |`,
    `|---|---:|`,
    `| creator calls per round | ${[...new Set(rounds.map((r) => r.calls))].join(', ')} |`,
    `| last waiter's delay after the value was stored, median ms | ${median(delays).toFixed(1)} |`,
    `| same, max ms | ${Math.max(...delays).toFixed(1)} |`,
  ];
}

function markdown(report: Report): string {
  const { rounds } = report.stampede;
  return [
    `# Redis benchmark`,
    ``,
    `${report.generatedAt}; Node ${report.node}, redis-server ${report.redisServer} on loopback, node-redis ${report.nodeRedis}; ` +
      `${report.settings.reps} repetitions x ${report.settings.ops} sequential ops per case (\`*\` = baseline).`,
    ``,
    `## Hit`,
    ``,
    table(report.hit),
    ``,
    `The JavaScript part of a hit, measured over a stub client that answers every command at once (no network):`,
    `${(report.cpu['region.getOrCreate (hit) over the stub']!.median - report.cpu['stub sendCommand *']!.median).toFixed(1)} µs per \`getOrCreate\` hit (median; ` +
      `${(report.cpu['region.getOrCreate (hit) over the stub']!.min - report.cpu['stub sendCommand *']!.min).toFixed(1)} µs in the quietest repetition): decode, expiry and invalidation checks, the region's read path.`,
    ``,
    `## Lock acquire + release`,
    ``,
    table(report.lock),
    ``,
    `The backend's \`release()\` is synchronous (the CacheMutex contract): its compare-and-delete is sent and not awaited,`,
    `and the next command on the connection queues behind it. Compare it with the "release not awaited" raw row.`,
    ``,
    `## Stampede across processes`,
    ``,
    `${report.settings.processes} processes x ${report.settings.callers} concurrent getOrCreate of a missing key, ${report.settings.creatorMs} ms creator, ${rounds.length} rounds.`,
    ``,
    ...stampedeTable(rounds),
    ``,
    `## Cluster (3 primaries, no replicas, same machine)`,
    ``,
    `The same cases on a Redis Cluster, against raw node-redis cluster commands; the stampede's keys differ per round, so they land on different slots and nodes.`,
    ``,
    `### Hit`,
    ``,
    table(report.cluster.hit),
    ``,
    `### Lock acquire + release`,
    ``,
    table(report.cluster.lock),
    ``,
    `On a cluster the release is the compare-and-delete script, then an SPUBLISH on the release channel's shard (two commands, not one).`,
    ``,
    `### Stampede across processes`,
    ``,
    ...stampedeTable(report.cluster.stampede.rounds),
    ``,
  ].join('\n');
}

if (process.argv[2] === '--child') {
  await child(JSON.parse(process.argv[3]!) as Where, process.argv[4]!);
} else {
  process.exitCode = await parent(!process.argv.includes('--no-write'));
}
