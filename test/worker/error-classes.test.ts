// Every built-in error class, DOMException and the library's own classes
// arrive across the worker wire as instances of their class, with what they
// carry (AggregateError.errors, a DOMException's name and code, cause chains).
import { describe, expect, it } from 'vitest';
import * as core from 'dogpile-cache';
import * as worker from 'dogpile-cache/worker';
import { Harness } from './helpers.js';

class HttpError extends TypeError {
  override name = 'HttpError';
}

type Made = () => unknown;
const builtIns: Array<[string, new (message: string) => Error]> = [
  ['Error', Error],
  ['EvalError', EvalError],
  ['RangeError', RangeError],
  ['ReferenceError', ReferenceError],
  ['SyntaxError', SyntaxError],
  ['TypeError', TypeError],
  ['URIError', URIError],
];
const libraryClasses: Array<[string, new (message: string) => Error]> = [
  ['DogpileCacheException', core.DogpileCacheException],
  ['RegionAlreadyConfigured', core.RegionAlreadyConfigured],
  ['RegionNotConfigured', core.RegionNotConfigured],
  ['ValidationError', core.ValidationError],
  ['PluginNotFound', core.PluginNotFound],
  ['CantDeserializeException', core.CantDeserializeException],
  ['QuotaExceededError', core.QuotaExceededError],
  ['StorageUnavailableError', core.StorageUnavailableError],
  ['ValueNotStorableError', core.ValueNotStorableError],
  ['WorkerUnavailableError', worker.WorkerUnavailableError],
  ['CreatorGoneError', worker.CreatorGoneError],
  ['UnknownCreatorError', worker.UnknownCreatorError],
  ['ValueNotCloneableError', worker.ValueNotCloneableError],
];

/** What `throwing[key]()` throws, as the page receives it from a worker-side creator. */
async function across(throwing: Record<string, Made>, key: string): Promise<unknown> {
  const h = new Harness();
  try {
    const host = h.host(h.region(), { creators: { throwing: (k) => { throw throwing[k]!(); } } });
    const { client } = h.connect(host);
    return await client.getOrCreate(key, 'throwing').then(
      () => 'resolved',
      (error: unknown) => error,
    );
  } finally {
    h.close();
  }
}

describe('errors thrown in the worker reach the page as instances of their class', () => {
  it.each([...builtIns, ...libraryClasses])('%s', async (name, cls) => {
    const error = (await across({ [name]: () => new cls(`a ${name}`) }, name)) as Error;
    expect(error).toBeInstanceOf(cls);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.message).toBe(`a ${name}`);
  });

  it('AggregateError, with its errors (each of its own class, nested ones too) and its cause', async () => {
    const error = (await across(
      {
        agg: () =>
          new AggregateError([new RangeError('one'), new URIError('two'), new AggregateError([new core.ValidationError('deep')], 'inner'), 'a string'], 'all failed', {
            cause: new EvalError('why'),
          }),
      },
      'agg',
    )) as AggregateError;
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.message).toBe('all failed');
    expect(error.errors).toHaveLength(4);
    expect(error.errors[0]).toBeInstanceOf(RangeError);
    expect(error.errors[1]).toBeInstanceOf(URIError);
    expect(error.errors[2]).toBeInstanceOf(AggregateError);
    expect((error.errors[2] as AggregateError).errors[0]).toBeInstanceOf(core.ValidationError);
    expect((error.errors[2] as AggregateError).errors[0].message).toBe('deep');
    expect(error.errors[3]).toBe('a string');
    expect(error.cause).toBeInstanceOf(EvalError);
  });

  it.each([
    ['AbortError', 20],
    ['DataCloneError', 25],
    ['QuotaExceededError', 22],
    ['InvalidAccessError', 15],
    ['OperationError', 0],
  ])('DOMException %s, with its name and code', async (name, code) => {
    const error = (await across({ dom: () => new DOMException(`a ${name}`, name) }, 'dom')) as DOMException;
    expect(error).toBeInstanceOf(DOMException);
    expect(error).not.toBeInstanceOf(core.QuotaExceededError);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.message).toBe(`a ${name}`);
  });

  it('a cause chain, each link of its own class', async () => {
    const error = (await across(
      { chain: () => new core.StorageUnavailableError('no storage', { cause: new URIError('bad uri', { cause: new DOMException('denied', 'SecurityError') }) }) },
      'chain',
    )) as Error;
    expect(error).toBeInstanceOf(core.StorageUnavailableError);
    const uri = error.cause as Error;
    expect(uri).toBeInstanceOf(URIError);
    expect(uri.message).toBe('bad uri');
    expect(uri.cause).toBeInstanceOf(DOMException);
    expect((uri.cause as DOMException).name).toBe('SecurityError');
  });

  it('a subclass the page cannot know arrives as its nearest known class, with its name and properties', async () => {
    const error = (await across({ http: () => Object.assign(new HttpError('503 from /api'), { status: 503 }) }, 'http')) as TypeError & { status?: number };
    expect(error).toBeInstanceOf(TypeError);
    expect(error.name).toBe('HttpError');
    expect(error.status).toBe(503);
  });
});
