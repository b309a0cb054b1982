/**
 * Catching up after a page comes back: a frozen tab, a hidden one the
 * browser throttled, or a page restored from the back/forward cache may have
 * missed other tabs' change messages and invalidations. When it returns, the
 * shared backends compare what this tab last saw of each entry with storage,
 * and report what changed as remote changes.
 *
 * @module
 */

/** A tab hidden at least this long (ms) catches up when shown again. */
const HIDDEN_LONG_MS = 1_000;
/** Above this many keys the least recently seen are forgotten (not caught up). */
const MAX_SEEN = 2_000;

/** What this tab last saw of an entry: its creation time, or `null` when it saw none. */
export type SeenState = number | null;

/** What catching up found for one key. */
export interface CaughtUp {
  key: string;
  /** The entry's creation time now, or `null`: it is gone. */
  now: SeenState;
}

/**
 * What this tab last saw of each entry it read, wrote or heard of, so that
 * on return it can tell which ones changed meanwhile.
 */
export class LastSeen {
  readonly #seen = new Map<string, SeenState>();

  /** Records that this tab saw `key` with creation time `ct` (`null`: absent). */
  saw(key: string, ct: SeenState): void {
    this.#seen.delete(key);
    this.#seen.set(key, ct);
    if (this.#seen.size > MAX_SEEN) this.#seen.delete(this.#seen.keys().next().value!);
  }

  /** The keys to check on return. */
  keys(): string[] {
    return [...this.#seen.keys()];
  }

  /**
   * Compares what was seen with `current` (the state of each key now, same
   * order as {@link keys} gave them), records the new state, and returns the
   * keys whose entry changed: written anew (another creation time) or removed.
   * A key that was absent and still is, or is unreadable, is not reported.
   */
  compare(keys: readonly string[], current: readonly SeenState[]): CaughtUp[] {
    const changed: CaughtUp[] = [];
    keys.forEach((key, i) => {
      const was = this.#seen.get(key);
      const now = current[i] ?? null;
      if (was === undefined || was === now) return;
      this.#seen.set(key, now);
      changed.push({ key, now });
    });
    return changed;
  }

  /** Forgets everything (the backend's entries were all removed). */
  clear(): void {
    this.#seen.clear();
  }
}

/**
 * Calls `onReturn` when the page comes back: `pageshow` of a page restored
 * from the back/forward cache, `resume` after the browser froze it, and
 * `visibilitychange` to visible after at least a second hidden. Several of them at once (a frozen hidden tab
 * shown again raises two) make one call. Returns the function that stops
 * listening; where there is no `document` (workers, Node) it does nothing.
 */
export function onPageReturn(onReturn: () => void): () => void {
  const win = globalThis as { addEventListener?: typeof addEventListener; removeEventListener?: typeof removeEventListener };
  const doc = (globalThis as { document?: Document }).document;
  if (typeof win.addEventListener !== 'function' || !doc || typeof doc.addEventListener !== 'function') return () => {};
  let scheduled = false;
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      onReturn();
    }, 0);
  };
  const onPageShow = (event: Event) => {
    if ((event as PageTransitionEvent).persisted) schedule();
  };
  // A tab hidden for a moment (switching tabs) kept receiving events: only a longer absence is worth a comparison.
  let hiddenAt: number | undefined;
  const onVisibility = () => {
    if (doc.visibilityState !== 'visible') {
      hiddenAt = Date.now();
      return;
    }
    if (hiddenAt !== undefined && Date.now() - hiddenAt >= HIDDEN_LONG_MS) schedule();
    hiddenAt = undefined;
  };
  win.addEventListener('pageshow', onPageShow);
  doc.addEventListener('resume', schedule);
  doc.addEventListener('visibilitychange', onVisibility);
  return () => {
    win.removeEventListener?.('pageshow', onPageShow);
    doc.removeEventListener('resume', schedule);
    doc.removeEventListener('visibilitychange', onVisibility);
  };
}
