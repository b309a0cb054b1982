/**
 * Pruning: finding a region's entries that can never be served again and
 * removing them, in bounded batches.
 *
 * @module
 */
import { NO_VALUE, type CachedValue, type NoValue, type PruneOptions, type StoredValue } from './api.js';
import { ValidationError } from './errors.js';
import { checkDuration } from './validate.js';

export type { PruneOptions } from './api.js';

/** What pruning needs of a region. */
export interface PruneTarget {
  storedKeys(): Promise<string[] | undefined>;
  getMulti(keys: string[]): Promise<(StoredValue | NoValue)[]>;
  deleteMulti(keys: string[]): Promise<void>;
  /** The stored value as the region reads it: `NO_VALUE` when unreadable or of another version. */
  decode(raw: StoredValue | NoValue, key: string): CachedValue | NoValue;
  /** Whether a value created (or whose creator started) then is hard-invalidated. */
  isHardInvalidated(value: CachedValue): boolean;
  /** The region's expiration time, ms (`undefined`: never). */
  readonly expiration: number | undefined;
  now(): number;
  /** Called with each batch of removed keys. */
  removed(keys: string[]): void;
}

/** Checks {@link PruneOptions} before any work, so a wrong option fails at once. */
function checkPruneOptions(options: PruneOptions): void {
  if (options.expiredFor !== undefined) checkDuration(options.expiredFor, 'prune expiredFor');
  if (options.batchSize !== undefined) checkBatchSize(options.batchSize, 'prune batchSize');
  if (options.pause !== undefined && typeof options.pause !== 'function') throw new TypeError('dogpile-cache: prune pause must be a function');
}

/** Checks a batch size: a whole number >= 1 (`TypeError` for another type, `ValidationError` out of range). */
export function checkBatchSize(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`dogpile-cache: ${name} must be a number, got ${value === null ? 'null' : typeof value}`);
  if (!Number.isInteger(value) || value < 1) throw new ValidationError(`${name} must be a whole number >= 1, got ${String(value)}`);
}

/** Removes `target`'s dead entries; resolves to how many it removed. */
export async function pruneEntries(target: PruneTarget, options: PruneOptions = {}): Promise<number> {
  checkPruneOptions(options);
  const stored = await target.storedKeys();
  if (!stored || stored.length === 0) return 0;
  const size = options.batchSize ?? stored.length;
  const { expiredFor } = options;
  let removed = 0;
  for (let start = 0; start < stored.length; start += size) {
    if (start > 0 && options.pause) await options.pause();
    const keys = stored.slice(start, start + size);
    const raw = await target.getMulti(keys);
    const now = target.now();
    const dead: string[] = [];
    raw.forEach((value, i) => {
      if (value === NO_VALUE) return;
      const decoded = target.decode(value, keys[i]!);
      if (decoded === NO_VALUE || target.isHardInvalidated(decoded)) dead.push(keys[i]!);
      else if (expiredFor !== undefined && target.expiration !== undefined && now - (decoded.metadata.ct + target.expiration) >= expiredFor) dead.push(keys[i]!);
    });
    if (dead.length === 0) continue;
    await target.deleteMulti(dead);
    removed += dead.length;
    target.removed(dead);
  }
  return removed;
}
