// The built package, imported by name through package.json `exports`, as a
// user's Node program would. `npm test` builds before running this.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(root + 'package.json', 'utf8'));

function runNode(source: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', source], { cwd: root, encoding: 'utf8' });
}

describe('the built package', () => {
  it('has been built (npm run build)', () => {
    expect(existsSync(root + 'dist/index.js'), 'dist/index.js is missing: run `npm run build` first').toBe(true);
    expect(existsSync(root + 'dist/index.d.ts')).toBe(true);
  });

  it('imports by name in Node and works', () => {
    const out = runNode(`
      import { makeRegion, NO_VALUE, PluginNotFound } from 'dogpile-cache';
      const region = makeRegion({ name: 'pkg' }).configure('memory', { expirationTime: 1000 });
      let calls = 0;
      const values = await Promise.all([1, 2, 3].map(() => region.getOrCreate('k', async () => ++calls)));
      let notFound = false;
      try { makeRegion().configure('nope'); } catch (e) { notFound = e instanceof PluginNotFound; }
      console.log(JSON.stringify({ values, calls, miss: (await region.get('x')) === NO_VALUE, notFound }));
    `);
    expect(JSON.parse(out)).toEqual({ values: [1, 1, 1], calls: 1, miss: true, notFound: true });
  });

  it('lists types first in every export condition, and every listed file exists', () => {
    for (const [entry, target] of Object.entries(pkg.exports as Record<string, unknown>)) {
      if (typeof target === 'string') continue;
      const conditions = Object.keys(target as object);
      expect(conditions[0], `${entry}: "types" must come first`).toBe('types');
      const files = Object.values(target as Record<string, string>);
      // `npm test` builds before it runs this: every declared file must be there.
      const missing = files.filter((file) => !existsSync(root + file));
      expect(missing, `${entry}: missing ${missing.join(', ')}`).toEqual([]);
    }
    expect(existsSync(root + 'dist/index.js')).toBe(true);
  });

  it('marks only the backend-registering entries (browser, indexeddb, localstorage, redis) as having side effects', () => {
    for (const file of ['./dist/browser.js', './dist/indexeddb.js', './dist/localstorage.js', './dist/redis.js']) expect(pkg.sideEffects).toContain(file);
    expect(pkg.sideEffects.every((file: string) => /browser|indexeddb|localstorage|redis/.test(file))).toBe(true);
  });
});
