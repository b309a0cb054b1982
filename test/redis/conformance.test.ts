import { afterAll, describe, it } from 'vitest';
import { inject } from 'vitest';
import { makeRegion } from 'dogpile-cache';
import { RedisBackend } from 'dogpile-cache/redis';
import { applicableChecks, type ConformanceTarget } from '../conformance/backend-suite.js';
import { uniquePrefix } from './helpers.js';

const opened = new Set<RedisBackend>();

const targets: ConformanceTarget[] = [
  {
    name: 'redis',
    create: () => {
      const backend = new RedisBackend({ url: inject('redisUrl'), prefix: uniquePrefix() });
      opened.add(backend);
      return backend;
    },
    dispose: async (backend) => {
      opened.delete(backend as RedisBackend);
      await (backend as RedisBackend).close();
    },
  },
  {
    name: 'redis (by name)',
    create: () => {
      const backend = makeRegion().configure('redis', { arguments: { url: inject('redisUrl'), prefix: uniquePrefix() } }).backend as RedisBackend;
      opened.add(backend);
      return backend;
    },
    dispose: async (backend) => {
      opened.delete(backend as RedisBackend);
      await (backend as RedisBackend).close();
    },
  },
];

afterAll(async () => {
  await Promise.all([...opened].map((backend) => backend.close()));
});

for (const target of targets) {
  describe(`backend conformance: ${target.name}`, () => {
    const probe = target.create() as RedisBackend;
    const checks = applicableChecks(probe);
    void target.dispose?.(probe);
    for (const check of checks) {
      it(check.name, () => check.run(target));
    }
  });
}
