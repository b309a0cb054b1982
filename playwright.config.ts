import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath, testServerOrigin, testServerPort } from './e2e/chromium.js';
import { demoServerOrigin, demoServerPort } from './e2e/demo/server.js';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  // Cross-tab tests measure who ran a creator; on 2 cores they stay reliable one file at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  // Waits (not assertions on speed): a cold first run on 2 busy cores is slow to settle.
  expect: { timeout: 15_000 },
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: testServerOrigin,
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    trace: 'off',
  },
  webServer: [
    {
      command: `npx vite --config e2e/vite.config.ts --port ${testServerPort}`,
      url: `${testServerOrigin}/index.html`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      // The demo app and its slow API (e2e/demo).
      command: 'npx vite --config demo/vite.config.ts',
      url: `${demoServerOrigin}/api/requests`,
      env: { DEMO_PORT: String(demoServerPort), DEMO_API_DELAY_MS: '500' },
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
  ],
});
