// The built `dogpile-cache/redis` entry, imported by name through package.json
// `exports` in a plain Node process, as a user's server would. Needs `npm run build`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { uniquePrefix } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the built redis entry', () => {
  it('registers the redis backend on import and works against the server', () => {
    expect(existsSync(root + 'dist/redis.js'), 'dist/redis.js is missing: run `npm run build` first').toBe(true);
    const source = `
      import { makeRegion } from 'dogpile-cache';
      import { RedisUnavailableError, RedisBackend } from 'dogpile-cache/redis';
      const region = makeRegion({ name: 'pkg' }).configure('redis', {
        expirationTime: 60000,
        arguments: { url: ${JSON.stringify(inject('redisUrl'))}, prefix: ${JSON.stringify(uniquePrefix())} },
      });
      let calls = 0;
      const values = await Promise.all([1, 2, 3].map(() => region.getOrCreate('k', async () => ++calls)));
      const stored = await region.get('k');
      const backend = region.backend;
      console.log(JSON.stringify({ values, calls, stored, isRedis: backend instanceof RedisBackend, typed: new RedisUnavailableError('x').name }));
      await backend.close();
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', source], { cwd: root, encoding: 'utf8', timeout: 15_000 });
    expect(JSON.parse(out)).toEqual({ values: [1, 1, 1], calls: 1, stored: 1, isRedis: true, typed: 'RedisUnavailableError' });
  });
});
