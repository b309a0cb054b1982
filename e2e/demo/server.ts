/**
 * Where the Playwright run serves the demo (demo/vite.config.ts): port
 * `DEMO_E2E_PORT`, default E2E_PORT + 1000 (6180), so runs that use their
 * own E2E_PORT also get their own demo server.
 */
import { testServerPort } from '../chromium.js';

export const demoServerPort = Number(process.env.DEMO_E2E_PORT || testServerPort + 1000);
export const demoServerOrigin = `http://127.0.0.1:${demoServerPort}`;
