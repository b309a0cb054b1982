/**
 * What a UI is told about one cache entry at one moment, typed as a union on
 * `status` so that `value` is `V` exactly where a value is shown.
 *
 * @module
 */

/**
 * Where an entry stands for the UI:
 * - `idle`: no key to look up;
 * - `loading`: no usable value yet, one is being created (here or elsewhere);
 * - `fresh`: the value is current;
 * - `stale`: an expired or soft-invalidated value is shown while it is regenerated,
 *   or because regenerating it failed (`error` set: the region's `staleIfError`);
 * - `error`: the creator failed; `value` keeps the last value shown, if any.
 */
export type CachedValueStatus = 'idle' | 'loading' | 'fresh' | 'stale' | 'error';

interface SnapshotFields {
  /** When the value was created, epoch ms, when known. */
  createdAt: number | undefined;
  /** When the value expires, epoch ms; `undefined` when it never does or is unknown. */
  expiresAt: number | undefined;
}

/** No key: nothing is looked up. */
export interface IdleSnapshot extends SnapshotFields {
  key: undefined;
  status: 'idle';
  value: undefined;
  error: undefined;
  source: undefined;
}

/** No usable value yet; one is being made. */
export interface LoadingSnapshot extends SnapshotFields {
  /** The key this snapshot is about. */
  key: string;
  status: 'loading';
  value: undefined;
  error: undefined;
  source: undefined;
}

/** A current value. */
export interface FreshSnapshot<V> extends SnapshotFields {
  key: string;
  status: 'fresh';
  value: V;
  /** Set when this caller made the value but storing it failed (the value is still shown). */
  error: unknown;
  /** `creator`: this caller's creator made the value; `cache`: it was read (made earlier, or by another caller or tab). */
  source: 'cache' | 'creator';
}

/**
 * An expired or soft-invalidated value, shown while it is regenerated, or
 * after its regeneration failed and the region served it instead
 * (`staleIfError`): then `error` is what the creator threw.
 */
export interface StaleSnapshot<V> extends SnapshotFields {
  key: string;
  status: 'stale';
  value: V;
  /** What the last creator for this value threw, when it failed; `undefined` while none has failed. */
  error: unknown;
  source: 'cache' | 'creator';
}

interface ErrorFields extends SnapshotFields {
  key: string;
  status: 'error';
  /** What the creator threw. */
  error: unknown;
  source: 'cache' | 'creator' | undefined;
}

/**
 * The creator failed; `value` is the last value shown, if there was one
 * (two members, so that `!result.value` narrows the union).
 */
export type ErrorSnapshot<V> = (ErrorFields & { value: V }) | (ErrorFields & { value: undefined });

/** What is known about an entry at one moment; narrow on `status` to reach a typed `value`. */
export type CachedEntrySnapshot<V> = IdleSnapshot | LoadingSnapshot | FreshSnapshot<V> | StaleSnapshot<V> | ErrorSnapshot<V>;

/** The snapshot of a key nothing is known about yet (`idle` without a key). */
export function initialSnapshot<V>(key: string | null | undefined): CachedEntrySnapshot<V> {
  const base = { value: undefined, error: undefined, createdAt: undefined, expiresAt: undefined, source: undefined };
  return key == null ? { ...base, key: undefined, status: 'idle' } : { ...base, key, status: 'loading' };
}

/** Whether two snapshots show the same thing (so a UI need not render again). */
export function sameSnapshot<V>(a: CachedEntrySnapshot<V>, b: CachedEntrySnapshot<V>): boolean {
  return (
    a.key === b.key &&
    a.status === b.status &&
    Object.is(a.value, b.value) &&
    Object.is(a.error, b.error) &&
    a.createdAt === b.createdAt &&
    a.expiresAt === b.expiresAt &&
    a.source === b.source
  );
}
