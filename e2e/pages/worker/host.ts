// The worker script of the worker tests: one region served to every page
// that connects (SharedWorker) or to the page that started it (Worker).
import { makeRegion } from 'dogpile-cache';
import { exposeRegion } from 'dogpile-cache/worker';

const region = makeRegion({ name: 'e2e-worker' }).configure('memory', { expirationTime: 60_000 });

const host = exposeRegion(region, self, {
  // Short, so a test sees a page that never said hello dropped; pages here say it within ms.
  handshakeTimeout: 2000,
  creators: {
    // What the host holds now (call it with a new key each time: values are cached).
    census: () => ({ sessions: host.sessions, connections: host.connections, eventWatchers: host.eventWatchers, secure: self.isSecureContext, locks: 'locks' in navigator }),
    square: (key) => Number(key) ** 2,
    // A value structured clone cannot copy.
    handle: () => () => 'a function',
    broken: (key) => {
      throw Object.assign(new RangeError(`cannot make ${key}`, { cause: new Error('upstream') }), { code: 'E_RANGE' });
    },
    hang: () => new Promise(() => {}),
    // The worker exits while the call is pending, as a crash would.
    exit: () => {
      (self as unknown as { close(): void }).close();
      return new Promise(() => {});
    },
  },
});
