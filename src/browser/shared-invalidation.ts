/**
 * Invalidation shared by every tab of an origin: persisted with the backend
 * (so tabs opened later see it) and pushed to open tabs through a
 * `BroadcastChannel` (so they see it at once).
 *
 * @module
 */
import type { InvalidationNotice } from '../api.js';
import { monotonicNow } from '../clock.js';
import type { ORIGIN_ID } from '../origin.js';
import { DefaultInvalidationStrategy, isNewerInvalidation } from '../invalidation.js';

/** The persisted form of a region's last invalidation. */
export interface InvalidationRecord {
  hard: boolean;
  /** Epoch ms. */
  at: number;
  /** The tab that issued it; orders invalidations made in the same millisecond. */
  origin?: string;
}


/** Where a {@link SharedInvalidationStrategy} keeps its record: the backend's own storage. */
export interface InvalidationStore {
  load(): Promise<InvalidationRecord | undefined>;
  save(record: InvalidationRecord): Promise<void>;
}

/** Options of {@link SharedInvalidationStrategy}. */
export interface SharedInvalidationOptions {
  /** `BroadcastChannel` name; one per storage namespace and region name. */
  channel: string;
  store: InvalidationStore;
  /** Told about faults the strategy absorbs (a record it could not save or read). */
  onFault?: (kind: 'invalidation-not-saved' | 'invalidation-not-loaded', error: unknown) => void;
  now?: () => number;
  /** Id of this tab (default: this page's {@link ORIGIN_ID}); orders invalidations of the same millisecond. */
  origin?: string;
}

/** Checks a record read from storage or a message; anything else is ignored. */
export function asInvalidationRecord(value: unknown): InvalidationRecord | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { hard, at, origin } = value as Record<string, unknown>;
  if (typeof hard !== 'boolean' || typeof at !== 'number' || !Number.isFinite(at)) return undefined;
  return typeof origin === 'string' ? { hard, at, origin } : { hard, at };
}

/**
 * dogpile's invalidation, shared across tabs. `invalidate(hard)` applies here
 * at once, saves `{ hard, at }` with the backend, then broadcasts it; other
 * tabs apply it on receipt (reported as `remote`), and a tab opened later
 * loads it in {@link ready}, which the region awaits before its first read.
 * The newest invalidation wins, wherever it came from, in the total order
 * of {@link isNewerInvalidation}, so tabs that hear simultaneous ones in
 * different orders agree.
 */
export class SharedInvalidationStrategy extends DefaultInvalidationStrategy {
  readonly #store: InvalidationStore;
  readonly #onFault: SharedInvalidationOptions['onFault'];
  readonly #now: () => number;
  readonly #channel: BroadcastChannel | undefined;
  #ready: Promise<void> | undefined;

  constructor(options: SharedInvalidationOptions) {
    // The region's default clock: an invalidation is ordered after every value this tab created before it.
    const now = options.now ?? monotonicNow;
    super(now, options.origin);
    this.#now = now;
    this.#store = options.store;
    this.#onFault = options.onFault;
    const Channel = (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
    if (Channel) {
      this.#channel = new Channel(options.channel);
      // In Node an open channel keeps the process alive; listening must not.
      (this.#channel as { unref?: () => void }).unref?.();
      this.#channel.onmessage = (event: MessageEvent) => {
        const record = asInvalidationRecord(event.data);
        if (record) this.#applyRemote(record);
      };
    }
  }

  /** Loads the persisted invalidation once; later calls return the same promise. */
  ready(): Promise<void> {
    this.#ready ??= this.#store.load().then(
      (record) => {
        if (record) this.#applyRemote(record);
      },
      (error: unknown) => this.#onFault?.('invalidation-not-loaded', error),
    );
    return this.#ready;
  }

  /**
   * Reads the persisted invalidation again and applies it if it is newer
   * than the last one known (reported as remote): for a page that may have
   * missed messages (frozen, or restored from the back/forward cache).
   */
  async reload(): Promise<void> {
    try {
      const record = await this.#store.load();
      if (record) this.#applyRemote(record);
    } catch (error) {
      this.#onFault?.('invalidation-not-loaded', error);
    }
  }

  override async invalidate(hard = true): Promise<void> {
    const record: InvalidationRecord = { hard: Boolean(hard), at: this.#now(), origin: this.origin };
    this.apply({ ...record, remote: false });
    try {
      await this.#store.save(record);
    } catch (error) {
      // Open tabs still hear of it below; only tabs opened later miss it.
      this.#onFault?.('invalidation-not-saved', error);
    }
    this.#channel?.postMessage(record);
  }

  /** Stops listening to other tabs. */
  close(): void {
    this.#channel?.close();
  }

  #applyRemote(record: InvalidationRecord): void {
    // The same invalidation may arrive twice (message and storage): apply
    // reports only one that is newer than the last.
    const notice: InvalidationNotice = { ...record, remote: true };
    if (this.apply(notice)) return;
    // Two tabs that invalidate at once both save; storage may keep the older
    // one. The tab holding the newer saves it again, after the other's save
    // (whose message it is hearing), so tabs opened later agree.
    const last = this.last;
    if (last && isNewerInvalidation(last, record)) {
      const { hard, at, origin } = last;
      this.#store.save(origin === undefined ? { hard, at } : { hard, at, origin }).catch((error: unknown) => this.#onFault?.('invalidation-not-saved', error));
    }
  }
}
