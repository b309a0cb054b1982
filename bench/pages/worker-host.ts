// Worker script of the worker suite: a memory region served over comlink
// (dogpile-cache/worker) to the page that started it, or to every page
// (SharedWorker). The creator is named, so a miss runs in the worker.
import { makeRegion } from 'dogpile-cache';
import { exposeRegion } from 'dogpile-cache/worker';

const region = makeRegion({ name: 'bench-worker' }).configure('memory', { expirationTime: 60_000 });
exposeRegion(region, self, { creators: { user: (key) => ({ id: key, name: `user ${key}` }) } });
