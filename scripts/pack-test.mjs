// The packaging test (`npm test` runs it after the build): packs the package,
// lints it with publint, installs the tarball into two fresh apps (React and
// Preact) whose entry is the README's quick start, type-checks each app with
// skipLibCheck off under moduleResolution bundler and node (typesVersions),
// and builds each with Vite. Installs prefer the local npm cache.
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
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`packaging: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
