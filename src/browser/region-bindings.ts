/**
 * What a shared backend knows of the regions that use it: the namespace its
 * entries live in, their expiration times and invalidation, so it can tell
 * dead entries (expired, hard-invalidated) from live ones when it must make room.
 *
 * @module
 */
import type { RegionBinding, RegionInvalidationStrategy } from '../api.js';
import { startIdlePrune, type AutoPruneSettings } from './idle-prune.js';

/** How a backend prunes its regions by itself (see `idle-prune.ts`). */
export interface AutoPrune {
  readonly settings: AutoPruneSettings;
  /** Where a failed pass is reported (the backend's notices). */
  onError(error: unknown, regionName: string | undefined): void;
}

/**
 * Escapes a namespace so that it never contains the separators `|` and `#`
 * used in storage keys, keeping namespaces and keys apart.
 */
export function escapeNamespace(namespace: string): string {
  return namespace.replace(/[%|#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The regions bound to one backend. The namespace is the backend's
 * `namespace` argument if given, else the name of the first region
 * configured with it, else `''` (every unnamed region of the same storage
 * shares it).
 */
export class RegionBindings {
  readonly #explicit: string | undefined;
  #first: string | undefined;
  #bound = false;
  /** The regions bound now, with their expiration times. */
  readonly #regions = new Map<object, { name: string | undefined; expirationTime: number | undefined }>();
  /** The strategies made for bound regions, by region (as it was bound); they go with it. */
  readonly #strategies = new Map<object, RegionInvalidationStrategy>();
  readonly #autoPrune: AutoPrune | undefined;
  /** How to stop each bound region's idle pruning. */
  readonly #stopPruning = new Map<object, () => void>();

  constructor(explicitNamespace?: string, autoPrune?: AutoPrune) {
    this.#autoPrune = autoPrune;
    if (explicitNamespace !== undefined && typeof explicitNamespace !== 'string') {
      throw new TypeError('dogpile-cache: namespace must be a string');
    }
    this.#explicit = explicitNamespace;
  }

  /** The namespace the backend's entries live in. */
  get namespace(): string {
    return this.#explicit ?? this.#first ?? '';
  }

  /** Records a region configured with the backend. Returns whether it is the first bound now. */
  bind(region: Pick<RegionBinding, 'name' | 'expirationTime' | 'prune'>): boolean {
    if (!this.#bound) {
      this.#bound = true;
      this.#first = region.name;
    }
    const first = this.#regions.size === 0;
    this.#regions.set(region, { name: region.name, expirationTime: region.expirationTime });
    const auto = this.#autoPrune;
    const prune = region.prune;
    if (auto && prune && !this.#stopPruning.has(region)) {
      this.#stopPruning.set(region, startIdlePrune(prune, auto.settings, (error) => auto.onError(error, region.name)));
    }
    return first;
  }

  /** Forgets a region (given as it was bound), stopping its idle pruning. Returns whether none is left. */
  unbind(region: object): boolean {
    this.#stopPruning.get(region)?.();
    this.#stopPruning.delete(region);
    this.#strategies.delete(region);
    this.#regions.delete(region);
    return this.#regions.size === 0;
  }

  /** How error messages name the region: its name, or the namespace's. */
  get regionName(): string {
    const names = [...this.#regions.values()].map((r) => r.name ?? '');
    return names.length === 1 ? names[0]! : names.length > 1 ? names.join('", "') : this.namespace;
  }

  /**
   * Records the strategy the backend made for `region` (as it was bound);
   * it is forgotten when the region unbinds, so a closed region's
   * invalidation neither reloads nor counts in {@link isDead}.
   */
  addStrategy(region: object, strategy: RegionInvalidationStrategy): void {
    this.#strategies.set(region, strategy);
  }

  /** Reads every shared strategy's persisted invalidation again (after the page missed messages). */
  async reloadStrategies(): Promise<void> {
    await Promise.all([...this.#strategies.values()].map((s) => (s as { reload?: () => Promise<void> }).reload?.()));
  }

  /**
   * Whether no region using the backend could serve a value created at `ct`:
   * older than every region's expiration time, or hard-invalidated for all.
   */
  isDead(ct: number, now: number): boolean {
    const expirations = [...this.#regions.values()].map((r) => r.expirationTime);
    if (expirations.length > 0 && expirations.every((e) => e !== undefined)) {
      const longest = Math.max(...(expirations as number[]));
      if (now - ct > longest) return true;
    }
    const strategies = [...this.#strategies.values()];
    return strategies.length > 0 && strategies.every((s) => s.isHardInvalidated(ct));
  }
}
