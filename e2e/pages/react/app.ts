// A React page that shows one cache entry with dogpile-cache/react, over a
// shared browser backend. `window.reactTest` lets a test start it, hold its
// creator, and read every status it rendered.
import { createElement, StrictMode, Suspense } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { makeRegion } from 'dogpile-cache';
import 'dogpile-cache/browser';
import { useCachedValue, useSuspenseCachedValue } from 'dogpile-cache/react';

let release!: () => void;
let gate = new Promise<void>((resolve) => (release = resolve));
let root: Root | undefined;

const reactTest = {
  region: undefined as ReturnType<typeof makeRegion> | undefined,
  /** Every render: status and value, in order. */
  renders: [] as Array<{ status: string; value: unknown }>,
  /** How many times this tab's creator ran. */
  calls: 0,
  /** Renders the entry with `useCachedValue`, or with `suspense` `useSuspenseCachedValue` under a `<Suspense>`. */
  mount(backend: 'localstorage' | 'indexeddb', key: string, expirationTime = 60_000, suspense = false) {
    const region = makeRegion({ name: 'e2e-react' }).configure(backend, { expirationTime, arguments: backend === 'indexeddb' ? { dbName: 'e2e-react' } : { prefix: 'e2e-react:' } });
    reactTest.region = region;
    const creator = async () => {
      const n = ++reactTest.calls;
      await gate;
      return `made in ${document.title} (#${n})`;
    };
    function Entry() {
      const entry = useCachedValue(region, key, creator);
      reactTest.renders.push({ status: entry.status, value: entry.value });
      return createElement('output', { 'data-status': entry.status }, entry.status === 'loading' ? '' : String(entry.value));
    }
    function SuspenseEntry() {
      const entry = useSuspenseCachedValue(region, key, creator);
      reactTest.renders.push({ status: entry.status, value: entry.value });
      return createElement('output', { 'data-status': entry.status }, entry.value);
    }
    const fallback = createElement('output', { 'data-status': 'suspended' });
    const app = suspense ? createElement(Suspense, { fallback }, createElement(SuspenseEntry)) : createElement(Entry);
    root = createRoot(document.getElementById('root')!);
    root.render(createElement(StrictMode, null, app));
  },
  unmount() {
    root?.unmount();
  },
  /** Lets the creator finish (now and from then on, until `hold()`). */
  open() {
    release();
  },
  hold() {
    gate = new Promise<void>((resolve) => (release = resolve));
  },
  /** Statuses rendered, consecutive repeats collapsed. */
  statuses() {
    return reactTest.renders.map((r) => r.status).filter((s, i, all) => i === 0 || all[i - 1] !== s);
  },
};

declare global {
  interface Window {
    reactTest: typeof reactTest;
  }
}
window.reactTest = reactTest;
