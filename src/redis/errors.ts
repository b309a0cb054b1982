/**
 * The Redis backend's error: what every operation rejects with when the
 * server cannot be reached in time.
 *
 * @module
 */
import { StorageUnavailableError } from '../errors.js';

/**
 * Redis could not be reached, or did not answer within the backend's
 * `commandTimeout` (server down, connection lost, reconnecting). A subclass
 * of `StorageUnavailableError`, so code written for the browser backends'
 * "storage unavailable" case handles it too. `cause` holds the client's own
 * error when there is one.
 */
export class RedisUnavailableError extends StorageUnavailableError {
  static override readonly errorName: string = 'RedisUnavailableError';
}
