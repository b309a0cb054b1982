/**
 * Knowing that the other side is gone where Web Locks cannot say so
 * (insecure contexts, opaque origins, browsers without `navigator.locks`):
 * the worker pings each page, and each side gives the other up after a
 * stretch of silence. Messages are not throttled in background tabs, timers
 * may be: a check that runs late gives the other side more time instead of
 * blaming it for this side's own delay.
 *
 * @module
 */
import type { Heartbeat } from './protocol.js';

/** Ping every second; give up after four seconds of silence. */
export const DEFAULT_HEARTBEAT: Readonly<Heartbeat> = Object.freeze({ interval: 1000, timeout: 4000 });

const MIN_INTERVAL = 10;

/** Validates heartbeat options (ms): `interval` >= 10, `timeout` > `interval`. */
export function checkHeartbeat(interval: unknown, timeout: unknown): Heartbeat {
  const out = { interval: interval ?? DEFAULT_HEARTBEAT.interval, timeout: timeout ?? DEFAULT_HEARTBEAT.timeout };
  if (typeof out.interval !== 'number' || !(out.interval >= MIN_INTERVAL) || !Number.isFinite(out.interval)) {
    throw new TypeError(`dogpile-cache: heartbeatInterval must be a number of ms >= ${MIN_INTERVAL}`);
  }
  if (typeof out.timeout !== 'number' || !(out.timeout > out.interval) || !Number.isFinite(out.timeout)) {
    throw new TypeError('dogpile-cache: heartbeatTimeout must be a number of ms greater than heartbeatInterval');
  }
  return out as Heartbeat;
}

/** Heartbeat timing a worker accepts from a page (it may not be a trusted value): clamped to sane bounds. */
export function clampHeartbeat(value: unknown): Heartbeat | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { interval, timeout } = value as Partial<Heartbeat>;
  if (typeof interval !== 'number' || typeof timeout !== 'number' || !Number.isFinite(interval) || !Number.isFinite(timeout)) return undefined;
  const i = Math.min(Math.max(interval, MIN_INTERVAL), 60_000);
  return { interval: i, timeout: Math.min(Math.max(timeout, i * 2), 600_000) };
}

/** A running watch: call {@link SilenceWatch.heard} on every sign of life. */
export interface SilenceWatch {
  heard(): void;
  stop(): void;
}

/**
 * Calls `onSilent` once when nothing was {@link SilenceWatch.heard} for
 * `timeout` ms, and stops; `onTick` runs every `interval` ms meanwhile (the
 * worker sends its ping there). Without `onSilent` it only ticks.
 */
export function watchSilence(heartbeat: Heartbeat, onSilent: (() => void) | undefined, onTick?: () => void): SilenceWatch {
  const { interval, timeout } = heartbeat;
  let lastHeard = Date.now();
  let lastTick = lastHeard;
  const timer = setInterval(() => {
    const now = Date.now();
    // Late: this side was busy or throttled; what the other side sent may still be queued behind us.
    if (now - lastTick > interval * 2 + 100) lastHeard = Math.max(lastHeard, now - timeout + interval);
    lastTick = now;
    if (onSilent && now - lastHeard > timeout) {
      clearInterval(timer);
      onSilent();
      return;
    }
    onTick?.();
  }, interval);
  // In Node, a watch alone must not keep the process alive.
  (timer as { unref?: () => void }).unref?.();
  return {
    heard: () => {
      lastHeard = Date.now();
    },
    stop: () => clearInterval(timer),
  };
}
