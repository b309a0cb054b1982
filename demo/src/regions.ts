/**
 * The three regions the demo compares: the same lookups cached in memory
 * (per tab), in localStorage and in IndexedDB (shared by every tab, with
 * one creator across tabs through Web Locks).
 */
import { makeRegion, type CacheRegion } from 'dogpile-cache';
import 'dogpile-cache/browser';

export type RegionId = 'memory' | 'localstorage' | 'indexeddb';

export interface DemoRegion {
  id: RegionId;
  title: string;
  /** Shared by the tabs of this origin (persisted), or private to this tab. */
  shared: boolean;
  blurb: string;
  region: CacheRegion;
}

/** Expiration of every demo entry: `?ttl=SECONDS` in the URL, default 30 s. */
export function expirationFromUrl(search: string): number {
  const seconds = Number(new URLSearchParams(search).get('ttl'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 30_000;
}

export function createRegions(expirationTime: number): DemoRegion[] {
  return [
    {
      id: 'memory',
      title: 'Memory',
      shared: false,
      blurb: 'Each tab keeps and fetches its own.',
      region: makeRegion({ name: 'demo.memory' }).configure('memory', { expirationTime }),
    },
    {
      id: 'localstorage',
      title: 'localStorage',
      shared: true,
      blurb: 'One tab fetches, under a Web Lock.',
      region: makeRegion({ name: 'demo.localstorage' }).configure('localstorage', {
        expirationTime,
        arguments: { prefix: 'dogpile-demo:' },
      }),
    },
    {
      id: 'indexeddb',
      title: 'IndexedDB',
      shared: true,
      blurb: 'One tab fetches, under a Web Lock.',
      region: makeRegion({ name: 'demo.indexeddb' }).configure('indexeddb', {
        expirationTime,
        arguments: { dbName: 'dogpile-demo' },
      }),
    },
  ];
}

/** The cache key of a search. */
export function searchKey(query: string): string {
  return `search:${query}`;
}

/** A query as typed, made canonical: `undefined` when there is nothing to search. */
export function normalizeQuery(text: string): string | undefined {
  const query = text.trim().toLowerCase().replace(/\s+/g, ' ').slice(0, 60);
  return query === '' ? undefined : query;
}
