/**
 * Vitest globalSetup of the Redis tests: starts a private redis-server, a
 * 3-primary cluster and a primary + replica + 3 Sentinels, each on free
 * loopback ports, builds the child-process script the multi-process tests
 * fork, and stops every server afterwards (and, failing that, when this
 * process ends: see scripts/redis-topologies.ts).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNodeScript } from '../../scripts/build-node-script.mjs';
import type { TestProject } from 'vitest/node';
import { startRedisServer, type TestRedisServer } from '../../scripts/redis-server.js';
import { startRedisCluster, startRedisSentinel, type TestRedisCluster, type TestRedisSentinel } from '../../scripts/redis-topologies.js';

const here = fileURLToPath(new URL('.', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    childScript: string;
    /** The cluster's primaries. */
    redisCluster: { ports: number[]; rootNodes: Array<{ url: string }> };
    /** The Sentinel set-up. */
    redisSentinel: { name: string; primaryPort: number; replicaPort: number; sentinelRootNodes: Array<{ host: string; port: number }> };
  }
}

let server: TestRedisServer | undefined;
let cluster: TestRedisCluster | undefined;
let sentinel: TestRedisSentinel | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = resolve(here, '.out');
  const stop = async () => {
    await Promise.all([server?.stop(), cluster?.stop(), sentinel?.stop()]);
  };
  const starting = [
    startRedisServer().then((s) => (server = s)),
    startRedisCluster(3).then((c) => (cluster = c)),
    startRedisSentinel().then((s) => (sentinel = s)),
  ] as const;
  let childScript: string;
  try {
    [childScript] = await Promise.all([buildNodeScript({ entry: 'test/redis/child.ts', outDir, fileName: 'child.mjs' }), ...starting]);
  } catch (error) {
    // One set-up failed: the others may have started.
    await Promise.allSettled(starting);
    await stop();
    throw error;
  }
  project.provide('redisUrl', server!.url);
  project.provide('childScript', childScript);
  project.provide('redisCluster', { ports: cluster!.ports, rootNodes: cluster!.rootNodes });
  const { name, primaryPort, replicaPort, sentinelRootNodes } = sentinel!;
  project.provide('redisSentinel', { name, primaryPort, replicaPort, sentinelRootNodes });
  return stop;
}
