// The demo app: Vite + Preact, using the library by name (aliased to its
// TypeScript sources, so it runs from a fresh clone without a build), and
// the slow local API served by this same server.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { serverSide } from './api/server-side.js';
import { slowApi } from './api/slow-api.js';

const src = (path: string) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));

/** Port of the demo server: `DEMO_PORT`, default 5173. */
export const demoPort = Number(process.env.DEMO_PORT || 5173);

const server = {
  host: '127.0.0.1',
  port: demoPort,
  strictPort: true,
  // The demo is a fixed app: no hot reload, so edits elsewhere in the tree never reload open tabs.
  hmr: false,
  watch: null,
  fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  clearScreen: false,
  logLevel: process.env.DEMO_LOG_LEVEL === 'info' ? 'info' : 'warn',
  resolve: {
    alias: [
      { find: /^dogpile-cache$/, replacement: src('index.ts') },
      { find: /^dogpile-cache\/(browser|devtools|worker|preact)$/, replacement: src('$1/index.ts') },
    ],
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [serverSide(), slowApi()],
  server,
  preview: { host: server.host, port: demoPort, strictPort: true },
  // Dependencies are plain ESM: serve them as they are, so the first visit
  // never triggers an optimizer pass and a reload.
  optimizeDeps: { noDiscovery: true, include: [] },
  build: { outDir: fileURLToPath(new URL('../dist-demo', import.meta.url)), emptyOutDir: true, target: 'es2022' },
});
