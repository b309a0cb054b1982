/**
 * Failed creations, for `errorBackoff`: for a while after a key's creator
 * failed, callers of that key get that failure at once instead of running
 * the creator again. A failure is kept in this process (the error itself)
 * and stored in the backend beside the key (its name and message), so the
 * backend's storage carries it to every other tab or process: their waiters,
 * woken by the failed holder's release, find it before they would create.
 *
 * @module
 */
import { CachedValue, NO_VALUE } from '../api.js';
import type { Writes } from './create.js';
import type { ReadPath } from './read-path.js';

/** How much longer each consecutive failure of a key backs off, up to {@link MAX_GROWTH} times `errorBackoff`. */
const GROWTH = 2;
/** The longest back-off, in multiples of `errorBackoff`. */
export const MAX_GROWTH = 16;
/** Failures kept in this process; the oldest go first (the stored records remain). */
const KEPT = 1000;

/** A failure as stored in the backend: what other tabs and processes need to fail the same way. */
interface FailureRecord {
  readonly name: string;
  readonly message: string;
  /** Until when callers get it (epoch ms). */
  readonly until: number;
  /** Consecutive failures of the key, this one included. */
  readonly count: number;
}

/** A failure known in this process. */
interface Failure {
  readonly error: unknown;
  readonly until: number;
  readonly count: number;
}

/** The stored key of `mangled`'s failure record: beside the key, never one a caller's key mangles to by accident. */
export function failureKey(mangled: string): string {
  return `${mangled}\u0000failure`;
}

/** The failures of one configured region. */
export class Failures {
  readonly #local = new Map<string, Failure>();
  readonly #read: ReadPath;
  readonly #writes: Writes;

  constructor(read: ReadPath, writes: Writes) {
    this.#read = read;
    this.#writes = writes;
  }

  /**
   * What callers of `mangled` meet now: `error`, when its creator failed
   * less than its back-off ago (the error itself when it failed in this
   * process, else one of the same class name and message, from the
   * backend's record); `known`, whether a failure is on record at all
   * (a later success then clears it).
   */
  async check(mangled: string, key: string): Promise<{ error?: unknown; known: boolean }> {
    const now = this.#read.now();
    const local = this.#local.get(mangled);
    if (local && local.until > now) return { error: local.error, known: true };
    const record = await this.#stored(mangled, key);
    if (!record) return { known: local !== undefined };
    if (record.until <= now) return { known: true };
    const error = revive(record);
    this.#keep(mangled, { error, until: record.until, count: record.count });
    return { error, known: true };
  }

  /**
   * Records that `mangled`'s creator failed with `error`: for `backoff` ms,
   * doubled for each consecutive failure up to {@link MAX_GROWTH} times. The
   * record is stored before the caller's lock is released, so waiters in
   * other tabs or processes find it; a write that fails is recorded, not thrown.
   */
  async record(mangled: string, key: string, error: unknown, backoff: number): Promise<void> {
    const now = this.#read.now();
    const previous = this.#local.get(mangled) ?? (await this.#stored(mangled, key));
    // A failure soon after the last back-off ended is a consecutive one.
    const consecutive = previous !== undefined && now - previous.until < backoff * MAX_GROWTH;
    const count = consecutive ? previous.count + 1 : 1;
    const until = now + backoff * Math.min(GROWTH ** (count - 1), MAX_GROWTH);
    this.#keep(mangled, { error, until, count });
    const { name, message } = describe(error);
    const record: FailureRecord = { name, message, until, count };
    try {
      await this.#read.config.backend.set(failureKey(mangled), this.#writes.stored(new CachedValue(record, this.#writes.metadata())));
    } catch (failure) {
      this.#read.recorder.error('errorBackoff', failure, key);
    }
  }

  /** `mangled`'s creator succeeded: its failures are forgotten, here and in the backend. */
  async cleared(mangled: string, key: string): Promise<void> {
    this.#local.delete(mangled);
    try {
      await this.#read.config.backend.delete(failureKey(mangled));
    } catch (failure) {
      this.#read.recorder.error('errorBackoff', failure, key);
    }
  }

  async #stored(mangled: string, key: string): Promise<FailureRecord | undefined> {
    const stored = await this.#read.loadNow(failureKey(mangled), key, 'errorBackoff');
    if (stored === NO_VALUE) return undefined;
    const record = stored.payload as Partial<FailureRecord> | null;
    const valid = typeof record === 'object' && record !== null && typeof record.until === 'number' && typeof record.count === 'number';
    return valid ? (record as FailureRecord) : undefined;
  }

  #keep(mangled: string, failure: Failure): void {
    this.#local.delete(mangled);
    this.#local.set(mangled, failure);
    if (this.#local.size > KEPT) this.#local.delete(this.#local.keys().next().value!);
  }
}

/** A key of a creation: as stored, and as the caller gave it. */
export interface CreatedKey {
  readonly key: string;
  readonly caller: string;
}

/**
 * Runs `create` for `keys` under `errorBackoff` (ms; 0: just runs it): a
 * failure on record for one of the keys is thrown instead, without running
 * it; a failure of `create` is put on record for each key; a success clears
 * the failures on record. `ran` is called when `create` starts.
 */
export async function createOnRecord<T>(failures: Failures, keys: readonly CreatedKey[], errorBackoff: number, create: () => Promise<T>, ran: () => void): Promise<T> {
  if (!errorBackoff) {
    ran();
    return create();
  }
  const known = await Promise.all(keys.map(({ key, caller }) => failures.check(key, caller)));
  const failed = known.find((check) => check.error !== undefined);
  if (failed) throw failed.error;
  ran();
  let created: T;
  try {
    created = await create();
  } catch (error) {
    await Promise.all(keys.map(({ key, caller }) => failures.record(key, caller, error, errorBackoff)));
    throw error;
  }
  await Promise.all(keys.filter((_, i) => known[i]!.known).map(({ key, caller }) => failures.cleared(key, caller)));
  return created;
}

/** The built-in error classes a stored failure is revived as, by name. */
const BUILT_IN: Record<string, ErrorConstructor> = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };

function describe(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** An error like the stored one: its built-in class when it had one, its name and message either way. */
function revive(record: FailureRecord): Error {
  const name = typeof record.name === 'string' ? record.name : 'Error';
  const error = new (Object.hasOwn(BUILT_IN, name) ? BUILT_IN[name]! : Error)(typeof record.message === 'string' ? record.message : '');
  if (error.name !== name) Object.defineProperty(error, 'name', { value: name, configurable: true, writable: true });
  return error;
}
