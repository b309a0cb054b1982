/**
 * `dogpile-cache/localstorage`: the `localstorage` backend alone. Importing
 * this entry registers it, so `region.configure('localstorage')` works
 * afterwards; nothing of the `indexeddb` backend comes with it.
 *
 * Every browser global is read when first used, never at import, so this
 * entry also imports cleanly in Node and workers.
 *
 * @module
 */
import { registerBackend } from '../../registry.js';
import { localStorageBackendFactory, type LocalStorageBackendArguments } from './backend.js';

// Importing this entry makes TypeScript know the name too, as at run time.
declare module '../../registry.js' {
  interface BackendRegistry {
    localstorage: LocalStorageBackendArguments;
  }
}

registerBackend('localstorage', localStorageBackendFactory);

export { LocalStorageBackend, localStorageBackendFactory, type LocalStorageBackendArguments } from './backend.js';
export type { AutoPruneOptions } from '../idle-prune.js';
