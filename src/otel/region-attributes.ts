/**
 * The attributes every measurement of a region carries, following the
 * region's current backend: it may be configured after instrumentation
 * starts, reconfigured with `replaceExistingBackend`, or closed (its last
 * backend is kept then, for operations still finishing).
 *
 * @module
 */
import type { Attributes } from '@opentelemetry/api';
import type { CacheRegion } from '../index.js';
import { ATTR } from './names.js';

/** What instrumentation reads of a region: its events and which backend it has. */
export type InstrumentedRegion = Pick<CacheRegion, 'name' | 'subscribe' | 'isConfigured' | 'actualBackend' | 'backendLabels'>;

/** The attributes of one region, rebuilt only when its actual backend changes. */
export class RegionAttributes {
  readonly #region: InstrumentedRegion;
  readonly #extra: Attributes;
  #backend: object | undefined;
  #base: Attributes;
  /** Attribute sets derived from the base, by a small fixed tag: built once per backend. */
  #derived = new Map<string, Attributes>();

  constructor(region: InstrumentedRegion, extra: Attributes) {
    this.#region = region;
    this.#extra = extra;
    this.#base = this.#build(undefined);
    this.current();
  }

  /** The base attributes for the region's backend now. */
  current(): Attributes {
    const region = this.#region;
    // Reading isConfigured first: the getters below throw on a region not configured (yet, or any more).
    const backend = region.isConfigured ? region.actualBackend : undefined;
    if (backend !== undefined && backend !== this.#backend) {
      this.#backend = backend;
      const labels = region.backendLabels;
      this.#base = this.#build(labels[labels.length - 1]);
      this.#derived = new Map();
    }
    return this.#base;
  }

  /** The base attributes plus `more`, cached under `tag` (which must name `more` exactly). */
  with(tag: string, more: Attributes): Attributes {
    const base = this.current();
    let derived = this.#derived.get(tag);
    if (!derived) {
      derived = { ...base, ...more };
      this.#derived.set(tag, derived);
    }
    return derived;
  }

  #build(backend: string | undefined): Attributes {
    const name = this.#region.name;
    return {
      ...this.#extra,
      ...(name === undefined ? {} : { [ATTR.region]: name }),
      ...(backend === undefined ? {} : { [ATTR.backend]: backend }),
    };
  }
}
