// Renders a hook in a real Preact tree (happy-dom) and records every render.
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import type { CacheRegion, MaybePromise } from '../../src/index.js';
import { useCachedValue, type CachedValueResult, type UseCachedValueOptions } from '../../src/preact/index.js';

/** A creator whose calls are counted and whose results the test releases one by one. */
export function controlledCreator<V>() {
  const pending: Array<{ resolve: (value: V) => void; reject: (error: unknown) => void }> = [];
  let calls = 0;
  const creator = () => {
    calls++;
    return new Promise<V>((resolve, reject) => pending.push({ resolve, reject }));
  };
  return {
    creator,
    get calls() {
      return calls;
    },
    get pending() {
      return pending.length;
    },
    resolve(value: V) {
      const next = pending.shift();
      if (!next) throw new Error('no creator call is pending');
      next.resolve(value);
    },
    reject(error: unknown) {
      const next = pending.shift();
      if (!next) throw new Error('no creator call is pending');
      next.reject(error);
    },
  };
}

export interface Mounted<V> {
  /** Every result rendered, in order. */
  renders: Array<CachedValueResult<V>>;
  latest(): CachedValueResult<V>;
  /** The statuses rendered, consecutive repeats collapsed. */
  statuses(): string[];
  rerender(props: HookProps<V>): Promise<void>;
  unmount(): Promise<void>;
  container: HTMLElement;
}

export interface HookProps<V> {
  region: CacheRegion;
  cacheKey: string | null | undefined;
  creator: () => MaybePromise<V>;
  options?: UseCachedValueOptions<V>;
}

/** Mounts a component that calls `useCachedValue` with `props`. */
export async function mountHook<V>(props: HookProps<V>): Promise<Mounted<V>> {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const renders: Array<CachedValueResult<V>> = [];
  function Probe(p: HookProps<V>) {
    const result = useCachedValue(p.region, p.cacheKey, p.creator, p.options);
    renders.push(result);
    return h('output', { 'data-status': result.status }, String(result.value ?? ''));
  }
  await act(() => render(h(Probe, props), container));
  return {
    renders,
    container,
    latest: () => renders[renders.length - 1]!,
    statuses: () => renders.map((r) => r.status).filter((status, i, all) => i === 0 || all[i - 1] !== status),
    rerender: async (next) => {
      await act(() => render(h(Probe, next), container));
    },
    unmount: async () => {
      await act(() => render(null, container));
      container.remove();
    },
  };
}

/** Lets pending promises and Preact's batched renders run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await act(async () => {});
}
