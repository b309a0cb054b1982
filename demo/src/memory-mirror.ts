/**
 * Mirrors the memory panel's buttons to the demo's other tabs. A memory
 * region lives in one tab, so the library has nothing to tell the others;
 * the demo repeats a delete or an invalidation there, so the three panels
 * can be compared side by side. The shared regions need no help: the
 * library reports other tabs' writes, deletes and invalidations to them.
 */
import { tabId } from 'dogpile-cache/browser';

/** What a tab tells the others about its memory region. */
export type MemoryAction = { type: 'delete'; key: string } | { type: 'invalidate'; hard: boolean };
/** A {@link MemoryAction} as received, with the sender's tab id. */
export type MemoryMessage = MemoryAction & { from: string };

export interface MemoryMirror {
  post(action: MemoryAction): void;
  subscribe(listener: (message: MemoryMessage) => void): () => void;
}

export function createMemoryMirror(channelName = 'dogpile-demo:memory'): MemoryMirror {
  const self = tabId();
  const listeners = new Set<(message: MemoryMessage) => void>();
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(channelName) : undefined;
  channel?.addEventListener('message', (event: MessageEvent<MemoryMessage>) => {
    const message = event.data;
    if (!message || typeof message !== 'object' || message.from === self) return;
    listeners.forEach((listener) => listener(message));
  });
  return {
    post(action) {
      channel?.postMessage({ ...action, from: self });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
