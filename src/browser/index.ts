/**
 * `dogpile-cache/browser`: the `localstorage` and `indexeddb` backends, the
 * Web Locks mutex and cross-tab invalidation. Importing this entry registers
 * both backends, so `region.configure('indexeddb')` works afterwards; to
 * register one alone (and bundle only it), import `dogpile-cache/indexeddb`
 * or `dogpile-cache/localstorage` instead.
 *
 * Every browser global is read when first used, never at import, so this
 * entry also imports cleanly in Node and workers.
 *
 * @module
 */
import { registerBackend } from '../registry.js';
import { indexedDBBackendFactory, type IndexedDBBackendArguments } from './indexeddb/backend.js';
import { localStorageBackendFactory, type LocalStorageBackendArguments } from './local-storage/backend.js';

// Importing this entry makes TypeScript know these names too, as at run time.
declare module '../registry.js' {
  interface BackendRegistry {
    localstorage: LocalStorageBackendArguments;
    indexeddb: IndexedDBBackendArguments;
  }
}

// Registered here, not by importing the two single-backend entries: each
// entry's registration then stays in that entry's own file, the one
// package.json \`sideEffects\` names, rather than in a chunk the builds share.
registerBackend('localstorage', localStorageBackendFactory);
registerBackend('indexeddb', indexedDBBackendFactory);

export { LocalStorageBackend, localStorageBackendFactory, type LocalStorageBackendArguments } from './local-storage/backend.js';
export { IndexedDBBackend, indexedDBBackendFactory, type IndexedDBBackendArguments } from './indexeddb/backend.js';
export { WebLockMutex, webLockManager, type WebLockHooks } from './web-locks.js';
export { RegistryMutex } from './registry-mutex.js';
export { KeyLocks, LOCK_PREFIX, type KeyLocksOptions } from './key-locks.js';
export {
  SharedInvalidationStrategy,
  type InvalidationRecord,
  type InvalidationStore,
  type SharedInvalidationOptions,
} from './shared-invalidation.js';
export { isQuotaError } from './quota.js';
export { tabId } from './tab-id.js';
export type { AutoPruneOptions } from './idle-prune.js';
