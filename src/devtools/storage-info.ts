/**
 * Storage figures for the panel: bytes per region (the backend's own
 * `storedBytes()` where it has one and knows, else the summed approximate
 * size of the entries), where the entries live, and the origin's quota.
 *
 * @module
 */
import { CachedValue, NO_VALUE } from '../api.js';
import type { InspectableRegion } from './inspectable.js';
import { approximateSize } from './preview.js';

/** Entries sized one by one at most, when the backend cannot tell its bytes. */
const MEASURE_BUDGET = 2000;

/** Bytes and entry count of a region. */
export async function measureRegion(region: InspectableRegion): Promise<{ bytes: number | null; capped: boolean; entries: number | null }> {
  let keys: string[] | undefined;
  try {
    keys = await region.storedKeys();
  } catch {
    keys = undefined;
  }
  const entries = keys?.length ?? null;
  const backend = actualBackend(region);
  const storedBytes = (backend as { storedBytes?: unknown } | undefined)?.storedBytes;
  if (typeof storedBytes === 'function') {
    try {
      const bytes: unknown = await storedBytes.call(backend);
      // IndexedDB knows sizes only of entries written with maxBytes: 0 with entries means "unknown".
      if (typeof bytes === 'number' && Number.isFinite(bytes) && bytes >= 0 && (bytes > 0 || entries === 0)) return { bytes: Math.round(bytes), capped: false, entries };
    } catch {
      // Fall back to measuring.
    }
  }
  if (!keys) return { bytes: null, capped: false, entries };
  let bytes = 0;
  let capped = keys.length > MEASURE_BUDGET;
  for (const key of keys.slice(0, MEASURE_BUDGET)) {
    try {
      const { raw } = await region.peekStored(key);
      if (raw === NO_VALUE) continue;
      const measured = approximateSize(raw instanceof CachedValue ? raw.payload : raw);
      bytes += measured.size + key.length * 2;
      capped ||= measured.capped;
    } catch {
      // An unreadable entry counts nothing.
    }
  }
  return { bytes, capped, entries };
}

const DETAIL_FIELDS: ReadonlyArray<[string, string]> = [
  ['dbName', 'database'],
  ['storeName', 'store'],
  ['prefix', 'prefix'],
  ['namespace', 'namespace'],
  ['lockMode', 'locks'],
];

/** Where a backend keeps its entries, read from its public fields (duck-typed: names survive minification). */
export function storageDetails(backend: unknown): Array<[string, string]> {
  if (typeof backend !== 'object' || backend === null) return [];
  const out: Array<[string, string]> = [];
  for (const [field, label] of DETAIL_FIELDS) {
    let value: unknown;
    try {
      value = (backend as Record<string, unknown>)[field];
    } catch {
      continue;
    }
    if (typeof value === 'string' && value !== '') out.push([label, value.slice(0, 1000)]);
  }
  return out;
}

/** `navigator.storage.estimate()` and `persisted()`, `null` where unavailable. */
export async function storageEstimate(): Promise<{ usage: number | null; quota: number | null; persisted: boolean | null }> {
  const storage = (globalThis as { navigator?: Navigator }).navigator?.storage;
  let usage: number | null = null;
  let quota: number | null = null;
  let persisted: boolean | null = null;
  try {
    const estimate = await storage?.estimate?.();
    if (typeof estimate?.usage === 'number') usage = Math.round(estimate.usage);
    if (typeof estimate?.quota === 'number') quota = Math.round(estimate.quota);
  } catch {
    // Not offered here.
  }
  try {
    const value = await storage?.persisted?.();
    if (typeof value === 'boolean') persisted = value;
  } catch {
    // Not offered here.
  }
  return { usage, quota, persisted };
}

function actualBackend(region: InspectableRegion): unknown {
  try {
    return region.actualBackend;
  } catch {
    return undefined;
  }
}
