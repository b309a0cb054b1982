#!/usr/bin/env node
// `npm run bench`: compiles the TypeScript runner for Node with Vite, then runs
// it. The runner builds everything else it needs (pages, Node suite, size
// bundles) itself. Options: see bench/runner/options.ts (`--help`).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = fileURLToPath(new URL('./.out/runner', import.meta.url));

await build({
  configFile: false,
  root,
  logLevel: 'warn',
  build: {
    ssr: 'bench/runner/main.ts',
    outDir,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rolldownOptions: { output: { entryFileNames: 'main.mjs' } },
  },
});

// The Redis suite runs in processes of its own (bench/redis.mjs), after the
// others: `--no-redis` skips it, and `--suites` names it `redis`.
const rest = process.argv.slice(2).filter((arg) => arg !== '--no-redis');
let runRedis = !process.argv.includes('--no-redis');
let runMain = true;
const suitesAt = rest.indexOf('--suites');
if (suitesAt >= 0) {
  const ids = String(rest[suitesAt + 1] ?? '').split(',');
  const others = ids.filter((id) => id !== 'redis');
  runRedis &&= ids.includes('redis');
  if (others.length) rest[suitesAt + 1] = others.join(',');
  else runMain = false;
}

if (runMain) {
  const { main } = await import(`${outDir}/main.mjs`);
  process.exitCode = await main(rest);
}
if (runRedis && !process.exitCode && !rest.includes('--help')) {
  const redis = spawnSync(process.execPath, [fileURLToPath(new URL('./redis.mjs', import.meta.url)), ...(rest.includes('--no-write') ? ['--no-write'] : [])], {
    stdio: 'inherit',
  });
  process.exitCode = redis.status ?? 1;
}
