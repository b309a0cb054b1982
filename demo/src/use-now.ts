import { useEffect, useState } from 'preact/hooks';

/** `Date.now()`, re-rendering every `intervalMs` (for ages and countdowns). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
