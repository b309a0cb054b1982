// Compiles a TypeScript entry into one Node script with Vite, with
// `dogpile-cache` and `dogpile-cache/redis` resolved to the sources (other
// packages stay imports). The Redis tests, the Redis bench and the demo's
// server processes run what it builds.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Builds `entry` (a path from the repository root) into `outDir/fileName`.
 *
 * @param {{ entry: string, outDir: string, fileName: string, minify?: boolean }} options
 * @returns {Promise<string>} the built script's path
 */
export async function buildNodeScript({ entry, outDir, fileName, minify = false }) {
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    resolve: {
      alias: [
        { find: /^dogpile-cache$/, replacement: resolve(root, 'src/index.ts') },
        { find: /^dogpile-cache\/redis$/, replacement: resolve(root, 'src/redis/index.ts') },
      ],
    },
    build: {
      ssr: resolve(root, entry),
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify,
      rolldownOptions: { output: { entryFileNames: fileName } },
    },
  });
  return resolve(outDir, fileName);
}
