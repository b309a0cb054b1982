/**
 * The names the backend uses in Redis: keys of entries, locks and the
 * invalidation record, and the pub/sub channels, all under one base.
 *
 * @module
 */

/**
 * Escapes a namespace so it never contains `|`, which ends it in every name
 * (and `%`, the escape itself), keeping namespaces apart.
 */
function escapeNamespace(namespace: string): string {
  return namespace.replace(/[%|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Escapes the glob characters of SCAN's MATCH pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * For base `B` = `prefix + namespace + '|'`:
 * entries `B v:key`, locks `B l:key`, the invalidation record `B inv`;
 * channels `B changes` (writes and deletes), `B released` (lock releases),
 * `B inv` (invalidations). Entries and the rest never share a name whatever
 * the cache keys are, so a key can never overwrite a lock or the record.
 */
export class KeySpace {
  readonly base: string;

  constructor(prefix: string, namespace: string) {
    this.base = `${prefix}${escapeNamespace(namespace)}|`;
  }

  /** The Redis key of the entry for cache key `key`. */
  entry(key: string): string {
    return `${this.base}v:${key}`;
  }

  /** The cache key of an entry's Redis key, or `undefined` for another key. */
  keyOfEntry(redisKey: string): string | undefined {
    const head = `${this.base}v:`;
    return redisKey.startsWith(head) ? redisKey.slice(head.length) : undefined;
  }

  /** SCAN MATCH pattern of every entry in this namespace. */
  get entryPattern(): string {
    return `${escapeGlob(this.base)}v:*`;
  }

  /** The Redis key of the creation lock of `key`. */
  lock(key: string): string {
    return `${this.base}l:${key}`;
  }

  /** The Redis key of the namespace's invalidation record. */
  get invalidation(): string {
    return `${this.base}inv`;
  }

  /** Channel of the change feed. */
  get changesChannel(): string {
    return `${this.base}changes`;
  }

  /** Channel on which releases publish the released lock's key. */
  get releasesChannel(): string {
    return `${this.base}released`;
  }

  /** Channel of invalidation records. */
  get invalidationChannel(): string {
    return `${this.base}inv`;
  }
}
