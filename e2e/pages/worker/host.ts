// The worker script of the worker tests: one region served to every page
// that connects (SharedWorker) or to the page that started it (Worker).
import { makeRegion } from 'dogpile-cache';
import { exposeRegion } from 'dogpile-cache/worker';

const region = makeRegion({ name: 'e2e-worker' }).configure('memory', { expirationTime: 60_000 });

exposeRegion(region, self, {
  creators: {
    square: (key) => Number(key) ** 2,
    // A value structured clone cannot copy.
    handle: () => () => 'a function',
    broken: (key) => {
      throw new RangeError(`cannot make ${key}`);
    },
    hang: () => new Promise(() => {}),
    // The worker exits while the call is pending, as a crash would.
    exit: () => {
      (self as unknown as { close(): void }).close();
      return new Promise(() => {});
    },
  },
});
