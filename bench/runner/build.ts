/**
 * Builds what the benchmark runs: the Node suite and the benchmark pages,
 * minified as a production build would ship them.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'vite';
import { aliases, benchDir, browserAliases, outDir, root, srcDir } from './paths.js';

/** Builds bench/node/main.ts into bench/.out/node/main.mjs; returns its path. */
export async function buildNodeSuite(): Promise<string> {
  const dir = resolve(outDir, 'node');
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    resolve: { alias: aliases },
    build: {
      ssr: resolve(benchDir, 'node/main.ts'),
      outDir: dir,
      emptyOutDir: true,
      target: 'node20',
      minify: true,
      rolldownOptions: { output: { entryFileNames: 'main.mjs' } },
    },
  });
  return resolve(dir, 'main.mjs');
}

/**
 * Builds the named pages (bench/pages/NAME.html) into bench/.out/pages;
 * returns that directory.
 */
export async function buildPages(pages: readonly string[]): Promise<string> {
  const pagesDir = resolve(benchDir, 'pages');
  const dir = resolve(outDir, 'pages');
  const input = Object.fromEntries(pages.map((name) => [name, resolve(pagesDir, `${name}.html`)]));
  await build({
    configFile: false,
    root: pagesDir,
    base: './',
    logLevel: 'warn',
    resolve: { alias: browserAliases },
    build: {
      outDir: dir,
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      sourcemap: false,
      modulePreload: false,
      reportCompressedSize: false,
      rolldownOptions: { input },
    },
    worker: { format: 'es' },
  });
  return dir;
}

/** Whether the source of entry `name` (`browser`, `worker`, ...) exists in this tree. */
export function hasEntry(name: string): boolean {
  return existsSync(resolve(srcDir, name, 'index.ts'));
}
