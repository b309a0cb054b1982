/**
 * Where things are, and how bench builds resolve `dogpile-cache`: to the
 * TypeScript sources, as e2e/vite.config.ts does, so a benchmark always
 * measures the tree it runs in.
 *
 * @module
 */
import { resolve } from 'node:path';

/** The repository root (the runner runs with it as working directory). */
export const root = process.cwd();
export const benchDir = resolve(root, 'bench');
export const outDir = resolve(benchDir, '.out');
export const resultsDir = resolve(benchDir, 'results');
/**
 * The sources measured: `src/`, or the directory named by `BENCH_SRC` (to
 * compare a modified copy of the sources against the tree's).
 */
export const srcDir = process.env.BENCH_SRC ? resolve(process.env.BENCH_SRC) : resolve(root, 'src');
export const src = (path: string): string => resolve(srcDir, path);

/** Vite aliases mapping `dogpile-cache` and its subpath entries to the sources. */
export const aliases = [
  { find: /^dogpile-cache$/, replacement: src('index.ts') },
  { find: /^dogpile-cache\/indexeddb$/, replacement: src('browser/indexeddb/index.ts') },
  { find: /^dogpile-cache\/localstorage$/, replacement: src('browser/local-storage/index.ts') },
  { find: /^dogpile-cache\/(browser|devtools|worker|preact)$/, replacement: `${src('')}/$1/index.ts` },
];

/**
 * For browser bundles: cache-manager (through keyv) imports Node's `events`
 * and `buffer`; a front-end app that uses it adds the `events` and `buffer`
 * polyfills from npm, so the benchmark does the same.
 */
export const browserAliases = [
  ...aliases,
  { find: /^node:events$/, replacement: 'events' },
  { find: /^node:buffer$/, replacement: 'buffer' },
];
