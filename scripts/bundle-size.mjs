// Bundle size as an app's bundler ships it, measured with esbuild: an entry
// file (a few lines as an app writes them) is bundled with its dependencies,
// tree-shaken and minified, then compressed with node:zlib (gzip level 9,
// brotli quality 11). `dogpile-cache` and its subpath entries resolve to the
// TypeScript sources, so the figures are those of the tree being measured.
//
// One module for the bench (bench/runner/size.ts) and for the packaging test
// (test/package/bundle-size.test.ts), so both measure the same way and hold
// the same size budgets.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * The repository root, as seen from this file. Callers that bundle this
 * module elsewhere (the bench runner is compiled into bench/.out) pass
 * `root` instead.
 */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Where each package specifier's source entry is, relative to the sources
 * directory (`src/`). The same table gives Vite its aliases in the bench.
 *
 * @type {Readonly<Record<string, string>>}
 */
export const SOURCE_ENTRIES = Object.freeze({
  'dogpile-cache': 'index.ts',
  'dogpile-cache/browser': 'browser/index.ts',
  'dogpile-cache/indexeddb': 'browser/indexeddb/index.ts',
  'dogpile-cache/localstorage': 'browser/local-storage/index.ts',
  'dogpile-cache/devtools': 'devtools/index.ts',
  'dogpile-cache/worker': 'worker/index.ts',
  'dogpile-cache/preact': 'preact/index.ts',
  'dogpile-cache/react': 'react/index.ts',
  'dogpile-cache/redis': 'redis/index.ts',
  'dogpile-cache/otel': 'otel/index.ts',
});

/** What React apps ship anyway: left out of the hook's bundle. */
const REACT_EXTERNAL = ['react', 'react/*', 'react-dom', 'react-dom/*'];

/**
 * The size budgets: each bundle, the entry file that makes it (in
 * bench/size/), its limit in min+gzip bytes (what the packaging test holds it
 * to: its size as it stands, rounded up, so that growth is a decision:
 * `staleIfError` and `errorBackoff` added 1.1 KB), and `target`, the size the
 * issue "A thin core" asks for (reported beside). `over`
 * names the bundle the limit is added to (the React hook is budgeted as what
 * it adds to the memory core). `mustInclude` lists source folders the bundle
 * must contain, so an entry that tree-shaking dropped whole (a side-effect
 * import of a module not listed in package.json `sideEffects`) fails instead
 * of measuring small.
 *
 * @type {ReadonlyArray<import('./bundle-size.d.mts').SizeBudget>}
 */
export const SIZE_BUDGETS = Object.freeze([
  {
    id: 'core-get-or-create',
    label: "memory core: makeRegion().configure('memory', …).getOrCreate(…)",
    entry: 'bench/size/core-get-or-create.js',
    limit: 14.25 * 1024,
    target: 8 * 1024,
    before: '13.2 KB',
    mustInclude: ['region/', 'lock/', 'backends/memory'],
  },
  {
    id: 'app-indexeddb',
    label: 'IndexedDB app: the core + `dogpile-cache/indexeddb`',
    entry: 'bench/size/app-indexeddb.js',
    limit: 24.5 * 1024,
    target: 14 * 1024,
    before: '30.5 KB (through dogpile-cache/browser)',
    mustInclude: ['region/', 'browser/indexeddb/'],
  },
  {
    id: 'app-localstorage',
    label: 'localStorage app: the core + `dogpile-cache/localstorage`',
    entry: 'bench/size/app-localstorage.js',
    limit: 26.5 * 1024,
    target: 14 * 1024,
    before: '30.5 KB (through dogpile-cache/browser)',
    mustInclude: ['region/', 'browser/local-storage/'],
  },
  {
    id: 'react-hook',
    label: 'React hook: the memory core + `useCachedValue` (react excluded)',
    entry: 'bench/size/react-hook.js',
    over: 'core-get-or-create',
    limit: 2560,
    target: 2560,
    before: '+2.8 KB',
    external: REACT_EXTERNAL,
    mustInclude: ['region/', 'react/'],
  },
]);

/** Formats bytes as KB with two decimals. */
export const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;

/**
 * esbuild plugin: `dogpile-cache[/entry]` to its source entry under `srcDir`
 * (a clear error when that file does not exist yet), and Node's `events` and
 * `buffer` to the npm polyfills a front-end app adds (cache-manager needs them).
 */
function sourcesPlugin(root, srcDir) {
  return {
    name: 'dogpile-cache-sources',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^dogpile-cache(\/|$)/ }, (args) => {
        const entry = SOURCE_ENTRIES[args.path];
        if (!entry) return { errors: [{ text: `${args.path} is not an entry of dogpile-cache (known: ${Object.keys(SOURCE_ENTRIES).join(', ')})` }] };
        const file = resolve(srcDir, entry);
        if (!existsSync(file)) {
          return { errors: [{ text: `${relative(root, file)} (${args.path}) does not exist` }] };
        }
        return { path: file };
      });
      pluginBuild.onResolve({ filter: /^node:(events|buffer)$/ }, (args) =>
        pluginBuild.resolve(args.path.slice('node:'.length), { kind: args.kind, resolveDir: root }),
      );
    },
  };
}

/**
 * Bundles `entry` (a path from the repository root, or absolute) and
 * measures it. Rejects with esbuild's messages when the bundle cannot be
 * made, and when esbuild drops an import as side-effect free (which would
 * measure an app without the code it asked for).
 *
 * @param {string} entry
 * @param {{ root?: string, srcDir?: string, external?: readonly string[] }} [options]
 * @returns {Promise<import('./bundle-size.d.mts').BundleSize>}
 */
export async function measureBundle(entry, { root = ROOT, srcDir = resolve(root, 'src'), external = [] } = {}) {
  let result;
  try {
    result = await build({
      absWorkingDir: root,
      entryPoints: [resolve(root, entry)],
      bundle: true,
      write: false,
      outfile: 'out.js',
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      treeShaking: true,
      legalComments: 'none',
      metafile: true,
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
      external: [...external],
      plugins: [sourcesPlugin(root, srcDir)],
    });
  } catch (error) {
    const messages = /** @type {{ errors?: Array<{ text: string }> }} */ (error).errors;
    throw new Error(`${entry}: ${messages?.length ? messages.map((message) => message.text).join('; ') : /** @type {Error} */ (error).message}`);
  }
  const dropped = result.warnings.filter((warning) => warning.id === 'ignored-bare-import');
  if (dropped.length) {
    throw new Error(`${entry}: esbuild dropped an import as side-effect free: ${dropped.map((warning) => `${warning.text}${warning.location ? ` (${warning.location.file}:${warning.location.line})` : ''}`).join('; ')}`);
  }
  const file = result.outputFiles.find((output) => output.path.endsWith('.js'));
  if (!file) throw new Error(`${entry}: esbuild wrote no JavaScript`);
  const bytes = Buffer.from(file.contents);
  const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
  const total = Object.values(inputs).reduce((sum, input) => sum + input.bytesInOutput, 0) || 1;
  const srcRelative = relative(root, srcDir).split('\\').join('/');
  const modules = Object.entries(inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path, input]) => ({ module: path.replace(/^(?:.*\/)?node_modules\//, ''), bytes: input.bytesInOutput, share: Math.round((input.bytesInOutput / total) * 1000) / 10 }))
    .sort((a, b) => b.bytes - a.bytes);
  return {
    minified: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    modules,
    sources: modules.filter((module) => module.module.startsWith(`${srcRelative}/`)).map((module) => module.module.slice(srcRelative.length + 1)),
  };
}

/**
 * Measures every budgeted bundle and checks it against its limit. A bundle
 * that cannot be made (its entry does not exist yet, say) is a failure with
 * its reason, never a skip.
 *
 * @param {{ root?: string, srcDir?: string }} [options]
 * @returns {Promise<import('./bundle-size.d.mts').BudgetResult[]>}
 */
export async function measureBudgets({ root = ROOT, srcDir = resolve(root, 'src') } = {}) {
  /** @type {import('./bundle-size.d.mts').BudgetResult[]} */
  const results = [];
  for (const budget of SIZE_BUDGETS) {
    const base = budget.over ? results.find((result) => result.id === budget.over) : undefined;
    /** @type {import('./bundle-size.d.mts').BudgetResult} */
    const text = (bytes) => (budget.over ? `≤ ${budget.over} + ${kb(bytes)}` : `≤ ${kb(bytes)}`);
    const result = { id: budget.id, label: budget.label, entry: budget.entry, limitText: text(budget.limit), targetText: text(budget.target), met: false, targetMet: false, problems: [] };
    try {
      const size = await measureBundle(budget.entry, { root, srcDir, external: budget.external });
      Object.assign(result, size);
      for (const folder of budget.mustInclude ?? []) {
        if (!size.sources.some((source) => source.startsWith(folder))) {
          result.problems.push(
            `the bundle holds nothing from src/${folder}: the entry's code was dropped or never imported (a side-effect import of an entry that package.json \`sideEffects\` does not list is tree-shaken away whole)`,
          );
        }
      }
      if (budget.over && !base?.gzip) result.problems.push(`${budget.over} was not measured, so the limit (${budget.over} + ${budget.limit} bytes) is unknown`);
      const limit = budget.over ? (base?.gzip ?? 0) + budget.limit : budget.limit;
      result.limit = limit;
      const measured = budget.over ? size.gzip - (base?.gzip ?? 0) : size.gzip;
      result.added = budget.over ? measured : undefined;
      result.targetMet = measured <= budget.target;
      if (size.gzip > limit) {
        result.problems.push(
          budget.over
            ? `${size.gzip} bytes min+gzip, ${measured} more than ${budget.over}: over its budget of +${budget.limit} by ${measured - budget.limit} bytes`
            : `${size.gzip} bytes min+gzip: over its budget of ${limit} by ${size.gzip - limit} bytes`,
        );
      }
    } catch (error) {
      result.problems.push(/** @type {Error} */ (error).message);
    }
    result.met = result.problems.length === 0;
    result.targetMet &&= result.met;
    results.push(result);
  }
  return results;
}

/** One line per budget: figures, limit and verdict. */
export function describeBudgets(results) {
  return results
    .map((result) => {
      const figures = result.gzip === undefined ? 'not bundled' : `${result.gzip} B gz (${kb(result.gzip)}; ${result.minified} B min)${result.added === undefined ? '' : `, +${result.added} B over the core`}`;
      return `${result.met ? 'ok  ' : 'FAIL'} ${result.id}: ${figures}, limit ${result.limitText} (target ${result.targetText}: ${result.targetMet ? 'met' : 'missed'})${result.problems.length ? `\n       ${result.problems.join('\n       ')}` : ''}`;
    })
    .join('\n');
}

// `node scripts/bundle-size.mjs`: prints the budgets; exit code 1 when one is missed.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const results = await measureBudgets();
  console.log(describeBudgets(results));
  process.exitCode = results.every((result) => result.met) ? 0 : 1;
}
