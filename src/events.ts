/**
 * What a region reports: typed events for subscribers (the devtools
 * inspector, the Preact hooks, your logging) and counters that are always kept.
 *
 * @module
 */

/** Fields every region event carries. */
interface EventBase {
  /** The region's name. */
  region: string | undefined;
  /** When it happened, epoch ms. */
  time: number;
}

/** Events about one key. `key` is the caller's key, before mangling. */
interface KeyEventBase extends EventBase {
  key: string;
}

/**
 * Everything a region reports. Subscribe with `region.subscribe(listener)`.
 *
 * - `hit` / `miss`: a read found a usable value, or none.
 * - `created`: a creator ran and returned (`cached` says whether it was stored).
 * - `waited`: a caller waited for another's creator and got its value.
 * - `stale`: an expired value was served while another caller regenerates.
 * - `set` / `delete`: an entry was written or removed, here (`remote: false`)
 *   or by another tab or process (`remote: true`, reported by shared
 *   backends' change feeds; `key` is then the stored key, `origin` who wrote it,
 *   and, when known, `createdBy` who ran its creator and `creationMs` how long it took).
 * - `invalidated`: the region was invalidated, here or (`remote`) in another tab.
 * - `lockAcquired` / `lockReleased`: the creation lock of a key changed hands.
 * - `lockTimeout`: a waiter gave up after `lockTimeout` ms and created itself.
 * - `error`: a fault the region absorbed (a failed write, an unreadable entry,
 *   a creator that threw); `operation` names where.
 * - `notice`: the backend reported a fallback or an eviction.
 */
export type RegionEvent =
  | (KeyEventBase & { type: 'hit' })
  | (KeyEventBase & { type: 'miss' })
  | (KeyEventBase & { type: 'created'; durationMs: number; cached: boolean })
  | (KeyEventBase & { type: 'waited'; durationMs: number })
  | (KeyEventBase & { type: 'stale' })
  | (KeyEventBase & { type: 'set'; remote: boolean; ct?: number; origin?: string; createdBy?: string; creationMs?: number })
  | (KeyEventBase & { type: 'delete'; remote: boolean; origin?: string })
  | (EventBase & { type: 'invalidated'; hard: boolean; at: number; remote: boolean })
  | (KeyEventBase & { type: 'lockAcquired' })
  | (KeyEventBase & { type: 'lockReleased' })
  | (KeyEventBase & { type: 'lockTimeout'; waitedMs: number })
  | (EventBase & { type: 'error'; key?: string; operation: string; error: unknown })
  | (EventBase & { type: 'notice'; kind: string; message: string; key?: string; error?: unknown });

/** The `type` of a {@link RegionEvent}. */
export type RegionEventType = RegionEvent['type'];

/** Receives region events. */
export type RegionListener = (event: RegionEvent) => void;

/** Counters a region keeps whether or not anyone listens. */
export interface RegionStats {
  hits: number;
  misses: number;
  creations: number;
  waits: number;
  staleServed: number;
  sets: number;
  deletes: number;
  invalidations: number;
  lockTimeouts: number;
  errors: number;
}

/** A fault a region absorbed, as kept in `region.recentErrors`. */
export interface RegionErrorRecord {
  /** Epoch ms. */
  time: number;
  /** Where it happened, as in the `error` event. */
  operation: string;
  /** The caller's key, when the fault concerned one. */
  key?: string;
  error: unknown;
}

/** A zeroed {@link RegionStats}. */
export function emptyStats(): RegionStats {
  return {
    hits: 0,
    misses: 0,
    creations: 0,
    waits: 0,
    staleServed: 0,
    sets: 0,
    deletes: 0,
    invalidations: 0,
    lockTimeouts: 0,
    errors: 0,
  };
}

/**
 * A set of listeners. `size` lets emitters skip building an event nobody
 * will read, so events cost nothing when nobody subscribes. A listener that
 * throws does not stop the others, nor the emitter: its error is rethrown
 * on its own task, where the page's or process's error reporting sees it.
 */
export class Subscribable<L extends (...args: never[]) => void> {
  protected readonly listeners = new Set<L>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: L): () => void {
    if (typeof listener !== 'function') throw new TypeError('dogpile-cache: listener must be a function');
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Calls every listener with `args`. */
  emit(...args: Parameters<L>): void {
    for (const listener of this.listeners) {
      try {
        listener(...args);
      } catch (error) {
        // A listener's bug must not break the cache; report it where it can be seen.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }

  /** Number of listeners. */
  get size(): number {
    return this.listeners.size;
  }
}
