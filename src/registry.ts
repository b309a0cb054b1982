/**
 * Backends by name, for `region.configure('memory')` and configuration files.
 * `memory` and `null` are always registered; `dogpile-cache/browser` adds
 * `localstorage` and `indexeddb`.
 *
 * @module
 */
import type { BackendArguments, CacheBackend } from './api.js';
import { memoryBackendFactory, type MemoryBackendArguments } from './backends/memory.js';
import { nullBackendFactory } from './backends/null.js';
import { PluginNotFound } from './errors.js';
import { closestName } from './suggest.js';

/**
 * Backend names and the `arguments` each one takes, for TypeScript:
 * `configure(name, { arguments })` and `registerBackend(name, factory)`
 * accept only the names listed here. `dogpile-cache/browser` adds
 * `localstorage` and `indexeddb`, `dogpile-cache/redis` adds `redis`, and
 * a backend of your own is added by declaration merging:
 *
 * ```ts
 * declare module 'dogpile-cache' {
 *   interface BackendRegistry { mine: { path?: string } }
 * }
 * ```
 *
 * Names known only at run time (read from a config file) go through
 * `configureFromConfig`, which checks them when it runs; to accept any
 * string in `configure` as well, merge an index signature:
 * `interface BackendRegistry { [name: string]: object }`.
 */
export interface BackendRegistry {
  memory: MemoryBackendArguments;
  null: NullBackendArguments;
}

/** The `null` backend takes no arguments. */
export type NullBackendArguments = Record<string, never>;

/** A backend name TypeScript knows of (see {@link BackendRegistry}). */
export type BackendName = keyof BackendRegistry & string;

/** The `arguments` of backend `N`. */
export type BackendArgumentsOf<N extends BackendName> = BackendRegistry[N];

/** Builds a backend from the `arguments` given to `configure`. */
export type BackendFactory<A = BackendArguments> = (args: A) => CacheBackend;

// Factories take their own argument types; the registry hands them whatever
// `configure` was given, which TypeScript checked at the call site.
const factories = new Map<string, BackendFactory<never>>([
  ['memory', memoryBackendFactory],
  ['null', nullBackendFactory],
]);

/** Registers (or replaces) the backend factory for `name`. */
export function registerBackend<N extends BackendName>(name: N, factory: BackendFactory<BackendRegistry[N]>): void {
  if (typeof name !== 'string' || (name as string) === '') throw new TypeError('dogpile-cache: backend name must be a non-empty string');
  if (typeof factory !== 'function') throw new TypeError(`dogpile-cache: factory for backend "${name}" must be a function`);
  factories.set(name, factory);
}

/** The factory registered for `name`; throws {@link PluginNotFound} when there is none. */
export function getBackendFactory(name: string): BackendFactory {
  const factory = factories.get(name);
  if (!factory) {
    const known = [...factories.keys()].sort();
    // Suggest among the registered names and the ones the package's entries register.
    const suggestion = closestName(name, new Set([...known, ...Object.keys(ENTRY_OF)]));
    const hint = suggestion && suggestion !== name ? ` Did you mean '${suggestion}'?` : '';
    const entry = ENTRY_OF[suggestion ?? name];
    const importHint = entry && !factories.has(suggestion ?? name) ? ` '${suggestion ?? name}' is registered by importing '${entry}'.` : '';
    throw new PluginNotFound(
      `No backend registered as "${name}" (registered: ${known.join(', ')}).${hint}${importHint || (hint ? '' : ` Browser backends are registered by importing 'dogpile-cache/browser'.`)}`,
    );
  }
  return factory as BackendFactory;
}

/** The package entry that registers each of its non-core backends. */
const ENTRY_OF: Record<string, string> = {
  localstorage: 'dogpile-cache/browser',
  indexeddb: 'dogpile-cache/browser',
  redis: 'dogpile-cache/redis',
};

/** Names of the registered backends. */
export function registeredBackends(): string[] {
  return [...factories.keys()];
}
