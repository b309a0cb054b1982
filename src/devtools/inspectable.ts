/**
 * The part of a region that inspection tools (the devtools inspector) read:
 * declared once, implemented by `CacheRegion` and by the page-side view of a
 * worker-hosted region (`WorkerRegionView`).
 *
 * @module
 */
import type { CachedValue, NoValue, RegionInvalidationStrategy, StoredValue } from '../api.js';
import type { RegionErrorRecord, RegionListener, RegionStats } from '../events.js';

/** What an inspector can see of, and do to, one region. Keys are stored (mangled) keys. */
export interface InspectableRegion {
  readonly name: string | undefined;
  /** Whether the region has a backend (a closed or unconfigured one has none). */
  readonly isConfigured: boolean;
  /** Expiration time in ms, or `undefined`/-1/`Infinity` for never. */
  readonly expirationTime: number | undefined;
  readonly stats: RegionStats;
  readonly regionInvalidator: RegionInvalidationStrategy;
  /** Stable labels of the backend chain, proxies first, the actual backend last (see `CacheBackend.label`). */
  readonly backendLabels: readonly string[];
  subscribe(listener: RegionListener): () => void;
  invalidate(hard?: boolean): Promise<void>;
  /** The stored keys; `undefined` when the backend cannot list them. */
  storedKeys(): Promise<string[] | undefined>;
  /** The raw stored entry and its decoded value, counting nothing. */
  peekStored(storedKey: string): Promise<{ raw: StoredValue | NoValue; value: CachedValue | undefined }>;
  storedKeyIsLocked(storedKey: string): Promise<boolean>;
  deleteStored(storedKey: string): Promise<void>;
  /** Removes every entry of the region (optional: the panel's "Clear" needs it). */
  clear?(): Promise<unknown>;
  /** Keeps the creators that ran, per key, up to `limit` (optional: the panel's "Regenerate" needs it). */
  keepCreators?(limit: number): void;
  /** Runs the kept creator of a stored key again and stores its value (optional: "Regenerate"). */
  regenerateStored?(storedKey: string): Promise<void>;
  /** Sets the counters back to zero (optional: the panel's "Reset stats" needs it). */
  resetStats?(): void;
  /** The last faults the region absorbed, kept before any panel attached (optional). */
  readonly recentErrors?: readonly RegionErrorRecord[];
  /** The region's clock, epoch ms (optional; the inspector's clock otherwise). */
  now?(): number;
  /** The backend with its proxies, read (duck-typed) to expire one entry from the panel; optional. */
  readonly backend?: unknown;
  /** The innermost backend, read (duck-typed) for storage details and lock names; optional. */
  readonly actualBackend?: unknown;
}
