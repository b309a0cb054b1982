/**
 * A shared backend's change feed between tabs: a `BroadcastChannel` carrying
 * the writes and deletes each tab makes (used by IndexedDB, whose writes
 * raise no event in other tabs).
 *
 * @module
 */

/** One change as it crosses tabs. */
export interface ChannelChange {
  /** `hand-off`: a value its creator is storing now, posted before the write commits, for waiting tabs only. */
  kind: 'set' | 'delete' | 'hand-off';
  /** The key as stored (mangled). */
  key: string;
  /** For a set, the value's creation time; for a delete, when it was made (epoch ms). */
  time: number;
  /** For a set: who ran the value's creator (`metadata.o`), when known. */
  by?: string;
  /** For a set: when its creator started (`metadata.st`), when known. */
  st?: number;
  /** For a set of a small value: the stored record itself (structured clone), handed to waiting tabs. */
  record?: unknown;
}

/** What is posted: every change of one operation, with the tab that made them. */
interface ChangeMessage {
  tag: typeof TAG;
  origin: string;
  changes: readonly ChannelChange[];
}

const TAG = 'dogpile-cache.change';

function asMessage(data: unknown): ChangeMessage | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const { tag, origin, changes } = data as Partial<ChangeMessage>;
  if (tag !== TAG || typeof origin !== 'string' || !Array.isArray(changes)) return undefined;
  const valid = changes.every(
    (c) =>
      c !== null &&
      typeof c === 'object' &&
      (c.kind === 'set' || c.kind === 'delete' || c.kind === 'hand-off') &&
      typeof c.key === 'string' &&
      typeof c.time === 'number' &&
      (c.by === undefined || typeof c.by === 'string') &&
      (c.st === undefined || typeof c.st === 'number'),
  );
  return valid ? (data as ChangeMessage) : undefined;
}

/**
 * Posts this tab's changes and hands other tabs' to `onChanges`. Where there
 * is no `BroadcastChannel` it does nothing (one tab: nobody to tell).
 */
export class ChangeChannel {
  readonly #channel: BroadcastChannel | undefined;
  readonly #origin: string;

  constructor(name: string, origin: string, onChanges: (origin: string, changes: readonly ChannelChange[]) => void) {
    this.#origin = origin;
    const Channel = (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
    if (!Channel) return;
    this.#channel = new Channel(name);
    // In Node an open channel keeps the process alive; listening must not.
    (this.#channel as { unref?: () => void }).unref?.();
    this.#channel.onmessage = (event: MessageEvent) => {
      const message = asMessage(event.data);
      if (message && message.origin !== this.#origin) onChanges(message.origin, message.changes);
    };
  }

  /** Tells the other tabs of changes this tab made. */
  publish(changes: readonly ChannelChange[]): void {
    if (changes.length === 0 || !this.#channel) return;
    try {
      this.#channel.postMessage({ tag: TAG, origin: this.#origin, changes } satisfies ChangeMessage);
    } catch {
      // A closed channel (the region went away mid-write): nobody left to tell from here.
    }
  }

  /** Stops listening and posting. */
  close(): void {
    this.#channel?.close();
  }
}
