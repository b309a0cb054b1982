#!/usr/bin/env node
// `npm run bench`: compiles the TypeScript runner for Node with Vite, then runs
// it. The runner builds everything else it needs (pages, Node suite, size
// bundles) itself. Options: see bench/runner/options.ts (`--help`).
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

const { main } = await import(`${outDir}/main.mjs`);
process.exitCode = await main(process.argv.slice(2));
