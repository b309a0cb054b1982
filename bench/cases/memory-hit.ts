/**
 * Suite 1, memory hit: reading a cached value that is present and fresh,
 * through each library's "get or create" call, next to the floors (a bare
 * `Map.get`, and the same behind one `await`).
 *
 * @module
 */
import { QueryClient } from '@tanstack/query-core';
import { createCache } from 'cache-manager';
import { makeRegion } from 'dogpile-cache';
import { LRUCache } from 'lru-cache';
import type { Suite } from './harness.js';

/** Lifetime given to every library, so each checks an expiry on a hit. */
const TTL = 60_000;

interface User {
  id: number;
  name: string;
}

const loadUser = async (id: number): Promise<User> => ({ id, name: `user ${id}` });

/** The memory-hit suite; `baseline` is lru-cache `fetch`, the call the target names. */
export function memoryHitSuite(): Suite {
  return {
    id: 'memory-hit',
    title: 'Memory hit: get-or-create of a present, fresh key',
    baseline: 'lru-cache fetch',
    metric: 'nsPerUnit',
    cases: [
      {
        kind: 'throughput',
        name: 'Map.get (floor)',
        library: '(platform)',
        async: false,
        async setup() {
          const map = new Map<string, User>([['user:1', await loadUser(1)]]);
          return () => map.get('user:1');
        },
      },
      {
        kind: 'throughput',
        name: 'await Promise.resolve(Map.get) (floor)',
        library: '(platform)',
        async: true,
        async setup() {
          const map = new Map<string, User>([['user:1', await loadUser(1)]]);
          return () => Promise.resolve(map.get('user:1'));
        },
      },
      {
        kind: 'throughput',
        name: 'dogpile getOrCreate',
        library: 'dogpile-cache',
        async: true,
        async setup() {
          const region = makeRegion({ name: 'bench-hit' }).configure('memory', { expirationTime: TTL });
          const creator = () => loadUser(1);
          await region.getOrCreate('user:1', creator);
          return () => region.getOrCreate('user:1', creator);
        },
      },
      {
        kind: 'throughput',
        name: 'dogpile get',
        library: 'dogpile-cache',
        async: true,
        async setup() {
          const region = makeRegion({ name: 'bench-get' }).configure('memory', { expirationTime: TTL });
          await region.set('user:1', await loadUser(1));
          return () => region.get('user:1');
        },
      },
      {
        kind: 'throughput',
        name: 'dogpile cacheOnArguments fn(1)',
        library: 'dogpile-cache',
        async: true,
        async setup() {
          const region = makeRegion({ name: 'bench-decorator' }).configure('memory', { expirationTime: TTL });
          const cached = region.cacheOnArguments()(loadUser);
          await cached(1);
          return () => cached(1);
        },
      },
      {
        kind: 'throughput',
        name: 'lru-cache get',
        library: 'lru-cache',
        async: false,
        async setup() {
          const lru = new LRUCache<string, User>({ max: 1000, ttl: TTL });
          lru.set('user:1', await loadUser(1));
          return () => lru.get('user:1');
        },
      },
      {
        kind: 'throughput',
        name: 'lru-cache fetch',
        library: 'lru-cache',
        async: true,
        async setup() {
          const lru = new LRUCache<string, User>({ max: 1000, ttl: TTL, fetchMethod: () => loadUser(1) });
          await lru.fetch('user:1');
          return () => lru.fetch('user:1');
        },
      },
      {
        kind: 'throughput',
        name: 'cache-manager wrap',
        library: 'cache-manager',
        async: true,
        async setup() {
          const cache = createCache({ ttl: TTL });
          const creator = () => loadUser(1);
          await cache.wrap('user:1', creator);
          return () => cache.wrap('user:1', creator);
        },
      },
      {
        kind: 'throughput',
        name: 'query-core ensureQueryData',
        library: '@tanstack/query-core',
        async: true,
        async setup() {
          const client = new QueryClient({ defaultOptions: { queries: { staleTime: TTL } } });
          const options = { queryKey: ['user', 1], queryFn: () => loadUser(1) };
          await client.ensureQueryData(options);
          return () => client.ensureQueryData(options);
        },
      },
      {
        kind: 'throughput',
        name: 'query-core fetchQuery',
        library: '@tanstack/query-core',
        async: true,
        async setup() {
          const client = new QueryClient({ defaultOptions: { queries: { staleTime: TTL } } });
          const options = { queryKey: ['user', 1], queryFn: () => loadUser(1) };
          await client.fetchQuery(options);
          return () => client.fetchQuery(options);
        },
      },
    ],
  };
}
