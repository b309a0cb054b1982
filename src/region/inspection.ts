/**
 * What inspection tools (the devtools inspector) use of a region, by stored
 * key (as the backend stores it, i.e. mangled, as `keys()` lists it):
 * inspection tools see stored keys and cannot unmangle them.
 *
 * @module
 */
import { NO_VALUE, type CacheBackend, type CachedValue, type NoValue, type StoredValue } from '../api.js';
import type { MutexRegistry } from '../lock/mutex.js';
import { ProxyBackend } from '../proxy.js';
import type { Configuration } from './config.js';
import type { ReadPath } from './read-path.js';
import type { Creator, ShouldCache } from './types.js';

/** A creator kept for `region.regenerateStored`, with the key it ran for. */
export interface KeptCreator {
  readonly key: string;
  readonly creator: Creator<unknown>;
  readonly shouldCacheFn: ShouldCache<unknown>;
}

/**
 * The creator that last ran for each stored key, at most `limit` of them,
 * the least recently created dropped first.
 */
export class KeptCreators {
  readonly #creators = new Map<string, KeptCreator>();

  #limit = 0;

  /** How many creators are kept; 0 turns keeping off and forgets them. */
  get limit(): number {
    return this.#limit;
  }

  set limit(limit: number) {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) throw new TypeError('dogpile-cache: keepCreators takes a whole number >= 0');
    this.#limit = limit;
    if (limit === 0) this.#creators.clear();
  }

  /** Keeps what created `storedKey`. */
  keep(storedKey: string, kept: KeptCreator): void {
    if (this.limit === 0) return;
    const creators = this.#creators;
    creators.delete(storedKey);
    creators.set(storedKey, kept);
    if (creators.size > this.#limit) creators.delete(creators.keys().next().value!);
  }

  /** What last created `storedKey`, if kept. */
  get(storedKey: string): KeptCreator | undefined {
    return this.#creators.get(storedKey);
  }
}

/**
 * Reads the entry stored under `storedKey` without counting a hit or miss
 * and without emitting events.
 */
export async function peekStored(read: ReadPath, storedKey: string): Promise<{ raw: StoredValue | NoValue; value: CachedValue | undefined }> {
  const raw = await read.config.backend.get(storedKey);
  const value = read.decode(raw, storedKey, 'inspect', false);
  return { raw, value: value === NO_VALUE ? undefined : value };
}

/** The keys stored by `backend`; `undefined` when it cannot list them (no `keys()`). */
export async function storedKeys(backend: CacheBackend): Promise<string[] | undefined> {
  if (typeof backend.keys !== 'function') return undefined;
  const listed = await backend.keys();
  if (Array.isArray(listed)) return [...listed];
  const keys: string[] = [];
  for await (const key of listed) keys.push(key);
  return keys;
}

/** Whether a creator holds the lock of `storedKey`: the backend's shared lock (any tab or process), else this region's. */
export function storedKeyIsLocked(backend: CacheBackend, mutexes: MutexRegistry, storedKey: string): Promise<boolean> {
  const shared = backend.getMutex(storedKey);
  if (shared) return shared.locked();
  return Promise.resolve(mutexes.peek(storedKey)?.isLocked ?? false);
}

/** Labels of the backend chain, proxies first, the actual backend last (see `CacheBackend.label`). */
export function backendLabels({ backend: outer, actual }: Configuration): string[] {
  const labels: string[] = [];
  for (let backend: CacheBackend | undefined = outer; backend && labels.length < 16; backend = backend instanceof ProxyBackend ? backend.proxied : undefined) {
    labels.push(backend.label);
    if (backend === actual) break;
  }
  return labels;
}
