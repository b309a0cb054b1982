/// <reference types="vitest/config" />
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Public entry points: `dogpile-cache`, `dogpile-cache/browser`, ... (see package.json `exports`). */
const entries = {
  index: 'src/index.ts',
  browser: 'src/browser/index.ts',
  indexeddb: 'src/browser/indexeddb/index.ts',
  localstorage: 'src/browser/local-storage/index.ts',
  devtools: 'src/devtools/index.ts',
  worker: 'src/worker/index.ts',
  preact: 'src/preact/index.ts',
  redis: 'src/redis/index.ts',
  react: 'src/react/index.ts',
  otel: 'src/otel/index.ts',
};

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    target: 'es2022',
    lib: {
      entry: Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(root + file))),
      formats: ['es'],
    },
    rolldownOptions: {
      // Dependencies stay imports, so the user's bundler dedupes and tree-shakes them.
      external: [/^@noble\/hashes/, /^idb($|\/)/, /^devalue($|\/)/, /^comlink($|\/)/, /^preact($|\/)/, /^preact-render-to-string($|\/)/, /^react($|\/)/, /^react-dom($|\/)/, /^redis($|\/)/, /^@redis\//, /^@opentelemetry\//, /^node:/],
    },
  },
  test: {
    // Tests import the package by name, as users do, but run against the sources.
    alias: [
      { find: /^dogpile-cache$/, replacement: root + 'src/index.ts' },
      { find: /^dogpile-cache\/indexeddb$/, replacement: root + 'src/browser/indexeddb/index.ts' },
      { find: /^dogpile-cache\/localstorage$/, replacement: root + 'src/browser/local-storage/index.ts' },
      { find: /^dogpile-cache\/(browser|devtools|worker|preact|react|redis|otel)$/, replacement: root + 'src/$1/index.ts' },
    ],
    environment: 'node',
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['test/redis/**', '**/node_modules/**'],
        },
      },
      {
        // Against a real redis-server that the globalSetup starts on a free loopback port (and stops).
        extends: true,
        test: {
          name: 'redis',
          include: ['test/redis/**/*.test.ts'],
          globalSetup: ['test/redis/global-setup.ts'],
          // The multi-process tests fork their own processes; running files one at a time keeps 2 cores usable.
          fileParallelism: false,
        },
      },
    ],
  },
});
