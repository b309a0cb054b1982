/**
 * The global registration queue. Regions are registered on
 * `globalThis[Symbol.for('dogpile-cache.devtools')]`, whether or not the
 * inspector runs yet; the inspector reads the queue when it starts and hears
 * about later registrations. So the order in which the page registers
 * regions and starts the inspector does not matter, and code that must not
 * import this module can queue a region with one line:
 *
 * ```ts
 * ((globalThis as any)[Symbol.for('dogpile-cache.devtools')] ??= []).push(region);
 * ```
 *
 * @module
 */
import type { InspectableRegion } from './inspectable.js';

/** The global symbol the queue lives under. */
export const DEVTOOLS_HOOK = Symbol.for('dogpile-cache.devtools');

/** What the queue tells the inspector. */
export type HookListener = (change: 'add' | 'remove', region: InspectableRegion) => void;

/** The global registration queue. */
export interface DevtoolsHook {
  readonly version: 1;
  /** Registered regions, in registration order. */
  readonly regions: readonly InspectableRegion[];
  /** Registers regions (duplicates and non-regions are ignored). Same shape as the array form's `push`. */
  push(...regions: unknown[]): number;
  /** Unregisters a region. */
  remove(region: InspectableRegion): void;
  /** Hears registrations; returns the unsubscribe function. */
  listen(listener: HookListener): () => void;
}

/** Duck-typed, so a region from another copy of the library is accepted too. */
function isRegion(value: unknown): value is InspectableRegion {
  if (typeof value !== 'object' || value === null) return false;
  const region = value as Partial<InspectableRegion>;
  return typeof region.subscribe === 'function' && typeof region.peekStored === 'function' && 'stats' in region && 'backendLabels' in region;
}

function isHook(value: unknown): value is DevtoolsHook {
  return typeof value === 'object' && value !== null && (value as DevtoolsHook).version === 1 && typeof (value as DevtoolsHook).listen === 'function';
}

function createHook(initial: readonly unknown[]): DevtoolsHook {
  const regions: InspectableRegion[] = [];
  const listeners = new Set<HookListener>();
  const hook: DevtoolsHook = {
    version: 1,
    regions,
    push(...items) {
      for (const item of items) {
        if (!isRegion(item) || regions.includes(item)) continue;
        regions.push(item);
        listeners.forEach((listener) => listener('add', item));
      }
      return regions.length;
    },
    remove(region) {
      const index = regions.indexOf(region);
      if (index < 0) return;
      regions.splice(index, 1);
      listeners.forEach((listener) => listener('remove', region));
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  hook.push(...initial);
  return hook;
}

/** The page's registration queue, created on first use (taking over an array queued before). */
export function devtoolsHook(): DevtoolsHook {
  const scope = globalThis as unknown as Record<symbol, unknown>;
  const existing = scope[DEVTOOLS_HOOK];
  if (isHook(existing)) return existing;
  const hook = createHook(Array.isArray(existing) ? existing : []);
  Object.defineProperty(scope, DEVTOOLS_HOOK, { value: hook, configurable: true, writable: true, enumerable: false });
  return hook;
}

/**
 * Registers a region with the devtools, whether the inspector runs yet or
 * not. Costs nothing until a panel attaches. Returns the function that
 * unregisters it.
 */
export function registerRegion(region: InspectableRegion): () => void {
  if (!isRegion(region)) throw new TypeError('dogpile-cache: registerRegion expects a CacheRegion (or an InspectableRegion)');
  const hook = devtoolsHook();
  hook.push(region);
  return () => hook.remove(region);
}
