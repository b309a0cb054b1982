import { useEffect, useState } from 'preact/hooks';
import { fetchRequestCounts, type RequestCounts } from './api-client.js';

/** The server's request counts, polled every `intervalMs`. */
export function useRequestCounts(intervalMs = 1000): RequestCounts | undefined {
  const [counts, setCounts] = useState<RequestCounts>();
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await fetchRequestCounts();
        if (!stopped) setCounts(next);
      } catch {
        // The server went away (e.g. npm start stopped): keep the last figures.
      }
      if (!stopped) timer = setTimeout(poll, intervalMs);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [intervalMs]);
  return counts;
}
