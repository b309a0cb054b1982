/**
 * The distributed creation lock: one Redis key per cache key, held with a
 * lease by whichever process set it.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { CacheMutex } from '../api.js';
import type { RedisConnection } from './connection.js';
import { RedisUnavailableError } from './errors.js';
import type { LockReleases } from './lock-releases.js';
import { EXTEND_LOCK, RELEASE_LOCK, type ScriptPreload } from './scripts.js';

/** What every {@link RedisLock} of one backend shares. */
export interface RedisLockContext {
  connection: RedisConnection;
  releases: LockReleases;
  /** The release channel (see `KeySpace.releasesChannel`). */
  releasesChannel: string;
  /** Lease (ms): how long the lock outlives a holder that stopped renewing it. */
  lease: number;
  /**
   * `'create'`: when Redis cannot be reached, `acquire` resolves `true`
   * without a Redis lock (the in-process layer still lets one caller per
   * process create), instead of rejecting with `RedisUnavailableError`.
   */
  whenUnavailable: 'fail' | 'create';
  /** Loads the lock scripts on a node before its first lock (see {@link ScriptPreload}). */
  scripts: ScriptPreload;
  /**
   * Releases sent and not yet answered: the backend's `close()` waits for
   * them, so a process that closes right after creating does not leave its
   * lock to run out its lease.
   */
  pending: Set<Promise<unknown>>;
  /** Told when acquiring degraded to an in-process lock because Redis was unreachable. */
  onDegraded(lockKey: string, error: unknown): void;
  /** Told when a renewal found the lock taken by another (our lease had run out) or failed. */
  onLeaseTrouble(kind: 'lock-lost' | 'lock-extend-failed' | 'lock-release-failed', lockKey: string, error?: unknown): void;
}

/**
 * Releases started and not yet answered, by lock key: `locked()` waits for
 * them, so a caller that has just released never sees its own lock held.
 * Per process, since one process may have several backends on one server.
 */
const releasing = new Map<string, Promise<unknown>>();

/**
 * A {@link CacheMutex} over one Redis key, Redlock's single-instance scheme:
 *
 * - `acquire`: `SET key token NX PX lease`; with `wait === false` one try;
 *   otherwise retried when the holder's release is published, or after a
 *   jittered poll (at most until the holder's lease ends).
 * - While held, the lease is extended every third of it (compare-and-pexpire),
 *   so a creator may run longer than the lease; a holder that dies stops
 *   extending it, and the lock ends with its lease.
 * - `release`: compare-and-delete (never another holder's lock) and publish.
 *
 * One instance serves one caller at a time; the backend puts an in-process
 * layer in front (`LayeredMutex`), so one caller per process contends here.
 */
export class RedisLock implements CacheMutex {
  /** The lock's Redis key. */
  readonly key: string;
  readonly #context: RedisLockContext;
  #token: string | undefined;
  #renewal: ReturnType<typeof setInterval> | undefined;

  constructor(context: RedisLockContext, key: string) {
    this.#context = context;
    this.key = key;
  }

  async acquire(wait = true): Promise<boolean> {
    if (this.#token) throw new Error(`dogpile-cache: Redis lock "${this.key}" is already held by this mutex`);
    try {
      return await this.#acquire(wait);
    } catch (error) {
      if (!(error instanceof RedisUnavailableError) || this.#context.whenUnavailable !== 'create') throw error;
      // Degraded: this process's callers are still serialised by the in-process layer; release is a no-op.
      this.#context.onDegraded(this.key, error);
      return true;
    }
  }

  async #acquire(wait: boolean): Promise<boolean> {
    const { releases } = this.#context;
    // Before the first lock on a node, so its release is one EVALSHA (see ScriptPreload).
    await Promise.all([wait && releases.ready(), this.#context.scripts.ensure(this.#context.connection, this.key)]);
    const token = randomUUID();
    for (;;) {
      // Registered before the try, so a release right after a failed try still wakes us.
      const released = wait ? releases.expect(this.key) : undefined;
      let taken: boolean;
      try {
        taken = await this.#trySet(token);
      } catch (error) {
        released?.cancel();
        throw error;
      }
      if (taken) {
        released?.cancel();
        this.#hold(token);
        return true;
      }
      if (!released) return false;
      let delay: number;
      try {
        delay = await releases.nextTry(this.key);
      } catch (error) {
        released.cancel();
        throw error;
      }
      if (delay === 0) released.cancel();
      else await released.wait(delay);
    }
  }

  release(): void {
    const token = this.#token;
    if (!token) return;
    this.#token = undefined;
    clearInterval(this.#renewal);
    this.#renewal = undefined;
    const { connection, releasesChannel, pending } = this.#context;
    // On a cluster the release channel lives on another shard than the lock: published after the script.
    const sharded = connection.sharded;
    const done = RELEASE_LOCK.run(connection, [this.key], [token, sharded ? '' : releasesChannel])
      .then((released) => (sharded && Number(released) === 1 ? connection.publish(releasesChannel, this.key) : undefined))
      .catch((error: unknown) => {
        // Unreachable Redis: the lease ends the lock by itself.
        this.#context.onLeaseTrouble('lock-release-failed', this.key, error);
      });
    releasing.set(this.key, done);
    pending.add(done);
    void done.then(() => {
      pending.delete(done);
      if (releasing.get(this.key) === done) releasing.delete(this.key);
    });
  }

  async locked(): Promise<boolean> {
    await releasing.get(this.key);
    return Number(await this.#context.connection.command(['EXISTS', this.key])) === 1;
  }

  /**
   * Resolves once the lock is free, without taking it. Every caller of the
   * process waiting on this key shares one wait, so they wake together.
   */
  async waitUntilFree(): Promise<void> {
    try {
      await this.#context.releases.untilFree(this.key);
    } catch (error) {
      // Degraded: the caller goes on to the in-process layer, which serialises this process's callers.
      if (!(error instanceof RedisUnavailableError) || this.#context.whenUnavailable !== 'create') throw error;
    }
  }

  async #trySet(token: string): Promise<boolean> {
    const reply = await this.#context.connection.command(['SET', this.key, token, 'NX', 'PX', String(this.#context.lease)]);
    return reply === 'OK';
  }

  #hold(token: string): void {
    this.#token = token;
    const { connection, lease } = this.#context;
    this.#renewal = setInterval(() => {
      if (this.#token !== token) return;
      EXTEND_LOCK.run(connection, [this.key], [token, String(lease)]).then(
        (extended) => {
          if (Number(extended) === 1 || this.#token !== token) return;
          // Our lease ran out (Redis unreachable too long, or the process stalled) and someone else may hold it.
          clearInterval(this.#renewal);
          this.#context.onLeaseTrouble('lock-lost', this.key);
        },
        (error: unknown) => this.#context.onLeaseTrouble('lock-extend-failed', this.key, error),
      );
    }, Math.max(1, Math.floor(lease / 3)));
    // A held lock must not keep the process alive on its own.
    this.#renewal.unref?.();
  }
}
