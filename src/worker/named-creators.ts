/**
 * Creators given by name (to `exposeRegion`, or to `connectRegion` for the
 * in-page fallback): `getOrCreate(key, 'name')` calls the creator with the
 * key; `getOrCreateMulti(keys, 'name')` calls a multi-key creator with the
 * missing keys, or a single-key one once per key.
 *
 * @module
 */
import type { MaybePromise } from '../region/region.js';
import { UnknownCreatorError } from './errors.js';

/** A creator the worker runs itself, by name: `getOrCreate(key, 'name')` calls it with the key. */
export type NamedCreator = (key: string) => MaybePromise<unknown>;
/** A multi-key creator the worker runs itself: called with the missing keys, returns their values in order. */
export type NamedMultiCreator = (...keys: string[]) => MaybePromise<readonly unknown[]>;

/** What to do with the values a named creator made, before they are cached (the worker checks that they can travel). */
export type CheckValues = (keys: readonly string[], values: readonly unknown[]) => unknown[];

/** The named creators of one host or in-page client. */
export class NamedCreators {
  readonly #single: Record<string, NamedCreator>;
  readonly #multi: Record<string, NamedMultiCreator>;
  readonly #unknown: (name: string, multi: boolean) => string;
  readonly #check: CheckValues;

  /** `unknown` words the error for a name that was not given. */
  constructor(
    single: Record<string, NamedCreator> | undefined,
    multi: Record<string, NamedMultiCreator> | undefined,
    unknown: (name: string, multi: boolean) => string,
    check: CheckValues = (_, values) => [...values],
  ) {
    this.#single = { ...single };
    this.#multi = { ...multi };
    this.#unknown = unknown;
    this.#check = check;
  }

  /** Names of the single-key creators. */
  get singleNames(): string[] {
    return Object.keys(this.#single);
  }

  /** Names of the multi-key creators. */
  get multiNames(): string[] {
    return Object.keys(this.#multi);
  }

  /** The creator `getOrCreate(key, name)` runs; throws {@link UnknownCreatorError} for an unknown name. */
  single(name: string, key: string): () => Promise<unknown> {
    const named = own(this.#single, name);
    if (!named) throw new UnknownCreatorError(this.#unknown(name, false));
    return async () => this.#check([key], [await named(key)])[0];
  }

  /** The creator `getOrCreateMulti(keys, name)` runs; throws {@link UnknownCreatorError} for an unknown name. */
  multi(name: string): (...keys: string[]) => Promise<unknown[]> {
    const multi = own(this.#multi, name);
    if (multi) {
      return async (...keys) => {
        const values = await multi(...keys);
        if (!Array.isArray(values)) throw new TypeError(`dogpile-cache: multi creator "${name}" must return an array`);
        return this.#check(keys, values);
      };
    }
    const single = own(this.#single, name);
    if (single) return async (...keys) => this.#check(keys, await Promise.all(keys.map((key) => single(key))));
    throw new UnknownCreatorError(this.#unknown(name, true));
  }
}

function own<F>(table: Record<string, F>, name: string): F | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
