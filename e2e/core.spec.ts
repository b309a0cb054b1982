import { expect, test } from '@playwright/test';

test('the core runs in Chromium: one creator for 200 concurrent callers', async ({ page }) => {
  await page.goto('/index.html');
  await page.waitForFunction(() => 'dogpile' in window);
  const result = await page.evaluate(async () => {
    const region = window.dogpile.makeRegion({ name: 'smoke' }).configure('memory', { expirationTime: 60_000 });
    let calls = 0;
    const creator = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 'value';
    };
    const values = await Promise.all(Array.from({ length: 200 }, () => region.getOrCreate('k', creator)));
    return { calls, distinct: [...new Set(values)], stats: region.stats, secure: window.isSecureContext };
  });
  expect(result.secure).toBe(true);
  expect(result.calls).toBe(1);
  expect(result.distinct).toEqual(['value']);
  expect(result.stats.creations).toBe(1);
  expect(result.stats.waits).toBe(199);
});
