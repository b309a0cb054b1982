// Builds the unpacked extension into devtools-extension/dist:
// the panel and DevTools pages plus the service worker as ES modules, and the
// content script as one classic script (Chrome does not load content scripts
// as modules). Load the folder with chrome://extensions > "Load unpacked";
// devtools-extension/dogpile-cache-devtools.zip holds the same files, to
// publish or to hand to someone.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { zipExtension } from './zip.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const outDir = `${here}dist`;
const shared = {
  configFile: false,
  root: here,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
};

await build({
  ...shared,
  base: './',
  publicDir: `${here}public`,
  build: {
    outDir,
    emptyOutDir: true,
    target: 'chrome116',
    minify: false,
    sourcemap: true,
    modulePreload: false,
    rolldownOptions: {
      input: {
        panel: `${here}panel.html`,
        devtools: `${here}devtools.html`,
        background: `${here}src/background.ts`,
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'background' ? 'background.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});

await build({
  ...shared,
  publicDir: false,
  build: {
    outDir,
    emptyOutDir: false,
    target: 'chrome116',
    minify: false,
    sourcemap: true,
    lib: { entry: `${here}src/content-script.ts`, formats: ['iife'], name: 'dogpileCacheDevtoolsRelay', fileName: () => 'content-script.js' },
  },
});

const zipPath = `${here}dogpile-cache-devtools.zip`;
const packed = zipExtension(outDir, zipPath);
console.log(`extension: built ${outDir} and ${zipPath} (${packed} files)`);
