// Runs test/preact against another Preact build, to check the peer range:
//   npm install --prefix <dir> preact@10.19.0
//   PREACT_DIR=<dir>/node_modules/preact npx vitest run --config test/preact/peer-range.config.ts test/preact
import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import base from '../../vite.config.js';

const dir = process.env.PREACT_DIR;
if (!dir) throw new Error('set PREACT_DIR to the preact package folder to test against');

export default mergeConfig(base, {
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    // Every importer, preact-render-to-string included, gets that one copy of Preact, in one format.
    alias: [
      { find: /^preact$/, replacement: `${dir}/dist/preact.module.js` },
      { find: /^preact\/hooks$/, replacement: `${dir}/hooks/dist/hooks.module.js` },
      { find: /^preact\/debug$/, replacement: `${dir}/debug/dist/debug.module.js` },
      { find: /^preact\/devtools$/, replacement: `${dir}/devtools/dist/devtools.module.js` },
      { find: /^preact\/test-utils$/, replacement: `${dir}/test-utils/dist/testUtils.module.js` },
      { find: /^preact\/jsx-runtime$/, replacement: `${dir}/jsx-runtime/dist/jsxRuntime.module.js` },
    ],
    server: { deps: { inline: [/preact/] } },
  },
});
