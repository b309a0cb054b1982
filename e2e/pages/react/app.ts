// A React page that shows one cache entry with dogpile-cache/react, over a
// shared browser backend. `window.reactTest` lets a test start it, hold its
// creator, and read every status it rendered.
import { createElement, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { makeRegion } from 'dogpile-cache';
import 'dogpile-cache/browser';
import { useCachedValue } from 'dogpile-cache/react';

let release!: () => void;
let gate = new Promise<void>((resolve) => (release = resolve));

const reactTest = {
  region: undefined as ReturnType<typeof makeRegion> | undefined,
  /** Every render: status and value, in order. */
  renders: [] as Array<{ status: string; value: unknown }>,
  /** How many times this tab's creator ran. */
  calls: 0,
  mount(backend: 'localstorage' | 'indexeddb', key: string, expirationTime = 60_000) {
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
    createRoot(document.getElementById('root')!).render(createElement(StrictMode, null, createElement(Entry)));
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
