/**
 * `dogpile-cache/redis`: the `redis` backend for Node, on the official
 * node-redis client (the `redis` package, an optional peer dependency).
 * Importing this entry registers the backend, so
 * `region.configure('redis', { arguments: { url } })` works afterwards.
 *
 * @module
 */
import { registerBackend } from '../registry.js';
import { redisBackendFactory } from './backend.js';

import type { RedisBackendArguments } from './backend.js';

// Importing this entry makes TypeScript know the name too, as at run time.
declare module '../registry.js' {
  interface BackendRegistry {
    redis: RedisBackendArguments;
  }
}

registerBackend('redis', redisBackendFactory);

export { RedisBackend, redisBackendFactory, type RedisBackendArguments } from './backend.js';
export { RedisUnavailableError } from './errors.js';
export { RedisLock, type RedisLockContext } from './redis-lock.js';
export { RedisInvalidationStrategy, compareInvalidations, type RedisInvalidationRecord, type RedisInvalidationOptions } from './invalidation.js';
export { KeySpace } from './key-space.js';
export type { RedisClientLike, RedisClusterLike, RedisSentinelLike, RedisArgument, TargetKind as RedisDeployment } from './targets.js';
