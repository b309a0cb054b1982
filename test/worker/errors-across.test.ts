// Errors keep what structured clone can copy of them across the worker, and
// WorkerUnavailableError messages read as one sentence (issue 17).
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerUnavailableError, connectRegion } from 'dogpile-cache/worker';
import { Harness } from './helpers.js';

let h: Harness;
afterEach(() => h?.close());

class LoadError extends Error {
  override name = 'LoadError';
}

describe('an error thrown by a named creator in the worker', () => {
  it('keeps its own enumerable properties that structured clone can copy, and its cause', async () => {
    h = new Harness();
    const host = h.host(h.region(), {
      creators: {
        load: (key) => {
          const error = new LoadError(`cannot load ${key}`, { cause: Object.assign(new TypeError('socket closed'), { errno: -104 }) });
          throw Object.assign(error, { code: 'E_UPSTREAM', status: 503, details: { retryAfter: 5 }, retry: () => 'not cloneable' });
        },
      },
    });
    const { client } = h.connect(host);
    const error = (await client.getOrCreate('user:1', 'load').catch((caught: unknown) => caught)) as LoadError & Record<string, unknown>;
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('LoadError');
    expect(error.message).toBe('cannot load user:1');
    expect(error.code).toBe('E_UPSTREAM');
    expect(error.status).toBe(503);
    expect(error.details).toEqual({ retryAfter: 5 });
    // What structured clone cannot copy is left out, the rest still arrives.
    expect('retry' in error).toBe(false);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect((error.cause as Error).message).toBe('socket closed');
    expect((error.cause as { errno?: number }).errno).toBe(-104);
    expect(Object.keys(error).sort()).toEqual(['code', 'details', 'name', 'status']);
  });

  it('a page creator error still reaches its own caller as the same object', async () => {
    h = new Harness();
    const { client } = h.connect(h.host(h.region()));
    const thrown = Object.assign(new Error('down'), { code: 'E_DOWN' });
    await expect(client.getOrCreate('k', () => Promise.reject(thrown))).rejects.toBe(thrown);
  });
});

describe('WorkerUnavailableError messages', () => {
  it('have no doubled punctuation when every way of hosting the region fails', async () => {
    const saved = { SharedWorker: globalThis.SharedWorker, Worker: globalThis.Worker };
    // Workers whose scripts fail to load: an `error` event, with or without a message ending in a full stop.
    class FailingSharedWorker extends EventTarget {
      readonly port = new MessageChannel().port1;
      constructor() {
        super();
        setTimeout(() => this.dispatchEvent(Object.assign(new Event('error'), { message: 'Uncaught ReferenceError: window is not defined.' })), 1);
      }
    }
    class FailingWorker extends EventTarget {
      constructor() {
        super();
        setTimeout(() => this.dispatchEvent(new Event('error')), 1);
      }
      postMessage(): void {}
      terminate(): void {}
    }
    Object.assign(globalThis, { SharedWorker: FailingSharedWorker, Worker: FailingWorker });
    try {
      const error = await connectRegion({
        sharedWorker: () => new SharedWorker('x'),
        worker: () => new Worker('x'),
        connectTimeout: 2000,
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WorkerUnavailableError);
      const { message } = error as Error;
      expect(message).toMatch(/SharedWorker failed.*window is not defined.*Worker failed.*could not be loaded or threw/);
      expect(message).not.toMatch(/\.[.;]|\)\.;|\.\)/);
      expect(message).toMatch(/[^.]\.$/);
    } finally {
      Object.assign(globalThis, saved);
    }
  });
});
