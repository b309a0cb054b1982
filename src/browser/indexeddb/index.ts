/**
 * `dogpile-cache/indexeddb`: the `indexeddb` backend alone. Importing this
 * entry registers it, so `region.configure('indexeddb')` works afterwards;
 * nothing of the `localstorage` backend comes with it.
 *
 * Every browser global is read when first used, never at import, so this
 * entry also imports cleanly in Node and workers.
 *
 * @module
 */
import { registerBackend } from '../../registry.js';
import { indexedDBBackendFactory, type IndexedDBBackendArguments } from './backend.js';

// Importing this entry makes TypeScript know the name too, as at run time.
declare module '../../registry.js' {
  interface BackendRegistry {
    indexeddb: IndexedDBBackendArguments;
  }
}

registerBackend('indexeddb', indexedDBBackendFactory);

export { IndexedDBBackend, indexedDBBackendFactory, type IndexedDBBackendArguments } from './backend.js';
export type { AutoPruneOptions } from '../idle-prune.js';
