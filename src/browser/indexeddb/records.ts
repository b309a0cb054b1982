/**
 * The records of the `indexeddb` backend: their shape in the object store,
 * and how values become records and records values again.
 *
 * @module
 */
import { CachedValue, NO_VALUE, type CachedValueMetadata, type NoValue, type StoredValue } from '../../api.js';
import { estimateBytes, utf16Bytes } from '../../backends/limits.js';
import type { SeenState } from '../catch-up.js';
import type { ChannelChange } from '../change-channel.js';
import { HAND_OFF_MAX_BYTES } from '../hand-offs.js';

/** Index over the namespace field: lists one region's entries. */
export const NAMESPACE_INDEX = 'ns';
/** Index over (namespace, write time): finds one region's oldest entries. */
export const AGE_INDEX = 'ns-at';
/** The record key of a region's invalidation (entry keys are always strings). */
export const INVALIDATION_KEY = 0;

/** A record's key in the store: `[namespace, key]`. */
export type EntryKey = [string, string | number];

/** A stored record: namespace, key, write time, and either a value (`ct`, `v`, `st`, `rv`, `p`) or serialized data `s`. */
export interface EntryRecord {
  ns: string;
  key: string | number;
  at?: number;
  ct?: number;
  v?: number;
  st?: number;
  rv?: string | number;
  /** Origin id of the region that wrote the value (provenance). */
  o?: string;
  p?: unknown;
  s?: string | Uint8Array;
  /** Estimated size in bytes, recorded when `maxBytes` is set. */
  sz?: number;
  inv?: unknown;
}

/** The range of one namespace's entries in the age index, oldest first. */
export function namespaceRange(ns: string): IDBKeyRange {
  return IDBKeyRange.bound([ns, -Infinity], [ns, Infinity]);
}

/** The string keys of record keys (an invalidation record's is a number). */
export function entryKeys(ids: readonly EntryKey[]): string[] {
  return ids.map((id) => id[1]).filter((key): key is string => typeof key === 'string');
}

/**
 * The record of `value` under `key` in namespace `ns`, written at `at`, with
 * its estimated size when `sized` (for `maxBytes`). The caller has checked
 * that the value can be stored.
 */
export function toRecord(ns: string, key: string, value: StoredValue, at: number, sized: boolean): EntryRecord {
  if (value instanceof CachedValue) {
    const { ct, v, st, rv, o } = value.metadata;
    const record: EntryRecord = { ns, key, at, ct, v, ...(st === undefined ? {} : { st }), ...(rv === undefined ? {} : { rv }), ...(o === undefined ? {} : { o }), p: value.payload };
    if (sized) record.sz = utf16Bytes(key) + 32 + estimateBytes(value.payload);
    return record;
  }
  if (typeof value === 'string' || value instanceof Uint8Array) {
    const record: EntryRecord = { ns, key, at, s: value };
    if (sized) record.sz = utf16Bytes(key) + 16 + estimateBytes(value);
    return record;
  }
  throw new TypeError('dogpile-cache: indexeddb can store a CachedValue, a string or a Uint8Array');
}

/** The value a record holds: `NO_VALUE` for none, `'corrupt'` for a record that is not an entry of this library. */
export function fromRecord(record: unknown): StoredValue | NoValue | 'corrupt' {
  if (record === undefined) return NO_VALUE;
  if (record !== null && typeof record === 'object') {
    const r = record as EntryRecord;
    if (typeof r.ct === 'number' && typeof r.v === 'number') {
      const metadata: CachedValueMetadata = { ct: r.ct, v: r.v };
      if (typeof r.st === 'number') metadata.st = r.st;
      if (typeof r.rv === 'string' || typeof r.rv === 'number') metadata.rv = r.rv;
      if (typeof r.o === 'string') metadata.o = r.o;
      return new CachedValue(r.p, metadata);
    }
    if (typeof r.s === 'string' || r.s instanceof Uint8Array) return r.s;
  }
  return 'corrupt';
}

/** The value of a record another tab handed off, if it is the one of `key` in namespace `ns` created at `ct`. */
export function handedValue(record: unknown, ns: string, key: string, ct: number): StoredValue | undefined {
  if (record === null || typeof record !== 'object') return undefined;
  const r = record as EntryRecord;
  if (r.ns !== ns || r.key !== key || r.ct !== ct || typeof r.v !== 'number') return undefined;
  const value = fromRecord(r);
  return value === NO_VALUE || value === 'corrupt' ? undefined : value;
}

/**
 * The change message of a committed write (at `at`): creation time and
 * provenance, and the record itself when it is small enough to hand to
 * waiting tabs.
 */
export function setChange(record: EntryRecord, at: number): ChannelChange {
  const change: ChannelChange = { kind: 'set', key: record.key as string, time: record.ct ?? at };
  if (record.o !== undefined) change.by = record.o;
  if (record.st !== undefined) change.st = record.st;
  const size = record.sz ?? (record.ct === undefined ? Infinity : estimateBytes(record.p));
  if (record.ct !== undefined && size <= HAND_OFF_MAX_BYTES) change.record = record;
  return change;
}

/** What catching up compares of a record: a value's creation time, a serializer's write time, `null` for none. */
export function recordState(record: unknown): SeenState {
  if (record === null || typeof record !== 'object') return null;
  const { ct, at } = record as EntryRecord;
  return typeof ct === 'number' ? ct : typeof at === 'number' ? at : null;
}

/** The estimated bytes of records (their `sz` when `maxBytes` recorded it). */
export function recordsBytes(records: readonly EntryRecord[]): number {
  let total = 0;
  for (const record of records) total += record.sz ?? utf16Bytes(String(record.key)) + estimateBytes(record.p ?? record.s);
  return total;
}

/** A structured clone of `value` (as the database would give back), or `undefined` where there is no `structuredClone`. */
export function copyOf(value: unknown): unknown {
  const clone = (globalThis as { structuredClone?: (value: unknown) => unknown }).structuredClone;
  if (typeof clone !== 'function') return undefined;
  try {
    return clone(value);
  } catch {
    return undefined;
  }
}
