/**
 * The demo API's data: a small sample catalog of JavaScript packages
 * (descriptions and download figures are illustrative, not live data).
 */
export interface Package {
  name: string;
  description: string;
  version: string;
  /** Illustrative weekly downloads. */
  weekly: number;
  keywords: string[];
}

export const catalog: Package[] = [
  { name: 'preact', description: 'Fast 3kB React alternative with the same modern API', version: '10.29.0', weekly: 4_100_000, keywords: ['ui', 'vdom', 'components'] },
  { name: 'react', description: 'A JavaScript library for building user interfaces', version: '19.2.0', weekly: 38_000_000, keywords: ['ui', 'components'] },
  { name: 'vue', description: 'The progressive JavaScript framework', version: '3.5.22', weekly: 6_300_000, keywords: ['ui', 'framework'] },
  { name: 'svelte', description: 'Cybernetically enhanced web apps', version: '5.41.0', weekly: 2_100_000, keywords: ['ui', 'compiler'] },
  { name: 'solid-js', description: 'A declarative JavaScript library for building user interfaces', version: '1.9.9', weekly: 1_200_000, keywords: ['ui', 'reactive'] },
  { name: 'lit', description: 'Simple, fast, lightweight web components', version: '3.3.1', weekly: 2_600_000, keywords: ['ui', 'web components'] },
  { name: 'lru-cache', description: 'A cache object that deletes the least-recently-used items', version: '11.2.2', weekly: 210_000_000, keywords: ['cache', 'lru', 'memory'] },
  { name: 'cache-manager', description: 'Cache module for Node.js with multiple stores', version: '7.2.4', weekly: 1_500_000, keywords: ['cache', 'redis', 'memory'] },
  { name: 'keyv', description: 'Simple key-value storage with support for multiple backends', version: '5.5.3', weekly: 60_000_000, keywords: ['cache', 'storage', 'key-value'] },
  { name: 'idb', description: 'A small wrapper that makes IndexedDB usable', version: '8.0.3', weekly: 9_800_000, keywords: ['indexeddb', 'storage', 'promise'] },
  { name: 'idb-keyval', description: 'A super-simple promise-based keyval store implemented with IndexedDB', version: '6.2.2', weekly: 3_000_000, keywords: ['indexeddb', 'storage', 'key-value'] },
  { name: 'localforage', description: 'Offline storage, improved: IndexedDB or localStorage behind one API', version: '1.10.0', weekly: 3_400_000, keywords: ['storage', 'indexeddb', 'localstorage', 'offline'] },
  { name: 'dexie', description: 'A minimalistic wrapper for IndexedDB', version: '4.2.1', weekly: 900_000, keywords: ['indexeddb', 'database', 'offline'] },
  { name: '@tanstack/query-core', description: 'Powerful asynchronous state management and data fetching', version: '5.90.5', weekly: 14_000_000, keywords: ['state', 'fetching', 'cache'] },
  { name: 'swr', description: 'React hooks for data fetching: stale-while-revalidate', version: '2.3.6', weekly: 4_500_000, keywords: ['fetching', 'cache', 'hooks', 'stale'] },
  { name: 'zustand', description: 'Bear necessities for state management in React', version: '5.0.8', weekly: 11_000_000, keywords: ['state', 'store', 'hooks'] },
  { name: 'redux', description: 'Predictable state container for JavaScript apps', version: '5.0.1', weekly: 16_000_000, keywords: ['state', 'store', 'flux'] },
  { name: 'mobx', description: 'Simple, scalable state management', version: '6.15.0', weekly: 2_000_000, keywords: ['state', 'reactive', 'observable'] },
  { name: '@preact/signals', description: 'Fine-grained reactive state for Preact', version: '2.3.2', weekly: 600_000, keywords: ['state', 'signals', 'reactive'] },
  { name: 'immer', description: 'Create the next immutable state by mutating the current one', version: '10.2.0', weekly: 19_000_000, keywords: ['state', 'immutable'] },
  { name: 'comlink', description: 'Makes Web Workers enjoyable: RPC over postMessage', version: '4.4.2', weekly: 2_200_000, keywords: ['worker', 'rpc', 'postmessage'] },
  { name: 'vite', description: 'Native-ESM powered web dev build tool', version: '7.1.12', weekly: 32_000_000, keywords: ['build', 'dev server', 'bundler'] },
  { name: 'esbuild', description: 'An extremely fast JavaScript and CSS bundler and minifier', version: '0.25.11', weekly: 70_000_000, keywords: ['build', 'bundler', 'minifier'] },
  { name: 'rollup', description: 'Next-generation ES module bundler', version: '4.52.5', weekly: 45_000_000, keywords: ['build', 'bundler', 'esm'] },
  { name: 'webpack', description: 'Packs ECMAScript/CommonJS/AMD modules for the browser', version: '5.102.1', weekly: 35_000_000, keywords: ['build', 'bundler'] },
  { name: 'typescript', description: 'TypeScript is a language for application-scale JavaScript', version: '5.9.3', weekly: 85_000_000, keywords: ['language', 'types', 'compiler'] },
  { name: 'zod', description: 'TypeScript-first schema validation with static type inference', version: '4.1.12', weekly: 40_000_000, keywords: ['validation', 'schema', 'types'] },
  { name: 'valibot', description: 'The modular and type safe schema library', version: '1.1.0', weekly: 2_500_000, keywords: ['validation', 'schema'] },
  { name: 'date-fns', description: 'Modern JavaScript date utility library', version: '4.1.0', weekly: 30_000_000, keywords: ['date', 'time', 'format'] },
  { name: 'dayjs', description: '2kB immutable date-time library with a Moment.js-compatible API', version: '1.11.18', weekly: 25_000_000, keywords: ['date', 'time'] },
  { name: 'luxon', description: 'Immutable date wrapper with time zones and intervals', version: '3.7.2', weekly: 11_000_000, keywords: ['date', 'time', 'timezone'] },
  { name: 'ky', description: 'Tiny and elegant HTTP client based on the Fetch API', version: '1.13.0', weekly: 4_000_000, keywords: ['http', 'fetch', 'request'] },
  { name: 'axios', description: 'Promise based HTTP client for the browser and Node.js', version: '1.12.2', weekly: 70_000_000, keywords: ['http', 'request', 'promise'] },
  { name: 'ofetch', description: 'A better fetch API that works on node, browser and workers', version: '1.4.1', weekly: 6_000_000, keywords: ['http', 'fetch'] },
  { name: 'vitest', description: 'Next generation testing framework powered by Vite', version: '4.0.3', weekly: 18_000_000, keywords: ['test', 'runner', 'vite'] },
  { name: '@playwright/test', description: 'End-to-end testing across Chromium, Firefox and WebKit', version: '1.56.1', weekly: 16_000_000, keywords: ['test', 'e2e', 'browser'] },
  { name: 'jest', description: 'Delightful JavaScript testing', version: '30.2.0', weekly: 35_000_000, keywords: ['test', 'runner'] },
  { name: 'happy-dom', description: 'A JavaScript implementation of a web browser without its graphical user interface', version: '20.0.8', weekly: 3_000_000, keywords: ['test', 'dom'] },
  { name: 'msw', description: 'Seamless REST and GraphQL API mocking for the browser and Node.js', version: '2.11.6', weekly: 8_000_000, keywords: ['test', 'mock', 'http'] },
  { name: 'nanoid', description: 'A tiny, secure, URL-friendly, unique string ID generator', version: '5.1.6', weekly: 90_000_000, keywords: ['id', 'random'] },
  { name: 'clsx', description: 'A tiny utility for constructing className strings conditionally', version: '2.1.1', weekly: 35_000_000, keywords: ['css', 'classnames'] },
  { name: 'tailwindcss', description: 'A utility-first CSS framework for rapidly building custom designs', version: '4.1.16', weekly: 28_000_000, keywords: ['css', 'framework'] },
  { name: 'postcss', description: 'Tool for transforming styles with JS plugins', version: '8.5.6', weekly: 110_000_000, keywords: ['css', 'build'] },
  { name: 'fuse.js', description: 'Lightweight fuzzy-search library with zero dependencies', version: '7.1.0', weekly: 5_500_000, keywords: ['search', 'fuzzy'] },
  { name: 'minisearch', description: 'Tiny but powerful full-text search engine for browser and Node', version: '7.2.0', weekly: 700_000, keywords: ['search', 'full-text', 'index'] },
  { name: 'flexsearch', description: 'Next-generation full-text search library for browser and Node.js', version: '0.8.205', weekly: 600_000, keywords: ['search', 'full-text'] },
  { name: 'workbox-strategies', description: 'Service worker caching strategies: stale-while-revalidate, cache first', version: '7.3.0', weekly: 5_000_000, keywords: ['cache', 'service worker', 'offline', 'stale'] },
  { name: 'p-limit', description: 'Run multiple promise-returning functions with limited concurrency', version: '7.2.0', weekly: 150_000_000, keywords: ['promise', 'concurrency'] },
  { name: 'p-memoize', description: 'Memoize promise-returning and async functions', version: '8.0.0', weekly: 900_000, keywords: ['cache', 'memoize', 'promise'] },
  { name: 'quick-lru', description: 'Simple Least Recently Used (LRU) cache', version: '7.3.0', weekly: 40_000_000, keywords: ['cache', 'lru'] },
];

/** Packages matching `query` in name, description or keywords, most downloaded first. */
export function searchCatalog(query: string): Package[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [];
  return catalog
    .filter((pkg) => {
      const text = `${pkg.name} ${pkg.description} ${pkg.keywords.join(' ')}`.toLowerCase();
      return terms.every((term) => text.includes(term));
    })
    .sort((a, b) => b.weekly - a.weekly);
}
