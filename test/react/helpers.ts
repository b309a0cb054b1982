// Renders a React hook in a real React tree (happy-dom, react-dom/client) and records every render.
import { act, createElement, StrictMode, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { CacheRegion, MaybePromise } from '../../src/index.js';
import { useCachedValue, type CachedValueResult, type UseCachedValueOptions } from '../../src/react/index.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface HookProps<V> {
  region: CacheRegion;
  cacheKey: string | null | undefined;
  creator: () => MaybePromise<V>;
  options?: UseCachedValueOptions<V>;
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

/** Mounts `node` in a fresh root; returns the root and its container. */
export async function mount(node: ReactNode, strict = false): Promise<{ root: Root; container: HTMLElement }> {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const root = createRoot(container);
  await act(async () => root.render(strict ? createElement(StrictMode, null, node) : node));
  return { root, container };
}

/** Mounts a component that calls `useCachedValue` with `props`. */
export async function mountHook<V>(props: HookProps<V>, strict = false): Promise<Mounted<V>> {
  const renders: Array<CachedValueResult<V>> = [];
  function Probe(p: HookProps<V>) {
    const result = useCachedValue(p.region, p.cacheKey, p.creator, p.options);
    renders.push(result);
    return createElement('output', { 'data-status': result.status }, String(result.value ?? ''));
  }
  const wrap = (p: HookProps<V>) => (strict ? createElement(StrictMode, null, createElement(Probe, p)) : createElement(Probe, p));
  const { root, container } = await mount(wrap(props));
  return {
    renders,
    container,
    latest: () => renders[renders.length - 1]!,
    statuses: () => renders.map((r) => r.status).filter((status, i, all) => i === 0 || all[i - 1] !== status),
    rerender: async (next) => {
      await act(async () => root.render(wrap(next)));
    },
    unmount: async () => {
      await act(async () => root.unmount());
      container.remove();
    },
  };
}

/** Lets pending promises and React's batched renders run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await act(async () => {});
}

export { controlledCreator } from '../preact/helpers.js';

/**
 * Waits, inside `act`, until `check` passes: a suspended component's retry
 * is scheduled when its promise settles, and only work inside `act` runs it.
 */
export async function eventually(check: () => void | Promise<void>, timeout = 5000): Promise<void> {
  const end = Date.now() + timeout;
  for (;;) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > end) throw error;
    }
  }
}
