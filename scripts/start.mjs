// `npm start`: installs what is missing, builds the library (and the devtools
// extension), then serves the demo app and its slow API, and says where
// both are. Options: `--skip-build`; env DEMO_PORT (default 5173; the next
// free port is taken when it is busy), DEMO_API_DELAY_MS (default 800).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`start: "${[command, ...args].join(' ')}" failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status || 1);
  }
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
run(process.execPath, ['scripts/ensure-deps.mjs']);

if (!process.argv.includes('--skip-build')) {
  console.log('start: building the library (npm run build)...');
  run(npm, ['run', '--silent', 'build']);
  const { scripts = {} } = JSON.parse(readFileSync('package.json', 'utf8'));
  // The extension has its own build script; run it unless `build` already does.
  if (scripts['build:extension'] && !String(scripts.build).includes('build:extension')) {
    console.log('start: building the devtools extension (npm run build:extension)...');
    run(npm, ['run', '--silent', 'build:extension']);
  }
}

const { createServer } = await import('vite');
const port = Number(process.env.DEMO_PORT || 5173);
const server = await createServer({
  configFile: join(root, 'demo/vite.config.ts'),
  server: { port, strictPort: false },
});
await server.listen();

const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
const extensionDir = join(root, 'devtools-extension', 'dist');
const extension = existsSync(join(extensionDir, 'manifest.json'))
  ? `${extensionDir}\n               (chrome://extensions -> Developer mode -> Load unpacked; then DevTools -> "dogpile-cache")`
  : 'not built (devtools-extension/dist/manifest.json is missing)';

console.log(`
  dogpile-cache demo is running

  Demo:        ${url}
  Extension:   ${extension}
  API counts:  ${new URL('api/requests', url)}

  Open the demo in two tabs and press the buttons. Ctrl+C stops the server.
`);

// The server side (three Node processes on Redis) starts in the background; say how it went.
void (async () => {
  for (let i = 0; i < 60; i++) {
    const status = await fetch(new URL('api/server/status', url)).then((r) => r.json(), () => undefined);
    if (status?.state === 'running') return console.log(`  Server side: ${status.processes.length} Node processes on one Redis region (${status.redis})\n`);
    if (status?.state === 'off') return console.log(`  Server side: off (${status.reason})\n`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
})();

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (closing) return;
    closing = true;
    await server.close();
    process.exit(0);
  });
}
