/**
 * Reading an entry the way a UI wants to see it: its value and whether
 * `getOrCreate` would serve it as it is, regenerate it while serving it
 * (expired or soft-invalidated), or treat it as absent (hard-invalidated).
 *
 * @module
 */
import type { CacheMutex, CacheRegion } from '../index.js';
import { freshnessOf, type Freshness } from '../freshness.js';

/** How `getOrCreate` would treat a stored entry now. */
export type EntryState = Freshness;

/** A stored entry and its {@link EntryState}. */
export interface PeekedEntry<V> {
  value: V;
  /** When the value was created, epoch ms. */
  createdAt: number;
  /** When it expires, epoch ms; `undefined` when it never does. */
  expiresAt: number | undefined;
  state: EntryState;
}

/** Milliseconds, or `undefined` for "never" (-1, `Infinity`, unset). */
export function effectiveExpiration(region: CacheRegion, expirationTime: number | undefined): number | undefined {
  const ms = expirationTime ?? region.expirationTime;
  return ms === undefined || ms === -1 || ms === Infinity ? undefined : ms;
}

/** The key as the backend stores it. */
export function storedKey(region: CacheRegion, key: string): string {
  const mangler = region.keyMangler;
  return mangler ? mangler(key) : key;
}

/**
 * Reads `key` without counting a hit or miss and without region events, so
 * a UI that looks before it asks does not skew the region's stats.
 * `undefined` when nothing readable is stored or the read failed (the
 * following `getOrCreate` degrades on its own and reports the fault).
 */
export async function peekEntry<V>(region: CacheRegion, key: string, expirationTime?: number): Promise<PeekedEntry<V> | undefined> {
  let stored;
  try {
    stored = (await region.peekStored(storedKey(region, key))).value;
  } catch {
    return undefined;
  }
  if (!stored) return undefined;
  const createdAt = stored.metadata.ct;
  const expiration = effectiveExpiration(region, expirationTime);
  const expiresAt = expiration === undefined ? undefined : createdAt + expiration;
  const state: EntryState = freshnessOf(stored.metadata, expiration, region.regionInvalidator, region.now());
  return { value: stored.payload as V, createdAt, expiresAt, state };
}

/**
 * The lock another tab holds while it regenerates `key`, for shared backends;
 * `null` when the region locks in-process (then its own events tell when the
 * creator is done).
 */
export function sharedMutex(region: CacheRegion, key: string): CacheMutex | null {
  try {
    return region.backend.getMutex(storedKey(region, key));
  } catch {
    return null;
  }
}
