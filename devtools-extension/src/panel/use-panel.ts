/**
 * Preact hooks binding the view to the {@link PanelClient}.
 *
 * @module
 */
import { useEffect, useState } from 'preact/hooks';
import type { PanelClient, PanelState } from './client.js';

/** The client's state, re-rendering on every change. */
export function usePanelState(client: PanelClient): PanelState {
  const [state, setState] = useState(client.state);
  useEffect(() => {
    setState(client.state);
    return client.subscribe(setState);
  }, [client]);
  return state;
}

/** The current time, refreshed every `intervalMs`, so ages and countdowns move. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
