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
    // Class names do not survive minification; each class says its own.
    this.name = (new.target as { errorName?: string }).errorName ?? 'DogpileCacheException';
  }
}

/** `configure` was called on a region that already has a backend, without `replaceExistingBackend`. */
export class RegionAlreadyConfigured extends DogpileCacheException {
  static readonly errorName: string = 'RegionAlreadyConfigured';
}

/** The region was used before `configure`. */
export class RegionNotConfigured extends DogpileCacheException {
  static readonly errorName: string = 'RegionNotConfigured';
}

/** An option has a value the library cannot use (e.g. a negative `expirationTime`). */
export class ValidationError extends DogpileCacheException {
  static readonly errorName: string = 'ValidationError';
}

/** No backend is registered under the requested name. */
export class PluginNotFound extends DogpileCacheException {
  static readonly errorName: string = 'PluginNotFound';
}

/** A stored entry cannot be read back; the region treats it as a miss. */
export class CantDeserializeException extends DogpileCacheException {
  static readonly errorName: string = 'CantDeserializeException';
}

/** A write did not fit in the storage quota, even after evicting this region's old entries. */
export class QuotaExceededError extends DogpileCacheException {
  static readonly errorName: string = 'QuotaExceededError';
}

/** The storage a backend needs is not available here (private mode, blocked, no API). */
export class StorageUnavailableError extends DogpileCacheException {
  static readonly errorName: string = 'StorageUnavailableError';
}

/**
 * A value the backend cannot store faithfully (a function, a symbol, a DOM
 * node, a value its encoding would change). `set` rejects with it;
 * `getOrCreate` still returns the created value and emits an `error` event.
 */
export class ValueNotStorableError extends DogpileCacheException {
  static readonly errorName: string = 'ValueNotStorableError';
}
