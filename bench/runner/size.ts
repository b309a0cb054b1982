/**
 * Bundle size as a user's bundler ships it: each bench/size/*.js entry (a few
 * named imports, as an app would write them) is bundled by Vite (rolldown)
 * with tree-shaking and minification, dependencies included, then gzipped
 * (level 9) and brotli-compressed with node:zlib.
 *
 * The size budgets of the thin core (the memory core, the IndexedDB and
 * localStorage apps, the React hook) are bundled by esbuild through
 * scripts/bundle-size.mjs, the module the packaging test uses, and the peers
 * are bundled by esbuild too so those rows compare like with like.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';
import { kb, measureBudgets, measureBundle } from '../../scripts/bundle-size.mjs';
import { benchDir, browserAliases, root, srcDir } from './paths.js';

/** One measured bundle. */
export interface SizeResult {
  /** Entry file name in bench/size, without `.js`. */
  id: string;
  /** What the bundle contains. */
  label: string;
  /** Package the bytes belong to. */
  library: string;
  /** The bundler that made it (absent in results written before esbuild was measured: Vite). */
  bundler?: 'vite' | 'esbuild';
  /** Its size budget, as written (`≤ 8.00 KB`), for the budgeted bundles. */
  target?: string;
  /** Whether it is within its budget. */
  targetMet?: boolean;
  /** For a budgeted bundle: why it misses its budget or could not be measured. */
  problems?: string[];
  /** Bytes loaded with the entry: its chunk and the chunks it imports statically. */
  minified: number;
  gzip: number;
  brotli: number;
  /**
   * Chunks reached only through dynamic `import()` (code loaded on first use
   * of a rarely used method), min+gzip; 0 when there are none.
   */
  lazyMinified?: number;
  lazyGzip?: number;
  /** Why it was not measured, when it was not. */
  skipped?: string;
  /**
   * For this library's bundles: the largest source modules and their share of
   * the bundle (bytes before minification, as rolldown rendered them).
   */
  modules?: Array<{ module: string; share: number }>;
}

interface SizeEntry {
  id: string;
  label: string;
  library: string;
  /** Source entry of dogpile-cache it needs (`browser`, `worker`, ...), if any. */
  needs?: string;
  /** Imports left out of the bundle (peer dependencies the app ships anyway). */
  external?: RegExp[];
}

/** The bundles measured: this library's entries, then the peers. */
export const SIZE_ENTRIES: SizeEntry[] = [
  { id: 'core', label: 'core: makeRegion (region + lock + memory backend)', library: 'dogpile-cache' },
  { id: 'core-all', label: 'core: every export of `dogpile-cache`', library: 'dogpile-cache' },
  { id: 'browser', label: 'browser: makeRegion + every export of `dogpile-cache/browser`', library: 'dogpile-cache', needs: 'browser' },
  { id: 'worker', label: 'worker: makeRegion + every export of `dogpile-cache/worker`', library: 'dogpile-cache', needs: 'worker' },
  { id: 'devtools', label: 'devtools: every export of `dogpile-cache/devtools`', library: 'dogpile-cache', needs: 'devtools' },
  { id: 'preact', label: 'preact: every export of `dogpile-cache/preact` (preact excluded)', library: 'dogpile-cache', needs: 'preact', external: [/^preact($|\/)/] },
  { id: 'peer-lru-cache', label: 'LRUCache', library: 'lru-cache' },
  { id: 'peer-idb-keyval', label: 'get, set, del, getMany, setMany', library: 'idb-keyval' },
  { id: 'peer-localforage', label: 'localforage (default export)', library: 'localforage' },
  { id: 'peer-query-core', label: 'QueryClient', library: '@tanstack/query-core' },
  { id: 'peer-cache-manager', label: 'createCache (with keyv)', library: 'cache-manager' },
  { id: 'peer-idb', label: 'openDB', library: 'idb' },
];

/** Bundles one entry and measures it. */
async function measureEntry(entry: SizeEntry): Promise<SizeResult> {
  const file = resolve(benchDir, 'size', `${entry.id}.js`);
  const output = (await build({
    configFile: false,
    root,
    logLevel: 'silent',
    resolve: { alias: browserAliases },
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      sourcemap: false,
      reportCompressedSize: false,
      lib: { entry: file, formats: ['es'], fileName: entry.id },
      rolldownOptions: { external: entry.external ?? [] },
    },
  })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
  const chunks = (Array.isArray(output) ? output : [output]).flatMap((result) => result.output).filter((item) => item.type === 'chunk');
  // What loads with the entry: its chunk and what it imports statically.
  // Chunks reached only by dynamic import() load when a rarely used method
  // is first called, and are reported beside.
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const initial = new Set<Rolldown.OutputChunk>();
  const visit = (chunk: Rolldown.OutputChunk | undefined): void => {
    if (!chunk || initial.has(chunk)) return;
    initial.add(chunk);
    for (const name of chunk.imports) visit(byName.get(name));
  };
  for (const chunk of chunks) if (chunk.isEntry) visit(chunk);
  const lazy = chunks.filter((chunk) => !initial.has(chunk));
  const code = [...initial].map((chunk) => chunk.code).join('\n');
  const bytes = Buffer.from(code);
  const lazyBytes = Buffer.from(lazy.map((chunk) => chunk.code).join('\n'));
  const rendered = [...initial].flatMap((chunk) => Object.entries(chunk.modules).map(([id, info]) => ({ id, length: info.renderedLength })));
  const total = rendered.reduce((sum, module) => sum + module.length, 0);
  const modules = rendered
    .filter((module) => module.length > 0)
    .sort((a, b) => b.length - a.length)
    .slice(0, 12)
    .map((module) => ({ module: relative(root, module.id).replace(/^node_modules\//, ''), share: Math.round((module.length / total) * 1000) / 10 }));
  return {
    id: entry.id,
    label: entry.label,
    library: entry.library,
    bundler: 'vite',
    minified: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    lazyMinified: lazyBytes.length,
    lazyGzip: lazy.length ? gzipSync(lazyBytes, { level: 9 }).length : 0,
    ...(entry.library === 'dogpile-cache' ? { modules } : {}),
  };
}

/** The peers bundled by esbuild as well, beside the budgeted bundles. */
const ESBUILD_PEERS = SIZE_ENTRIES.filter((entry) => entry.library !== 'dogpile-cache');

/**
 * The budgeted bundles and the peers, bundled by esbuild (see
 * scripts/bundle-size.mjs). A budgeted bundle that cannot be made yet is
 * listed with the reason, as a missed target.
 */
export async function measureEsbuildSizes(): Promise<SizeResult[]> {
  const results: SizeResult[] = [];
  for (const budget of await measureBudgets({ root, srcDir })) {
    const measured = budget.gzip !== undefined;
    results.push({
      id: budget.id,
      label: budget.label,
      library: 'dogpile-cache',
      bundler: 'esbuild',
      minified: budget.minified ?? 0,
      gzip: budget.gzip ?? 0,
      brotli: budget.brotli ?? 0,
      target: budget.limit !== undefined && budget.limitText.includes('+') ? `${budget.limitText} (${kb(budget.limit)})` : budget.limitText,
      targetMet: budget.met,
      problems: budget.problems,
      ...(measured ? { modules: (budget.modules ?? []).slice(0, 12).map(({ module, share }) => ({ module, share })) } : { skipped: budget.problems.map((problem) => problem.replace(`${budget.entry}: `, '')).join('; ') }),
    });
  }
  for (const entry of ESBUILD_PEERS) {
    const id = `${entry.id}@esbuild`;
    try {
      const size = await measureBundle(resolve(benchDir, 'size', `${entry.id}.js`), { root, srcDir });
      results.push({ id, label: entry.label, library: entry.library, bundler: 'esbuild', minified: size.minified, gzip: size.gzip, brotli: size.brotli });
    } catch (error) {
      results.push({ id, label: entry.label, library: entry.library, bundler: 'esbuild', minified: 0, gzip: 0, brotli: 0, skipped: (error as Error).message.split('\n')[0]! });
    }
  }
  return results;
}

/** Measures every bundle whose sources exist; the others are listed as skipped. Vite bundles first, then esbuild's. */
export async function measureSizes(): Promise<SizeResult[]> {
  const results: SizeResult[] = [];
  for (const entry of SIZE_ENTRIES) {
    if (entry.needs && !existsSync(resolve(srcDir, entry.needs, 'index.ts'))) {
      results.push({ id: entry.id, label: entry.label, library: entry.library, bundler: 'vite', minified: 0, gzip: 0, brotli: 0, skipped: `src/${entry.needs}/index.ts does not exist yet` });
      continue;
    }
    try {
      results.push(await measureEntry(entry));
    } catch (error) {
      results.push({ id: entry.id, label: entry.label, library: entry.library, bundler: 'vite', minified: 0, gzip: 0, brotli: 0, skipped: `build failed: ${(error as Error).message.split('\n')[0]}` });
    }
  }
  results.push(...(await measureEsbuildSizes()));
  return results;
}
