// Storage suites: the localstorage and indexeddb backends against the peers.
import { storageBulkSuite, storageMultiSuite, storageReadSuite, storageWriteSuite, transactionNotes } from '../cases/storage.js';
import { exposeSuites } from './page-api.js';

exposeSuites({
  'storage-read': { build: storageReadSuite, notes: transactionNotes },
  'storage-write': { build: storageWriteSuite },
  'storage-bulk': { build: storageBulkSuite },
  'storage-multi': { build: storageMultiSuite },
});
