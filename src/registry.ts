/**
 * Backends by name, for `region.configure('memory')` and configuration files.
 * `memory` and `null` are always registered; `dogpile-cache/browser` adds
 * `localstorage` and `indexeddb`.
 *
 * @module
 */
import type { BackendArguments, CacheBackend } from './api.js';
import { memoryBackendFactory } from './backends/memory.js';
import { nullBackendFactory } from './backends/null.js';
import { PluginNotFound } from './errors.js';

/** Builds a backend from the `arguments` given to `configure`. */
export type BackendFactory = (args: BackendArguments) => CacheBackend;

const factories = new Map<string, BackendFactory>([
  ['memory', memoryBackendFactory],
  ['null', nullBackendFactory],
]);

/** Registers (or replaces) the backend factory for `name`. */
export function registerBackend(name: string, factory: BackendFactory): void {
  if (typeof name !== 'string' || name === '') throw new TypeError('dogpile-cache: backend name must be a non-empty string');
  if (typeof factory !== 'function') throw new TypeError(`dogpile-cache: factory for backend "${name}" must be a function`);
  factories.set(name, factory);
}

/** The factory registered for `name`; throws {@link PluginNotFound} when there is none. */
export function getBackendFactory(name: string): BackendFactory {
  const factory = factories.get(name);
  if (!factory) {
    const known = [...factories.keys()].sort().join(', ');
    throw new PluginNotFound(
      `No backend registered as "${name}" (registered: ${known}). ` +
        `Browser backends are registered by importing 'dogpile-cache/browser'.`,
    );
  }
  return factory;
}

/** Names of the registered backends. */
export function registeredBackends(): string[] {
  return [...factories.keys()];
}
