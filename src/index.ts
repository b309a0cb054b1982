/**
 * dogpile-cache: dogpile.cache's regions for the browser and Node.
 * Everything here runs anywhere; browser storage lives in `dogpile-cache/browser`.
 *
 * @module
 */
export {
  NO_VALUE,
  VALUE_VERSION,
  CachedValue,
  CacheBackend,
  type NoValue,
  type CachedValueMetadata,
  type CacheMutex,
  type StoredValue,
  type SerializedValue,
  type Serializer,
  type Deserializer,
  type KeyMangler,
  type BackendArguments,
  type BackendNotice,
  type BackendChange,
  type RegionBinding,
  type InvalidationNotice,
  type RegionInvalidationStrategy,
} from './api.js';
export {
  DogpileCacheException,
  RegionAlreadyConfigured,
  RegionNotConfigured,
  ValidationError,
  PluginNotFound,
  CantDeserializeException,
  QuotaExceededError,
  StorageUnavailableError,
  ValueNotStorableError,
} from './errors.js';
export type { PruneOptions } from './prune.js';
export {
  CacheRegion,
  makeRegion,
  type RegionOptions,
  type ConfigureOptions,
  type GetOptions,
  type GetOrCreateOptions,
  type GetOrCreateMultiOptions,
  type AsyncCreationRunner,
  type MaybePromise,
} from './region/region.js';
export type {
  CacheOnArgumentsOptions,
  CacheMultiOnArgumentsOptions,
  CachedFunction,
  CachedMultiFunction,
  ExpirationOption,
} from './region/decorators.js';
export {
  defaultToStr,
  functionKeyGenerator,
  kwargFunctionKeyGenerator,
  functionMultiKeyGenerator,
  sha1MangleKey,
  lengthConditionalMangler,
  type ToStr,
  type KeyGenerator,
  type MultiKeyGenerator,
  type KeyGeneratorOptions,
} from './keys.js';
export { runLock, type LockEntry, type LockOptions, type RunLockOptions, type LockObserver } from './lock/lock.js';
export { runLockMulti } from './lock/lock-multi.js';
export { ProcessMutex, LayeredMutex } from './lock/mutex.js';
export { DefaultInvalidationStrategy } from './invalidation.js';
export { ProxyBackend } from './proxy.js';
export { registerBackend, registeredBackends, type BackendFactory, type BackendRegistry, type BackendName, type BackendArgumentsOf, type NullBackendArguments } from './registry.js';
export { MemoryBackend, type MemoryBackendArguments } from './backends/memory.js';
export { NullBackend } from './backends/null.js';
export { type RegionEvent, type RegionEventType, type RegionListener, type RegionStats, type RegionErrorRecord } from './events.js';
export { freshnessOf, type Freshness } from './freshness.js';
