/**
 * How the tests and benchmarks start Chromium: Debian's build (Playwright
 * cannot download its own here), with flags that keep it off the network.
 */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Background tabs must keep running timers: cross-tab tests drive several at once.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** Port of the test page server (e2e/vite.config.ts). */
export const testServerPort = Number(process.env.E2E_PORT || 5180);
export const testServerOrigin = `http://127.0.0.1:${testServerPort}`;
