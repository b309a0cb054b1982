// Serves e2e/pages over http://127.0.0.1 (a secure context: Web Locks and
// IndexedDB need one), compiling the library's TypeScript sources on the fly.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const src = (path: string) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));
const port = Number(process.env.E2E_PORT || 5180);

export default defineConfig({
  root: fileURLToPath(new URL('./pages', import.meta.url)),
  logLevel: 'warn',
  clearScreen: false,
  resolve: {
    alias: [
      { find: /^dogpile-cache$/, replacement: src('index.ts') },
      { find: /^dogpile-cache\/indexeddb$/, replacement: src('browser/indexeddb/index.ts') },
      { find: /^dogpile-cache\/localstorage$/, replacement: src('browser/local-storage/index.ts') },
      { find: /^dogpile-cache\/(browser|devtools|worker|preact|react)$/, replacement: src('$1/index.ts') },
    ],
  },
  server: {
    host: '127.0.0.1',
    port,
    strictPort: true,
    // The insecure-context tests reach this server as http://dogpile-insecure.test (mapped to 127.0.0.1 by Chromium).
    allowedHosts: ['dogpile-insecure.test'],
    hmr: false,
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
  },
  // React ships CommonJS: the React pages need it pre-bundled as ES modules.
  optimizeDeps: { noDiscovery: true, include: ['react', 'react-dom/client'] },
});
