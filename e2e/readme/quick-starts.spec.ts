import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { build } from 'vite';

// The README's React (and Preact) quick start as a new user runs it: the block
// itself (test/types/fixtures/readme/*-quick-start.tsx, which test/types/readme.test.ts
// keeps equal to the README), built with Vite against the built package (dist/),
// served with an API that counts the requests it answers, in two tabs.

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = (file: string) => join(root, 'dist', file);
let work: string;
let server: Server;
let origin: string;
let requests = 0;
const frameworks = ['react', 'preact'] as const;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  if (!existsSync(dist('react.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  // Inside the repository, so that the frameworks resolve from its node_modules.
  mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
  work = mkdtempSync(join(root, 'node_modules/.cache/readme-apps-'));
  for (const framework of frameworks) {
    const app = join(work, framework);
    mkdirSync(app);
    writeFileSync(join(app, 'index.html'), '<!doctype html><title>app</title><div id="root"></div><script type="module" src="./main.tsx"></script>\n');
    copyFileSync(join(root, `test/types/fixtures/readme/${framework}-quick-start.tsx`), join(app, 'main.tsx'));
    await build({
      root: app,
      base: `/${framework}/`,
      configFile: false,
      logLevel: 'warn',
      oxc: { jsx: { runtime: 'automatic', importSource: framework } },
      resolve: {
        alias: [
          { find: /^dogpile-cache$/, replacement: dist('index.js') },
          { find: /^dogpile-cache\/(browser|react|preact)$/, replacement: dist('$1.js') },
        ],
      },
      build: { outDir: join(work, 'dist', framework), emptyOutDir: true },
    });
  }
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
  server = createServer((request, response) => {
    const path = new URL(request.url!, 'http://x').pathname;
    if (path === '/api/users/1') {
      const n = ++requests;
      // Slow enough that the second tab asks while the first tab's fetch is in flight.
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 1, name: `Ada #${n}` })), 500);
      return;
    }
    if (path === '/favicon.ico') return void response.writeHead(204).end();
    const file = join(work, 'dist', path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(join(work, 'dist')) || !existsSync(file)) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (work) rmSync(work, { recursive: true, force: true });
});

const card = (page: Page) => page.locator('#root p');

for (const framework of frameworks) {
  test(`two tabs of the README ${framework} app: one request for both, a refresh in one re-renders the other, a reload reads IndexedDB`, async ({ context }) => {
    requests = 0;
    const problems: string[] = [];
    const [a, b] = [await context.newPage(), await context.newPage()];
    for (const page of [a, b]) {
      page.on('pageerror', (error) => problems.push(String(error)));
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    }
    await Promise.all([a.goto(`${origin}/${framework}/`), b.goto(`${origin}/${framework}/`)]);
    await expect(card(a)).toHaveText('Ada #1 Refresh');
    await expect(card(b)).toHaveText('Ada #1 Refresh');
    expect(requests).toBe(1);

    await b.getByRole('button', { name: 'Refresh' }).click();
    await expect(card(b)).toHaveText('Ada #2 Refresh');
    await expect(card(a)).toHaveText('Ada #2 Refresh');
    expect(requests).toBe(2);

    await a.reload();
    await expect(card(a)).toHaveText('Ada #2 Refresh');
    expect(requests).toBe(2);
    expect(problems).toEqual([]);
  });
}
