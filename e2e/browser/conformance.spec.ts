import { expect, test } from '@playwright/test';
import { BACKENDS, openTab } from './tabs.js';

for (const backend of BACKENDS) {
  test(`${backend}: the shared backend conformance suite passes in Chromium`, async ({ context }) => {
    const page = await openTab(context);
    const results = await page.evaluate((backend) => window.dc.conformance(backend), backend);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    // Every check applies: both backends have keys() and a mutex.
    expect(results.map((r) => r.name)).toContain('the backend mutex excludes a second holder until released');
    expect(results.map((r) => r.name)).toContain('keys() lists stored keys');
    // And clear() and maxEntries, which both take.
    expect(results.map((r) => r.name)).toContain('clear() removes every entry, says how many, and the backend works on');
    expect(results.map((r) => r.name)).toContain('maxEntries: writes past the cap remove the least recently written entries');
    expect(results.length).toBeGreaterThanOrEqual(16);
  });
}
