/**
 * Vitest globalSetup of the Redis tests: starts a private redis-server on a
 * free loopback port, builds the child-process script the multi-process
 * tests fork, and stops the server afterwards.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { startRedisServer, type TestRedisServer } from '../../scripts/redis-server.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '../..');

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    childScript: string;
  }
}

let server: TestRedisServer | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = resolve(here, '.out');
  const [started] = await Promise.all([
    startRedisServer(),
    build({
      configFile: false,
      root,
      logLevel: 'warn',
      resolve: {
        alias: [
          { find: /^dogpile-cache$/, replacement: resolve(root, 'src/index.ts') },
          { find: /^dogpile-cache\/redis$/, replacement: resolve(root, 'src/redis/index.ts') },
        ],
      },
      build: {
        ssr: resolve(here, 'child.ts'),
        outDir,
        emptyOutDir: true,
        target: 'node20',
        minify: false,
        rolldownOptions: { output: { entryFileNames: 'child.mjs' } },
      },
    }),
  ]);
  server = started;
  project.provide('redisUrl', started.url);
  project.provide('childScript', resolve(outDir, 'child.mjs'));
  return async () => {
    await server?.stop();
  };
}
