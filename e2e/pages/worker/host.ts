// The worker script of the worker tests: one region served to every page
// that connects (SharedWorker) or to the page that started it (Worker).
import { makeRegion, QuotaExceededError, RegionNotConfigured, ValidationError, ValueNotStorableError } from 'dogpile-cache';
import { CreatorGoneError, exposeRegion } from 'dogpile-cache/worker';

class HttpError extends TypeError {
  override name = 'HttpError';
}

// One error of each kind, by key, for the error-class test.
const errorsByKind: Record<string, () => unknown> = {
  Error: () => new Error('an Error'),
  EvalError: () => new EvalError('an EvalError'),
  RangeError: () => new RangeError('a RangeError'),
  ReferenceError: () => new ReferenceError('a ReferenceError'),
  SyntaxError: () => new SyntaxError('a SyntaxError'),
  TypeError: () => new TypeError('a TypeError'),
  URIError: () => new URIError('a URIError'),
  AggregateError: () => new AggregateError([new URIError('first'), new ValidationError('second')], 'an AggregateError', { cause: new EvalError('why') }),
  DOMException: () => new DOMException('a DOMException', 'DataCloneError'),
  DOMQuota: () => new DOMException('a quota DOMException', 'QuotaExceededError'),
  QuotaExceededError: () => new QuotaExceededError('a QuotaExceededError'),
  ValueNotStorableError: () => new ValueNotStorableError('a ValueNotStorableError'),
  RegionNotConfigured: () => new RegionNotConfigured('a RegionNotConfigured'),
  CreatorGoneError: () => new CreatorGoneError('a CreatorGoneError', { cause: new RangeError('the cause') }),
  HttpError: () => new HttpError('an HttpError'),
};

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
    errorOf: (kind) => {
      throw errorsByKind[kind]!();
    },
    // The worker exits while the call is pending, as a crash would.
    exit: () => {
      (self as unknown as { close(): void }).close();
      return new Promise(() => {});
    },
  },
});
