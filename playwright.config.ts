import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath, testServerOrigin, testServerPort } from './e2e/chromium.js';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  // Cross-tab tests measure who ran a creator; on 2 cores they stay reliable one file at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: testServerOrigin,
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    trace: 'off',
  },
  webServer: {
    command: `npx vite --config e2e/vite.config.ts --port ${testServerPort}`,
    url: `${testServerOrigin}/index.html`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
