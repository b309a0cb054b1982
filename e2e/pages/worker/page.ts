// Test page: connects to the worker-hosted region and exposes helpers as
// `window.workerTest`. Creators given here run in this page; `gate` lets a
// test hold them until every caller is in flight.
import * as dogpile from 'dogpile-cache';
import * as worker from 'dogpile-cache/worker';
import type { PageMessage, PanelCommandBody } from 'dogpile-cache/devtools';
import type { RegionClient } from 'dogpile-cache/worker';

const startShared = () => new SharedWorker(new URL('./host.ts', import.meta.url), { type: 'module', name: 'e2e-region' });
const startWorker = () => new Worker(new URL('./host.ts', import.meta.url), { type: 'module' });

let release!: () => void;
let gate = new Promise<void>((resolve) => (release = resolve));

/**
 * Starts the devtools inspector on an in-memory channel and registers this
 * page's client with it; resolves with what a panel is shown.
 */
async function inspectThroughPanel() {
  const devtools = await import('dogpile-cache/devtools');
  const { transport, panel } = devtools.createMemoryChannel();
  const received: PageMessage[] = [];
  panel.onMessage((data) => {
    const message = devtools.parsePageMessage(data);
    if (message) received.push(message);
  });
  worker.registerClientWithDevtools(workerTest.client!);
  devtools.inspect({ transport });
  let n = 0;
  const ask = async <T extends PageMessage['type']>(body: PanelCommandBody, type: T): Promise<Extract<PageMessage, { type: T }>> => {
    const requestId = `q${++n}`;
    panel.send(devtools.panelCommand({ ...body, requestId } as PanelCommandBody));
    for (;;) {
      const found = received.find((m) => m.type === type && 'requestId' in m && m.requestId === requestId);
      if (found) return found as Extract<PageMessage, { type: T }>;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const snapshot = await ask({ type: 'getSnapshot', requestId: '' }, 'snapshot');
  const regionId = snapshot.regions[0]!.id;
  const entries = await ask({ type: 'getEntries', requestId: '', regionId, offset: 0, limit: 50, filter: '' }, 'entries');
  return { snapshot, entries };
}

const workerTest = {
  dogpile,
  worker,
  client: undefined as RegionClient | undefined,
  /** Workers this page started, so a test can terminate one. */
  started: [] as Worker[],
  /** How many times this page's creators ran. */
  calls: 0,
  pending: [] as Array<Promise<unknown>>,
  async connect(kind: 'auto' | 'worker' | 'worker-no-reconnect' = 'auto', options: worker.WrapRegionOptions = {}) {
    const trackedWorker = () => {
      const started = startWorker();
      workerTest.started.push(started);
      return started;
    };
    if (kind === 'worker-no-reconnect') workerTest.client = worker.wrapRegion(trackedWorker(), options);
    else if (kind === 'worker') workerTest.client = worker.wrapRegion(trackedWorker, options);
    else {
      workerTest.client = await worker.connectRegion({
        ...options,
        sharedWorker: startShared,
        worker: trackedWorker,
        inPage: () => dogpile.makeRegion({ name: 'e2e-worker' }).configure('memory', { expirationTime: 60_000 }),
      });
    }
    await workerTest.client.ready;
    return { mode: workerTest.client.mode, modeReason: workerTest.client.modeReason, name: workerTest.client.name };
  },
  /** Joins the SharedWorker and never says hello, as a page that dies while connecting. */
  connectWithoutHello() {
    startShared().port.start();
  },
  /** The host's connection counts, read through a named creator (a new key each time). */
  async census() {
    return (await workerTest.client!.getOrCreate(`census:${Math.random()}`, 'census')) as {
      sessions: number;
      connections: number;
      eventWatchers: number;
      secure: boolean;
      locks: boolean;
    };
  },
  /** A creator that counts its calls and waits for `open()`. */
  gatedCreator(value: unknown) {
    return async () => {
      workerTest.calls++;
      await gate;
      return value;
    };
  },
  open() {
    release();
  },
  reset() {
    workerTest.calls = 0;
    workerTest.pending = [];
    gate = new Promise<void>((resolve) => (release = resolve));
  },
  inspectThroughPanel,
  /** Settles what `pending` holds: values, or errors as `{ error: name, message, key }`. */
  async settle() {
    return Promise.all(
      workerTest.pending.map((promise) =>
        promise.then(
          (value) => ({ value }),
          (error: { name?: string; message?: string; key?: string }) => ({ error: error?.name, message: error?.message, key: error?.key }),
        ),
      ),
    );
  },
};

declare global {
  interface Window {
    workerTest: typeof workerTest;
  }
}
window.workerTest = workerTest;

