/**
 * Vitest globalSetup of the Redis tests: starts a private redis-server on a
 * free loopback port, builds the child-process script the multi-process
 * tests fork, and stops the server afterwards.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNodeScript } from '../../scripts/build-node-script.mjs';
import type { TestProject } from 'vitest/node';
import { startRedisServer, type TestRedisServer } from '../../scripts/redis-server.js';

const here = fileURLToPath(new URL('.', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    childScript: string;
  }
}

let server: TestRedisServer | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = resolve(here, '.out');
  const [started, childScript] = await Promise.all([
    startRedisServer(),
    buildNodeScript({ entry: 'test/redis/child.ts', outDir, fileName: 'child.mjs' }),
  ]);
  server = started;
  project.provide('redisUrl', started.url);
  project.provide('childScript', childScript);
  return async () => {
    await server?.stop();
  };
}
