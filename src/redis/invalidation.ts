/**
 * Region invalidation shared by every process through Redis: stored under
 * one key per namespace (processes started later load it) and published on
 * a channel (running processes apply it at once).
 *
 * @module
 */
import type { InvalidationNotice } from '../api.js';
import { DefaultInvalidationStrategy } from '../invalidation.js';
import type { Channels } from './channels.js';
import type { RedisConnection } from './connection.js';
import { parseJsonObject } from './json-object.js';
import { SAVE_INVALIDATION } from './scripts.js';

/** The stored and published form of an invalidation. */
export interface RedisInvalidationRecord {
  /** When it happened, epoch ms. */
  at: number;
  hard: boolean;
  /** The backend instance that made it (see `RedisBackend.origin`). */
  origin: string;
}

/**
 * The total order of invalidation records: by time, then hard over soft,
 * then by origin id. Every process and the server's script use it, so
 * concurrent invalidations from several processes settle on the same record
 * everywhere, whatever order the messages arrive in. Positive when `a` wins.
 */
export function compareInvalidations(a: RedisInvalidationRecord, b: RedisInvalidationRecord): number {
  if (a.at !== b.at) return a.at > b.at ? 1 : -1;
  if (a.hard !== b.hard) return a.hard ? 1 : -1;
  if (a.origin === b.origin) return 0;
  return a.origin > b.origin ? 1 : -1;
}

/** Checks a record read from Redis or a message; anything else is `undefined`. */
export function parseInvalidation(text: unknown): RedisInvalidationRecord | undefined {
  const value = parseJsonObject(text);
  if (!value) return undefined;
  const { at, hard, origin } = value;
  if (typeof at !== 'number' || !Number.isFinite(at) || typeof hard !== 'boolean' || typeof origin !== 'string') return undefined;
  return { at, hard, origin };
}

/** Options of {@link RedisInvalidationStrategy}. */
export interface RedisInvalidationOptions {
  connection: RedisConnection;
  channels: Channels;
  /** The Redis key of the record. */
  key: string;
  /** The channel records are published on. */
  channel: string;
  /** This backend's origin id. */
  origin: string;
  /** The region's clock, epoch ms. */
  now: () => number;
  /** Something else the region should wait for before its first read (the backend's change feed subscription). */
  alsoReady?: () => Promise<unknown>;
  /** Told when the stored record could not be loaded (the region then starts without it). */
  onFault(kind: 'invalidation-not-loaded', error: unknown): void;
}

/**
 * dogpile's invalidation, shared by every process using the namespace.
 * `invalidate(hard)` applies here at once, then stores the record with a
 * script that keeps whichever record orders last ({@link compareInvalidations})
 * and publishes it; it rejects with `RedisUnavailableError` when Redis cannot
 * be reached (the invalidation then holds in this process only).
 * {@link ready}, which the region awaits before its first read, subscribes
 * and then loads the stored record; after a lost subscription the record is
 * loaded again, so a missed message is caught up.
 */
export class RedisInvalidationStrategy extends DefaultInvalidationStrategy {
  readonly #options: RedisInvalidationOptions;
  #current: RedisInvalidationRecord | undefined;
  #ready: Promise<void> | undefined;
  #detach: Array<() => void> = [];
  #closed = false;

  constructor(options: RedisInvalidationOptions) {
    super(options.now);
    this.#options = options;
  }

  /**
   * Subscribes, then loads the stored record; later calls return the same
   * promise. Also waits for `alsoReady`, so that once a region has made its
   * first call, other processes' writes are reported to it.
   */
  ready(): Promise<void> {
    this.#ready ??= (async () => {
      const { channels, channel } = this.#options;
      try {
        if (this.#closed) return;
        const listening = channels.listen(channel, (message) => this.#offer(parseInvalidation(message), true));
        this.#detach.push(listening.stop, channels.onResubscribed(() => void this.#load().catch(() => {})));
        // Subscribed before loading, so a record published in between is not missed.
        await Promise.all([listening.subscribed, this.#options.alsoReady?.().catch(() => {})]);
        await this.#load();
      } catch (error) {
        this.#options.onFault('invalidation-not-loaded', error);
      }
    })();
    return this.#ready;
  }

  override async invalidate(hard = true): Promise<void> {
    const { connection, key, channel, origin, now } = this.#options;
    const record: RedisInvalidationRecord = { at: now(), hard: Boolean(hard), origin };
    this.#offer(record, false);
    const stored = await SAVE_INVALIDATION.run(connection, [key], [JSON.stringify(record), channel, connection.sharded ? 'spublish' : 'publish']);
    // A newer record was already stored (another process, a moment later): that one holds.
    this.#offer(parseInvalidation(stored), true);
  }

  /** Stops listening; the last known invalidation still applies. */
  close(): void {
    this.#closed = true;
    this.#detach.forEach((detach) => detach());
    this.#detach = [];
  }

  async #load(): Promise<void> {
    const { connection, key } = this.#options;
    this.#offer(parseInvalidation(await connection.command(['GET', key])), true);
  }

  /** Applies `record` if it orders after the current one (so repeats and older ones are ignored). */
  #offer(record: RedisInvalidationRecord | undefined, remote: boolean): void {
    if (!record) return;
    if (this.#current && compareInvalidations(record, this.#current) <= 0) return;
    this.#current = record;
    const notice: InvalidationNotice = { hard: record.hard, at: record.at, remote: remote && record.origin !== this.#options.origin };
    this.apply(notice);
  }
}
