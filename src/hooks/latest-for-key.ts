/**
 * A creator belongs to the region and key it was given for. A component
 * passes a new creator closure on every render; an entry for key `a` of
 * region `R1` must keep using the newest closure given *with `R1` and `a`*,
 * never one from a render for another key (which would store `b`'s value
 * under `a`) or for another region (which would store `R2`'s value in `R1`).
 *
 * @module
 */

/** What the latest render gave: its region, its key and the props that go with them. */
export interface KeyedProps<T> {
  region: object;
  key: string | null | undefined;
  props: T;
}

/**
 * Returns a getter of the newest props given for `region` and `key`:
 * `read()` while it still reports both, else the last props seen for them
 * (starting with `initial`, those of the render that made the entry).
 */
export function latestForKey<T>(region: object, key: string, initial: T, read: () => KeyedProps<T>): () => T {
  let own = initial;
  return () => {
    const latest = read();
    if (latest.region === region && latest.key === key) own = latest.props;
    return own;
  };
}
