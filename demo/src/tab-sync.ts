/**
 * Tells the other tabs of the demo what a button did. Shared regions need
 * no help for invalidation (the library broadcasts it), but a deleted entry
 * is news only to the tab that deleted it, and a memory region lives in one
 * tab: the other tabs mirror the action on their own memory region.
 */
import type { RegionId } from './regions.js';

/** What a tab tells the others. */
export type TabAction =
  | { type: 'delete'; region: RegionId; key: string; /** When it was deleted, epoch ms. */ at: number }
  | { type: 'invalidate'; region: RegionId; hard: boolean };
/** A {@link TabAction} as received, with the sender's tab id. */
export type TabMessage = TabAction & { from: string };

export interface TabSync {
  readonly tabId: string;
  post(action: TabAction): void;
  subscribe(listener: (message: TabMessage) => void): () => void;
}

export function createTabSync(channelName = 'dogpile-demo'): TabSync {
  const tabId = Math.random().toString(36).slice(2, 6);
  const listeners = new Set<(message: TabMessage) => void>();
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(channelName) : undefined;
  channel?.addEventListener('message', (event: MessageEvent<TabMessage>) => {
    const message = event.data;
    if (!message || typeof message !== 'object' || message.from === tabId) return;
    listeners.forEach((listener) => listener(message));
  });
  return {
    tabId,
    post(action) {
      channel?.postMessage({ ...action, from: tabId });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
