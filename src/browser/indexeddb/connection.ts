/**
 * The `indexeddb` backend's connection: opening the database (creating the
 * object store on first use), bounding a blocked open, reopening after the
 * browser closes it, and running one transaction at a time over it.
 *
 * @module
 */
import { openDB, type IDBPDatabase, type IDBPObjectStore } from 'idb';
import { StorageUnavailableError } from '../../errors.js';
import { AGE_INDEX, NAMESPACE_INDEX } from './records.js';

/** The object store in a transaction. Typed as read-write; read-only transactions only call the read methods. */
export type Store = IDBPObjectStore<unknown, ArrayLike<string>, string, 'readwrite'>;

/**
 * One database and store, opened on first use. A connection the browser
 * closes (`close` event, or another tab's upgrade) is reopened on next use.
 * Where IndexedDB cannot be opened (opaque origins, some private modes,
 * blocked upgrades) every transaction rejects with {@link StorageUnavailableError}.
 */
export class Connection {
  readonly #dbName: string;
  readonly #storeName: string;
  readonly #blockedTimeout: number;
  /** Set while an open of the database is blocked: operations fail at once until it opens. */
  #blocked: StorageUnavailableError | undefined;
  #db: Promise<IDBPDatabase> | undefined;
  #generation = 0;

  constructor(dbName: string, storeName: string, blockedTimeout: number) {
    this.#dbName = dbName;
    this.#storeName = storeName;
    this.#blockedTimeout = blockedTimeout;
  }

  /**
   * Runs `body` in one transaction; retries on a lost connection. A
   * read-write transaction resolves once it has committed. A read-only one
   * resolves as soon as `body`'s requests have succeeded: it has nothing to
   * commit, and waiting for its `complete` event costs about half of a read.
   */
  async run<T>(mode: IDBTransactionMode, body: (store: Store) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let db: IDBPDatabase;
      try {
        db = await this.#open();
      } catch (error) {
        // Reopening right after the browser closed the connection (site data
        // cleared) can fail once while the old database goes away; a blocked
        // open (no cause: it already waited blockedTimeout) is not retried.
        const transient = this.#generation > 0 && error instanceof StorageUnavailableError && error.cause !== undefined;
        if (attempt < 2 && transient) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        throw error;
      }
      const generation = this.#generation;
      try {
        const tx = db.transaction(this.#storeName, mode);
        if (mode === 'readonly') return await settleRead(tx.done, () => body(tx.store as unknown as Store));
        const [result] = await Promise.all([body(tx.store as unknown as Store), tx.done]);
        return result;
      } catch (error) {
        const name = (error as { name?: string })?.name;
        if (generation !== this.#generation || name === 'InvalidStateError') {
          // The connection is gone (closed by the browser, or closing): reconnect.
          if (attempt < 2) {
            if (generation === this.#generation) this.#forget();
            continue;
          }
        } else if (attempt === 0 && (name === 'AbortError' || name === 'UnknownError')) {
          // A connection the browser is closing aborts its transactions before
          // its 'close' event arrives: give the event a turn, then try once more.
          await new Promise((resolve) => setTimeout(resolve, 0));
          continue;
        }
        throw error;
      }
    }
  }

  /** Closes the connection; the next transaction opens a new one. */
  async close(): Promise<void> {
    const db = this.#db;
    this.#forget();
    if (db) (await db.catch(() => undefined))?.close();
  }

  #open(): Promise<IDBPDatabase> {
    // A blocked open is still pending: fail at once rather than queue behind it for another blockedTimeout.
    if (this.#blocked) return Promise.reject(this.#blocked);
    if (!this.#db) {
      const opening = this.#connect();
      this.#db = opening;
      opening.catch(() => {
        // Not cached: the next operation tries again (the user may have freed space or closed a blocking tab).
        if (this.#db === opening) this.#db = undefined;
      });
    }
    return this.#db;
  }

  /** The connection went away (closed by the browser or for another tab's upgrade): reopen on next use. */
  #forget(): void {
    this.#db = undefined;
    this.#generation++;
  }

  async #connect(): Promise<IDBPDatabase> {
    let factory: IDBFactory | undefined;
    try {
      factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    } catch (error) {
      throw unavailable(error);
    }
    if (!factory) throw new StorageUnavailableError('IndexedDB is not available here (no indexedDB global)');
    const storeName = this.#storeName;
    for (let attempt = 0; attempt < 5; attempt++) {
      const db = await this.#openVersion(undefined);
      if (db.objectStoreNames.contains(storeName)) return db;
      // First use of this store: one upgrade creates it with its indexes.
      const version = db.version + 1;
      db.close();
      try {
        return await this.#openVersion(version, (upgraded) => {
          if (upgraded.objectStoreNames.contains(storeName)) return;
          const store = upgraded.createObjectStore(storeName, { keyPath: ['ns', 'key'] });
          store.createIndex(NAMESPACE_INDEX, 'ns');
          store.createIndex(AGE_INDEX, ['ns', 'at']);
        });
      } catch (error) {
        // Another tab upgraded first: open again at its version.
        if ((error as { name?: string })?.name !== 'VersionError') throw error;
      }
    }
    throw new StorageUnavailableError(`IndexedDB database "${this.#dbName}" kept changing version while opening`);
  }

  #openVersion(version: number | undefined, upgrade?: (db: IDBPDatabase) => void): Promise<IDBPDatabase> {
    return new Promise<IDBPDatabase>((resolve, reject) => {
      let settled = false;
      // Opens queue behind a blocked upgrade (and never see 'blocked' themselves), so every open is bounded.
      let blocked: StorageUnavailableError | undefined;
      const unblock = () => {
        if (blocked !== undefined && this.#blocked === blocked) this.#blocked = undefined;
      };
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        blocked = new StorageUnavailableError(
          `IndexedDB database "${this.#dbName}" is blocked: it did not open within ${this.#blockedTimeout} ms, because another connection did not close for an upgrade; operations fail at once until it opens`,
        );
        this.#blocked = blocked;
        reject(blocked);
      }, this.#blockedTimeout);
      let opening: Promise<IDBPDatabase>;
      try {
        opening = openDB(this.#dbName, version, {
          upgrade: upgrade && ((db) => upgrade(db)),
          // Another tab needs an upgrade: let it proceed, reopen on next use.
          blocking: (_current, _blocked, event) => {
            (event.target as IDBDatabase).close();
            this.#forget();
          },
          terminated: () => this.#forget(),
        });
      } catch (error) {
        clearTimeout(timer);
        settled = true;
        reject(unavailable(error));
        return;
      }
      opening.then(
        (db) => {
          clearTimeout(timer);
          // The blocked open went through at last (the other connection closed): the next operation opens normally.
          unblock();
          if (settled) db.close();
          else {
            settled = true;
            resolve(db);
          }
        },
        (error: unknown) => {
          clearTimeout(timer);
          unblock();
          if (settled) return;
          settled = true;
          reject((error as { name?: string })?.name === 'VersionError' ? error : unavailable(error));
        },
      );
    });
  }
}

/**
 * The result of a read-only transaction's requests, without waiting for the
 * transaction to complete. A failed request rejects with its error, as does an
 * abort that comes before the requests have succeeded (their promises would
 * then reject too, but this does not rely on it). An abort after that cannot
 * change what was read, and is handled so it never surfaces as an unhandled
 * rejection.
 */
function settleRead<T>(done: Promise<void>, body: () => Promise<T>): Promise<T> {
  // Handled before any request is made: idb creates `done` for every transaction, and rejects it on abort.
  done.catch(() => {});
  const work = body();
  return Promise.race([work, done.then(() => work)]);
}

function unavailable(error: unknown): StorageUnavailableError {
  if (error instanceof StorageUnavailableError) return error;
  const detail = error instanceof Error || error instanceof DOMException ? `${error.name}: ${error.message}` : String(error);
  return new StorageUnavailableError(`IndexedDB cannot be opened here (${detail})`, { cause: error });
}
