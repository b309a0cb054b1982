// A hostile page: it does not use dogpile-cache, it forges the devtools
// protocol. Framed, it posts to its parent; on its own, to itself.
const tag = { source: 'dogpile-cache-devtools', version: 1 };

function forgedRegion(name: string) {
  return {
    id: 'r1',
    name,
    configured: true,
    backend: ['MemoryBackend'],
    expirationTime: null,
    entryCount: 1,
    invalidation: { state: 'none', at: null },
    stats: { hits: 666, misses: 0, creations: 0, waits: 0, staleServed: 0, sets: 0, deletes: 0, invalidations: 0, lockTimeouts: 0, errors: 0 },
  };
}

/** Every forgery the page can think of, in order. */
function forgeries(label: string): unknown[] {
  const region = forgedRegion(`forged-${label}`);
  return [
    { ...tag, direction: 'from-page', type: 'hello', inspectorId: `forged-${label}`, regionCount: 1, origin: 'http://127.0.0.1', tabId: 1 },
    { ...tag, direction: 'from-page', type: 'snapshot', inspectorId: `forged-${label}`, requestId: null, regions: [region], origin: 'https://bank.example' },
    { ...tag, direction: 'from-page', type: 'events', dropped: 0, regions: [region], events: [{ seq: 1, regionId: 'r1', type: 'set', time: Date.now(), key: 'forged' }] },
    // Commands aimed at the page side or the extension's own messages.
    { ...tag, direction: 'to-page', type: 'invalidate', requestId: 'x', regionId: 'r1', hard: true },
    { ...tag, direction: 'to-page', type: 'deleteEntry', requestId: 'x', regionId: 'r1', key: 'user:ada' },
    { ...tag, direction: 'to-page', type: 'clearRegion', requestId: 'x', regionId: 'r1' },
    { ...tag, direction: 'to-page', type: 'resetStats', requestId: 'x', regionId: 'r1' },
    // A fake lock and a fake tab, as if other tabs held the cache's locks.
    {
      ...tag,
      direction: 'from-page',
      type: 'crossTab',
      requestId: 'x',
      info: {
        selfOrigin: `forged-${label}`,
        locksAvailable: true,
        time: Date.now(),
        ledger: [{ region: `forged-${label}`, hard: true, at: 1, issuer: 'forged', issuedTime: 1, received: [] }],
        timeouts: [],
        peers: [{ originId: `forged-${label}`, clientId: 'c', kind: 'window', visibility: 'visible', frozen: false, listening: true, regions: [], work: [], path: '/', self: true, seen: 1 }],
        locks: [{ name: 'dogpile-cache:2:x:forged-lock', state: 'held', mode: 'exclusive', clientId: 'c', regionId: 'r1', key: `forged-${label}` }],
      },
    },
    { kind: 'ready', inspector: true },
    { kind: 'command', command: { ...tag, direction: 'to-page', type: 'invalidate', requestId: 'x', regionId: 'r1', hard: true } },
    { kind: 'attach', tabId: 0 },
    { kind: 'dogpile-cache-poke' },
    // Malformed and hostile shapes.
    { ...tag, version: 2, direction: 'from-page', type: 'snapshot', inspectorId: 'v2', requestId: null, regions: [forgedRegion('forged-v2')] },
    { ...tag, direction: 'from-page', type: 'snapshot', inspectorId: 'bad', requestId: null, regions: [{ ...region, name: 42 }] },
    { ...tag, direction: 'from-page', type: 'snapshot', inspectorId: 'big', requestId: null, regions: Array.from({ length: 10_000 }, () => region) },
    JSON.parse(`{"source":"dogpile-cache-devtools","version":1,"direction":"from-page","type":"hello","__proto__":{"polluted":true},"inspectorId":"p","regionCount":1}`),
    { ...tag, direction: 'from-page', type: 'value', requestId: 'v', regionId: 'r1', key: 'k', found: true, created: 0, preview: { t: 'object', className: 'X', size: 1, entries: [['a', { t: 'script', v: 'alert(1)' }]] } },
    { ...tag, direction: 'from-page', type: 'snapshot', inspectorId: 'deep', requestId: null, regions: [{ ...region, name: 'x'.repeat(1_000_000) }] },
    'dogpile-cache-devtools',
    null,
    12,
  ];
}

function post(target: Window, label: string): void {
  const origin = target === window ? location.origin : '*';
  for (const message of forgeries(label)) target.postMessage(message, origin);
  target.postMessage({ forgerDone: label }, origin);
}

declare global {
  interface Window {
    forge: (label: string) => void;
  }
}

window.forge = (label) => post(window, label);
if (window.parent !== window) {
  // Framed: forge towards the parent when it asks (after its panel attached).
  addEventListener('message', (event) => {
    const label = (event.data as { forge?: unknown })?.forge;
    if (event.source === window.parent && typeof label === 'string') post(window.parent, label);
  });
  window.parent.postMessage({ forgerReady: true }, '*');
}
export {};
