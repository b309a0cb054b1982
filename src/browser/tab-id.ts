/**
 * The id of this tab (or worker) in other tabs' change feeds.
 *
 * @module
 */

let id: string | undefined;

/**
 * A random id for this JavaScript realm, made on first use: every backend of
 * a tab stamps its writes with the same one, and messages carrying it are
 * known to be this tab's own.
 */
export function tabId(): string {
  if (id === undefined) {
    const random = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto?.randomUUID?.();
    id = random ? random.slice(0, 8) : Math.random().toString(36).slice(2, 10);
  }
  return id;
}
