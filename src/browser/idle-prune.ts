/**
 * Pruning by itself: a browser backend prunes each region bound to it when
 * the tab is idle, in small batches, never on a read or write path.
 *
 * @module
 */
import { checkBatchSize, type PruneOptions } from '../prune.js';
import { checkDuration } from '../validate.js';

/** The `autoPrune` argument of the browser backends. */
export interface AutoPruneOptions {
  /** Wait after the region is configured before the first pass, ms (default 30000: start-up reads stale values first). */
  delay?: number;
  /** Time between the end of a pass and the next, ms (default 600000). */
  interval?: number;
  /** Also remove values expired at least this long ago, ms (default 86400000, a day); `-1` or `Infinity`: keep every expired value. */
  expiredFor?: number;
  /** Entries per idle slice (default 100). */
  batchSize?: number;
}

/** Settings after defaults. */
export interface AutoPruneSettings {
  readonly delay: number;
  readonly interval: number;
  readonly expiredFor: number | undefined;
  readonly batchSize: number;
}

const DEFAULTS: AutoPruneSettings = { delay: 30_000, interval: 600_000, expiredFor: 86_400_000, batchSize: 100 };

function duration(name: string, value: unknown, fallback: number, allowNever = false): number | undefined {
  if (value === undefined) return fallback;
  if (allowNever && (value === -1 || value === Infinity)) return undefined;
  checkDuration(value, `autoPrune.${name}`);
  return value;
}

/** Reads the `autoPrune` argument: `false` turns it off; `undefined` or `true` means the defaults. */
export function parseAutoPrune(value: unknown): AutoPruneSettings | undefined {
  if (value === false) return undefined;
  if (value === undefined || value === true) return DEFAULTS;
  if (value === null || typeof value !== 'object') throw new TypeError('dogpile-cache: autoPrune must be true, false or an object');
  const o = value as AutoPruneOptions;
  const batchSize = o.batchSize ?? DEFAULTS.batchSize;
  checkBatchSize(batchSize, 'autoPrune.batchSize');
  return {
    delay: duration('delay', o.delay, DEFAULTS.delay)!,
    interval: duration('interval', o.interval, DEFAULTS.interval)!,
    expiredFor: duration('expiredFor', o.expiredFor, DEFAULTS.expiredFor!, true),
    batchSize,
  };
}

type IdleCallback = (callback: () => void, options?: { timeout: number }) => number;

/** Resolves when the page is idle (`requestIdleCallback`, or the next task where there is none, as in Safari). */
function whenIdle(): Promise<void> {
  const idle = (globalThis as { requestIdleCallback?: IdleCallback }).requestIdleCallback;
  return new Promise((resolve) => (idle ? idle(() => resolve(), { timeout: 10_000 }) : setTimeout(resolve, 0)));
}

/** Thrown into a pass that was stopped, to end it between batches. */
const STOPPED = Symbol('stopped');

/** A timer that does not keep Node alive (the browser backends also run in Node tests). */
function later(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(callback, ms);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/**
 * Prunes with `prune` after `settings.delay`, then every `settings.interval`
 * after the previous pass ends, each batch in an idle slice. A pass that
 * fails is reported to `onError` and retried at the next interval. Returns
 * the function that stops it (a running pass ends before its next batch).
 */
export function startIdlePrune(prune: (options: PruneOptions) => Promise<number>, settings: AutoPruneSettings, onError: (error: unknown) => void): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pause = async () => {
    await whenIdle();
    if (stopped) throw STOPPED;
  };
  const pass = async () => {
    try {
      await pause();
      await prune({ batchSize: settings.batchSize, pause, ...(settings.expiredFor === undefined ? {} : { expiredFor: settings.expiredFor }) });
    } catch (error) {
      if (error !== STOPPED) onError(error);
    }
    if (!stopped) timer = later(() => void pass(), settings.interval);
  };
  timer = later(() => void pass(), settings.delay);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
