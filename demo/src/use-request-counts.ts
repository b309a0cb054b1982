import { useEffect, useState } from 'preact/hooks';
import { fetchRequestCounts, type RequestCounts } from './api-client.js';
import type { DemoRegion } from './regions.js';

/**
 * The server's request counts: polled every `intervalMs`, and fetched again
 * right after a region of this tab created or received a value.
 */
export function useRequestCounts(regions: readonly DemoRegion[], intervalMs = 1000): RequestCounts | undefined {
  const [counts, setCounts] = useState<RequestCounts>();
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let again = false;
    const poll = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      clearTimeout(timer);
      try {
        const next = await fetchRequestCounts();
        if (!stopped) setCounts(next);
      } catch {
        // The server went away (e.g. npm start stopped): keep the last figures.
      }
      running = false;
      if (stopped) return;
      if (again) {
        again = false;
        void poll();
      } else {
        timer = setTimeout(poll, intervalMs);
      }
    };
    void poll();
    const unsubscribe = regions.map(({ region }) =>
      region.subscribe((event) => {
        if (event.type === 'created' || event.type === 'waited' || event.type === 'error') void poll();
      }),
    );
    return () => {
      stopped = true;
      clearTimeout(timer);
      unsubscribe.forEach((off) => off());
    };
  }, [regions, intervalMs]);
  return counts;
}
