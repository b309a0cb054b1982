// Both storage backends give back, in another tab, every value of the
// fidelity table as it was written (structured clone's semantics), and
// refuse what they cannot store with ValueNotStorableError.
import { expect, test } from '@playwright/test';
import { BACKENDS, openTabs, uniqueName } from './tabs.js';

for (const backend of BACKENDS) {
  test.describe(backend, () => {
    test('values written in one tab read back the same in another', async ({ context }) => {
      const [writer, reader] = await openTabs(context, 2);
      const name = uniqueName('fidelity');
      const args = backend === 'localstorage' ? { prefix: `${name}:` } : { dbName: name };
      for (const tab of [writer!, reader!]) await tab.evaluate(([b, n, a]) => window.dc.setup('r', { backend: b as 'localstorage', name: n, args: a }), [backend, name, args] as const);
      const written = await writer!.evaluate(() => window.dc.writeFidelity('r'));
      expect(Object.keys(written).length).toBeGreaterThan(25);
      // localStorage reaches another tab's copy asynchronously: wait until every entry has arrived.
      await expect.poll(async () => Object.values(await reader!.evaluate(() => window.dc.readFidelity('r'))).filter((v) => v === 'NO_VALUE').length).toBe(0);
      const read = await reader!.evaluate(() => window.dc.readFidelity('r'));
      for (const key of Object.keys(written)) expect(read[key], key).toEqual(written[key]);
    });

    test('values it cannot store are refused with ValueNotStorableError naming the region and key', async ({ context }) => {
      const [tab] = await openTabs(context, 1);
      const name = uniqueName('refuse');
      const args = backend === 'localstorage' ? { prefix: `${name}:` } : { dbName: name };
      await tab!.evaluate(([b, n, a]) => window.dc.setup('r', { backend: b as 'localstorage', name: n, args: a }), [backend, name, args] as const);
      const results = await tab!.evaluate(() => window.dc.tryUnstorable('r'));
      expect(Object.keys(results)).toContain('DOM node');
      for (const [value, result] of Object.entries(results)) {
        expect(result.error, value).toBe('ValueNotStorableError');
        expect(result.message, value).toContain(`"${name}"`);
        expect(result.message, value).toContain(`"refused ${value}"`);
        expect(result.stored, value).toBe(false);
      }
    });
  });
}
