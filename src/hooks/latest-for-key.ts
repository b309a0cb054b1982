/**
 * A creator belongs to the key it was given for. A component passes a new
 * creator closure on every render; an entry for key `a` must keep using the
 * newest closure given *with key `a`*, never one from a render for another
 * key (which would store `b`'s value under `a`).
 *
 * @module
 */

/** What the latest render gave: its key and the props that go with it. */
export interface KeyedProps<T> {
  key: string | null | undefined;
  props: T;
}

/**
 * Returns a getter of the newest props given for `key`: `read()` while it
 * still reports `key`, else the last props seen for `key` (starting with
 * `initial`, those of the render that made the entry).
 */
export function latestForKey<T>(key: string, initial: T, read: () => KeyedProps<T>): () => T {
  let own = initial;
  return () => {
    const latest = read();
    if (latest.key === key) own = latest.props;
    return own;
  };
}
