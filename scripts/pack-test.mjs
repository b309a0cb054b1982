// The packaging test (`npm test` runs it after the build): packs the package,
// lints it with publint, installs the tarball into two fresh apps (React and
// Preact) whose entry is the README's quick start, type-checks each app with
// skipLibCheck off under moduleResolution bundler and node (typesVersions),
// and builds each with Vite. A third app imports each single-backend entry
// (`dogpile-cache/indexeddb`, `dogpile-cache/localstorage`) alone: it
// type-checks each under both resolutions, checks in Node that each
// registers its backend and only it, and builds each with Vite, checking
// that the bundle keeps the registration and leaves the other backend out.
// A fourth app installs `dogpile-cache/otel` with `@opentelemetry/api` (its
// optional peer) and the metrics SDK: it type-checks under both resolutions
// and, in Node, counts a region's hits and misses through the SDK.
// Installs prefer the local npm cache.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const devVersions = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies;
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const readme = join(root, 'test/types/fixtures/readme');

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

/** The apps: which framework, the quick start that is their entry, and their dependencies. */
const apps = [
  { name: 'react', entry: 'react-quick-start.tsx', deps: ['react', 'react-dom'], devDeps: ['@types/react', '@types/react-dom'], jsxImportSource: 'react' },
  { name: 'preact', entry: 'preact-quick-start.tsx', deps: ['preact'], devDeps: [], jsxImportSource: 'preact' },
];

let passed = 0;
let failed = 0;
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    passed++;
    console.log(`  ✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed++;
    console.log(`  ✗ ${name}\n${String(error.stdout ?? '')}${String(error.stderr ?? '')}${error.stdout || error.stderr ? '' : error.stack}`);
  }
}

const work = mkdtempSync(join(tmpdir(), 'dogpile-cache-pack-'));
try {
  let tarball;
  await step('npm pack', () => {
    run('npm', ['pack', '--silent', '--pack-destination', work], root);
    tarball = join(work, readdirSync(work).find((file) => file.endsWith('.tgz')));
  });
  await step('publint (no errors, no warnings)', () => {
    const out = run(process.execPath, [join(root, 'node_modules/publint/src/cli.js'), '--level', 'warning', '--strict', tarball], root);
    if (!/All good/.test(out)) throw Object.assign(new Error('publint'), { stdout: out });
  });
  await step('the tarball ships LICENSE, README.md and its image', () => {
    const listing = run('tar', ['-tzf', tarball], work);
    for (const file of ['package/LICENSE', 'package/README.md', 'package/docs/demo.png', 'package/dist/index.d.ts']) {
      if (!listing.includes(file)) throw new Error(`${file} is not in the tarball`);
    }
  });
  for (const app of apps) {
    const dir = join(work, app.name);
    mkdirSync(join(dir, 'src'), { recursive: true });
    const pin = (names) => Object.fromEntries(names.map((name) => [name, devVersions[name]]));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({
      name: `dogpile-cache-${app.name}-app`, private: true, type: 'module',
      dependencies: { 'dogpile-cache': `file:${tarball}`, ...pin(app.deps) },
      devDependencies: { vite: devVersions.vite, ...pin(app.devDeps) },
    }, null, 2));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/src/main.tsx"></script>\n');
    writeFileSync(join(dir, 'vite.config.js'), `export default { logLevel: 'warn', oxc: { jsx: { runtime: 'automatic', importSource: '${app.jsxImportSource}' } } };\n`);
    copyFileSync(join(readme, app.entry), join(dir, 'src/main.tsx'));
    const tsconfig = (moduleResolution) => ({ compilerOptions: {
      target: 'ES2022', module: 'ESNext', moduleResolution, lib: ['ES2022', 'DOM', 'DOM.Iterable'], strict: true, noEmit: true,
      skipLibCheck: false, jsx: 'react-jsx', jsxImportSource: app.jsxImportSource, types: [],
    }, include: ['src'] });
    await step(`${app.name}: npm install the tarball`, () => {
      run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
    });
    for (const resolution of ['Bundler', 'Node10']) {
      await step(`${app.name}: tsc, moduleResolution ${resolution}`, () => {
        writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig(resolution), null, 2));
        run(process.execPath, [tsc, '-p', dir], dir);
      });
    }
    await step(`${app.name}: vite build`, () => {
      run(process.execPath, [join(dir, 'node_modules/vite/bin/vite.js'), 'build'], dir);
      const assets = readdirSync(join(dir, 'dist/assets'));
      const js = assets.filter((file) => file.endsWith('.js')).map((file) => readFileSync(join(dir, 'dist/assets', file), 'utf8')).join('');
      // The side-effect import must survive tree-shaking: the bundle registers indexeddb.
      if (!js.includes('indexeddb')) throw new Error('the bundle does not register the indexeddb backend');
    });
  }
  await singleBackendEntries(tarball);
  await otelEntry(tarball);
} finally {
  rmSync(work, { recursive: true, force: true });
}
/**
 * The entries that register one backend each: what each must register, what
 * it must not, and text found only in the other backend's code (its label,
 * its channel names, its dependency: devalue, idb), which a bundle of this
 * entry must not contain.
 */
async function singleBackendEntries(tarball) {
  const entries = [
    { entry: 'indexeddb', args: "{ dbName: 'app', storeName: 'cache' }", type: 'IndexedDBBackendArguments', cls: 'IndexedDBBackend', other: 'localstorage', otherCode: ['LocalStorageBackend', 'dogpile-cache:invalidate:ls:', 'non-POJO'] },
    { entry: 'localstorage', args: "{ prefix: 'app:' }", type: 'LocalStorageBackendArguments', cls: 'LocalStorageBackend', other: 'indexeddb', otherCode: ['IndexedDBBackend', 'dogpile-cache:invalidate:idb:', 'upgradeneeded'] },
  ];
  const dir = join(work, 'entries');
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'dogpile-cache-entries-app', private: true, type: 'module',
    dependencies: { 'dogpile-cache': `file:${tarball}` },
    devDependencies: { vite: devVersions.vite },
  }, null, 2));
  for (const { entry, args, type, cls, other } of entries) {
    // Type-checked alone: the entry's registry augmentation names its backend, and only it.
    writeFileSync(join(dir, `src/${entry}.ts`), [
      `import { makeRegion } from 'dogpile-cache';`,
      `import { ${cls}, type ${type} } from 'dogpile-cache/${entry}';`,
      `const args: ${type} = ${args};`,
      `const region = makeRegion({ name: 'app' }).configure('${entry}', { arguments: args });`,
      `export const isBackend: boolean = region.actualBackend instanceof ${cls};`,
      `// @ts-expect-error '${other}' is registered by its own entry, not this one`,
      `makeRegion().configure('${other}');`,
      '',
    ].join('\n'));
    writeFileSync(join(dir, `${entry}.html`), `<!doctype html><script type="module" src="/src/${entry}-page.ts"></script>\n`);
    // What an app that registers by a bare import and names the backend by string bundles.
    writeFileSync(join(dir, `src/${entry}-page.ts`), `import { makeRegion } from 'dogpile-cache';\nimport 'dogpile-cache/${entry}';\nvoid makeRegion({ name: 'app' }).configure('${entry}').getOrCreate('k', () => 1);\n`);
  }
  await step('entries: npm install the tarball', () => {
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  });
  for (const { entry } of entries) {
    for (const resolution of ['Bundler', 'Node10']) {
      await step(`dogpile-cache/${entry}: tsc, moduleResolution ${resolution}`, () => {
        const config = join(dir, `tsconfig.${entry}.json`);
        writeFileSync(config, JSON.stringify({ compilerOptions: {
          target: 'ES2022', module: 'ESNext', moduleResolution: resolution, lib: ['ES2022', 'DOM', 'DOM.Iterable'], strict: true, noEmit: true,
          skipLibCheck: false, types: [],
        }, files: [`src/${entry}.ts`] }, null, 2));
        run(process.execPath, [tsc, '-p', config], dir);
      });
    }
  }
  for (const { entry, cls, other } of entries) {
    await step(`dogpile-cache/${entry}: registers ${entry} alone, in Node`, () => {
      const out = run(process.execPath, ['--input-type=module', '-e', `
        import { makeRegion, PluginNotFound } from 'dogpile-cache';
        import { ${cls} } from 'dogpile-cache/${entry}';
        const region = makeRegion({ name: 'app' }).configure('${entry}');
        let otherMissing = false;
        try { makeRegion().configure('${other}'); } catch (e) { otherMissing = e instanceof PluginNotFound; }
        const registered = region.actualBackend instanceof ${cls};
        region.close();
        console.log(JSON.stringify({ registered, otherMissing }));
      `], dir);
      const result = JSON.parse(out.trim().split('\n').pop());
      if (!result.registered || !result.otherMissing) throw new Error(`dogpile-cache/${entry}: ${out}`);
    });
  }
  for (const { entry, cls, otherCode } of entries) {
    await step(`dogpile-cache/${entry}: vite build keeps the registration, leaves the other backend out`, () => {
      writeFileSync(join(dir, 'vite.config.js'), `export default { logLevel: 'warn', build: { outDir: 'dist-${entry}', rollupOptions: { input: '${entry}.html' } } };\n`);
      run(process.execPath, [join(dir, 'node_modules/vite/bin/vite.js'), 'build'], dir);
      const assets = join(dir, `dist-${entry}/assets`);
      const js = readdirSync(assets).filter((file) => file.endsWith('.js')).map((file) => readFileSync(join(assets, file), 'utf8')).join('');
      // The backend's label stays through minification; a dropped registration would drop the backend with it.
      if (!js.includes(cls)) throw new Error(`the bundle does not register the ${entry} backend`);
      const found = otherCode.filter((text) => js.includes(text));
      if (found.length > 0) throw new Error(`the bundle of dogpile-cache/${entry} contains the other backend's code: ${found.join(', ')}`);
    });
  }
}
/** `dogpile-cache/otel` from the tarball: types under both resolutions, and metrics through the SDK in Node. */
async function otelEntry(tarball) {
  const dir = join(work, 'otel');
  mkdirSync(join(dir, 'src'), { recursive: true });
  const pin = (names) => Object.fromEntries(names.map((name) => [name, devVersions[name]]));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'dogpile-cache-otel-app', private: true, type: 'module',
    dependencies: { 'dogpile-cache': `file:${tarball}`, ...pin(['@opentelemetry/api', '@opentelemetry/sdk-metrics']) },
  }, null, 2));
  writeFileSync(join(dir, 'src/main.ts'), [
    `import { makeRegion } from 'dogpile-cache';`,
    `import { instrumentRegion, type InstrumentRegionOptions } from 'dogpile-cache/otel';`,
    `import { metrics } from '@opentelemetry/api';`,
    `const options: InstrumentRegionOptions = { meter: metrics.getMeter('app'), attributes: { 'app.tier': 'edge' } };`,
    `export const stop: () => void = instrumentRegion(makeRegion({ name: 'app' }).configure('memory'), options);`,
    '',
  ].join('\n'));
  await step('otel: npm install the tarball with @opentelemetry/api', () => {
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  });
  // lib dom: @opentelemetry/api's own declarations name `console` (a Node app gets it from @types/node).
  for (const resolution of ['Bundler', 'Node10']) {
    await step(`dogpile-cache/otel: tsc, moduleResolution ${resolution}`, () => {
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: {
        target: 'ES2022', module: 'ESNext', moduleResolution: resolution, lib: ['ES2022', 'DOM'], strict: true, noEmit: true,
        skipLibCheck: false, types: [],
      }, include: ['src'] }, null, 2));
      run(process.execPath, [tsc, '-p', dir], dir);
    });
  }
  await step('dogpile-cache/otel: counts hits and misses through the metrics SDK, in Node', () => {
    const out = run(process.execPath, ['--input-type=module', '-e', `
      import { makeRegion } from 'dogpile-cache';
      import { instrumentRegion } from 'dogpile-cache/otel';
      import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
      class Reader extends MetricReader { onShutdown() { return Promise.resolve(); } onForceFlush() { return Promise.resolve(); } }
      const reader = new Reader();
      const region = makeRegion({ name: 'app' }).configure('memory');
      const stop = instrumentRegion(region, { meterProvider: new MeterProvider({ readers: [reader] }) });
      await region.getOrCreate('k', () => 1);
      await region.get('k');
      stop();
      const { resourceMetrics } = await reader.collect();
      const found = Object.fromEntries(resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics)
        .map((metric) => [metric.descriptor.name, metric.dataPoints.map((point) => ({ value: point.value, attributes: point.attributes }))]));
      console.log(JSON.stringify({ hits: found['dogpile_cache.hits'], misses: found['dogpile_cache.misses'] }));
    `], dir);
    const { hits, misses } = JSON.parse(out.trim().split('\n').pop());
    const attributes = { 'dogpile_cache.region': 'app', 'dogpile_cache.backend': 'MemoryBackend' };
    const expected = JSON.stringify({ hits: [{ value: 1, attributes }], misses: [{ value: 1, attributes }] });
    if (JSON.stringify({ hits, misses }) !== expected) throw new Error(`dogpile-cache/otel: ${out}`);
  });
}
console.log(`packaging: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
