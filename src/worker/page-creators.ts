/**
 * Creators given as functions stay in the page: while a get-or-create runs,
 * its creator (and `shouldCacheFn`) is registered under an id, and the worker
 * calls it back by that id only when this caller must create.
 *
 * @module
 */
import type { MaybePromise } from '../region/region.js';
import { findUncloneable } from './clone-errors.js';
import { WorkerUnavailableError } from './errors.js';
import { result, type CreatorRef } from './wire.js';
import type { ClientCallbacks } from './protocol.js';

/** A page-side creator waiting to be called back by the worker. */
export interface PageCreator {
  fn: ((...keys: string[]) => MaybePromise<unknown>) | undefined;
  multi: boolean;
  shouldCacheFn: ((value: unknown) => MaybePromise<boolean>) | undefined;
  /** The creator's run, once the worker asked for it. */
  run?: Promise<unknown>;
  keys?: string[];
  produced?: { value: unknown };
  thrown?: { error: unknown };
}

/** The creators of one client's running get-or-create calls. */
export class PageCreators {
  readonly #entries = new Map<number, PageCreator>();
  #nextId = 1;

  /** The creator registered under `id`, while its call runs. */
  get(id: number): PageCreator | undefined {
    return this.#entries.get(id);
  }

  /**
   * Runs `send` with `creator` reachable by the worker, as a name or as a
   * registered id. When the worker is lost after this page's creator ran,
   * the caller still gets what it made (the cache never loses a value).
   */
  async run<R>(
    method: 'getOrCreate' | 'getOrCreateMulti',
    creator: unknown,
    shouldCacheFn: unknown,
    keys: readonly string[],
    send: (ref: CreatorRef, shouldCacheId: number | undefined) => Promise<R>,
  ): Promise<R> {
    if (shouldCacheFn !== undefined && typeof shouldCacheFn !== 'function') throw new TypeError('dogpile-cache: shouldCacheFn must be a function');
    const multi = method === 'getOrCreateMulti';
    const id = this.#nextId++;
    let ref: CreatorRef;
    let entry: PageCreator | undefined;
    if (typeof creator === 'string') {
      if (creator === '') throw new TypeError(`dogpile-cache: ${method} expects a creator function or the name of a worker creator`);
      ref = { name: creator };
      if (shouldCacheFn) entry = { fn: undefined, multi, shouldCacheFn: shouldCacheFn as PageCreator['shouldCacheFn'] };
    } else if (typeof creator === 'function') {
      ref = { id };
      entry = { fn: creator as PageCreator['fn'], multi, shouldCacheFn: shouldCacheFn as PageCreator['shouldCacheFn'] };
    } else {
      throw new TypeError(`dogpile-cache: ${method} expects a creator function or the name of a worker creator, got ${typeof creator}`);
    }
    if (entry) this.#entries.set(id, entry);
    try {
      return await send(ref, entry && id);
    } catch (error) {
      return (await outcome(entry, error, keys)) as R;
    } finally {
      this.#entries.delete(id);
    }
  }

  /** What the worker calls back: the creators, their `shouldCacheFn`s, and which value could not be copied. */
  callbacks(): Pick<ClientCallbacks, 'create' | 'shouldCache' | 'findUncloneable'> {
    return {
      create: (id, keys) =>
        result.to(async () => {
          const entry = this.#entries.get(id);
          if (!entry?.fn) throw new TypeError('dogpile-cache: this creator is no longer waited for');
          const fn = entry.fn;
          entry.keys = keys;
          entry.run = Promise.resolve().then(() => (entry.multi ? fn(...keys) : fn()));
          try {
            const value = await entry.run;
            entry.produced = { value };
            return value;
          } catch (error) {
            entry.thrown = { error };
            throw error;
          }
        }),
      shouldCache: (id, value) => {
        const shouldCacheFn = this.#entries.get(id)?.shouldCacheFn;
        return result.to(async () => (shouldCacheFn ? Boolean(await shouldCacheFn(value)) : true));
      },
      findUncloneable: async (id) => {
        const entry = this.#entries.get(id);
        if (!entry?.produced || !entry.keys) return undefined;
        const values = entry.multi && Array.isArray(entry.produced.value) ? entry.produced.value : [entry.produced.value];
        const keys = entry.keys;
        return findUncloneable(values.map((value, i) => [keys[i] ?? String(i), value]));
      },
    };
  }
}

/**
 * What a failed get-or-create gives its caller: the creator's own error as
 * thrown; or, when the worker was lost after this page's creator ran, the
 * value it made; else the error.
 */
async function outcome(entry: PageCreator | undefined, error: unknown, keys: readonly string[]): Promise<unknown> {
  if (entry?.thrown) throw entry.thrown.error;
  if (!(error instanceof WorkerUnavailableError) || !entry?.run) throw error;
  const made = await entry.run;
  if (!entry.multi) return made;
  // A multi-key creator made only the keys that were missing: usable if that was all of them.
  const madeKeys = entry.keys ?? [];
  if (!Array.isArray(made) || keys.some((key) => !madeKeys.includes(key))) throw error;
  return keys.map((key) => made[madeKeys.indexOf(key)]);
}
