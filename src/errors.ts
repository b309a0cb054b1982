/**
 * The error classes. Every error the library raises on purpose extends
 * {@link DogpileCacheException}, so `catch (e) { if (e instanceof DogpileCacheException) }`
 * separates cache faults from a creator's own errors.
 *
 * @module
 */

/** Base class of the library's errors. */
export class DogpileCacheException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** `configure` was called on a region that already has a backend, without `replaceExistingBackend`. */
export class RegionAlreadyConfigured extends DogpileCacheException {}

/** The region was used before `configure`. */
export class RegionNotConfigured extends DogpileCacheException {}

/** An option has a value the library cannot use (e.g. a negative `expirationTime`). */
export class ValidationError extends DogpileCacheException {}

/** No backend is registered under the requested name. */
export class PluginNotFound extends DogpileCacheException {}

/** A stored entry cannot be read back; the region treats it as a miss. */
export class CantDeserializeException extends DogpileCacheException {}

/** A write did not fit in the storage quota, even after evicting this region's old entries. */
export class QuotaExceededError extends DogpileCacheException {}

/** The storage a backend needs is not available here (private mode, blocked, no API). */
export class StorageUnavailableError extends DogpileCacheException {}
