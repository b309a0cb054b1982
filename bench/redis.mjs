#!/usr/bin/env node
// The Redis benchmark (bench/redis/main.ts): compiles it for Node with Vite,
// with `dogpile-cache` resolved to the sources, then runs it. It starts its own
// redis-server on a free loopback port (scripts/ensure-redis.sh installs one).
// `npm run bench` runs it after the other suites; alone: `node bench/redis.mjs [--no-write]`.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildNodeScript } from '../scripts/build-node-script.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = fileURLToPath(new URL('./.out/redis', import.meta.url));

execFileSync('bash', ['scripts/ensure-redis.sh'], { cwd: root, stdio: 'inherit' });
await buildNodeScript({ entry: 'bench/redis/main.ts', outDir, fileName: 'main.mjs', minify: true });
const run = spawnSync(process.execPath, [`${outDir}/main.mjs`, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exitCode = run.status ?? 1;
