// Runs test/react against another React build, to check the peer range:
//   npm install --prefix <dir> react@18.3.1 react-dom@18.3.1
//   REACT_DIR=<dir>/node_modules npx vitest run --config test/react/peer-range.config.ts test/react
import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import base from '../../vite.config.js';

const dir = process.env.REACT_DIR;
if (!dir) throw new Error('set REACT_DIR to the node_modules folder holding react and react-dom');

export default mergeConfig(base, {
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    // React is CommonJS: Node loads it from there, and react-dom finds the same copy beside it.
    alias: [{ find: /^(react|react-dom)(\/.*)?$/, replacement: `${dir}/$1$2` }],
  },
});
