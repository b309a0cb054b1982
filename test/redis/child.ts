/**
 * A Node process the multi-process tests fork (built to .out/child.mjs by
 * the globalSetup). It configures one Redis region from its first message
 * and then runs the parent's requests over IPC, reporting region events back.
 */
import { makeRegion, NO_VALUE, type CacheRegion } from 'dogpile-cache';
import { RedisBackend, type RedisBackendArguments } from 'dogpile-cache/redis';

interface Init {
  url: string;
  prefix: string;
  name: string;
  expirationTime?: number;
  lockTimeout?: number;
  errorBackoff?: number;
  /** Connect to a cluster (`createCluster` options) instead of `url`. */
  cluster?: RedisBackendArguments['cluster'];
  /** Connect through Sentinel (`createSentinel` options) instead of `url`. */
  sentinel?: RedisBackendArguments['sentinel'];
  commandTimeout?: number;
  whenUnavailable?: 'fail' | 'create';
  /** Report every miss as an event. */
  reportMisses?: boolean;
}

type Request = { id: number; op: string; key?: string; keys?: string[]; entries?: Array<[string, unknown]>; n?: number; value?: unknown; hard?: boolean; expired?: boolean; settle?: boolean };

const send = (message: unknown) => process.send?.(message);

let region: CacheRegion;
/** Creators blocked until the parent says `proceed` for their key. */
const blocked = new Map<string, () => void>();
/** Per key: how many callers read a miss or a stale value, and whether this process's creator started. */
const contention = new Map<string, { misses: number; stales: number; n: number; expired: boolean; creating: boolean; reported: boolean }>();

function checkContention(key: string): void {
  const c = contention.get(key);
  if (!c || c.reported) return;
  // Every caller of this process has read the key while the lock was held: with no
  // value each one read a miss; with an expired one each caller but the creator got the stale value.
  if (c.expired ? c.stales >= c.n - (c.creating ? 1 : 0) : c.misses >= c.n) {
    c.reported = true;
    send({ event: 'contending', key });
  }
}

function init(config: Init): void {
  const where: RedisBackendArguments = config.cluster ? { cluster: config.cluster } : config.sentinel ? { sentinel: config.sentinel } : { url: config.url };
  region = makeRegion({ name: config.name, ...(config.errorBackoff === undefined ? {} : { errorBackoff: config.errorBackoff }) }).configure('redis', {
    expirationTime: config.expirationTime,
    arguments: { ...where, prefix: config.prefix, lockTimeout: config.lockTimeout, commandTimeout: config.commandTimeout ?? 5_000, whenUnavailable: config.whenUnavailable },
  });
  region.subscribe((event) => {
    if (event.type === 'miss' && config.reportMisses) send({ event: 'miss', key: event.key });
    if ((event.type === 'miss' || event.type === 'stale') && contention.has(event.key)) {
      const c = contention.get(event.key)!;
      if (event.type === 'miss') c.misses++;
      else c.stales++;
      checkContention(event.key);
    }
    if ((event.type === 'set' || event.type === 'delete') && event.remote) send({ event: event.type, key: event.key, origin: event.origin });
    if (event.type === 'invalidated') send({ event: 'invalidated', hard: event.hard, remote: event.remote });
  });
}

async function handle(request: Request): Promise<unknown> {
  const key = request.key ?? '';
  switch (request.op) {
    case 'stampede': {
      // n concurrent getOrCreate; the creator reports, then waits for `proceed`.
      const n = request.n ?? 1;
      contention.set(key, { misses: 0, stales: 0, n, expired: request.expired === true, creating: false, reported: false });
      let calls = 0;
      const creator = async () => {
        calls++;
        contention.get(key)!.creating = true;
        send({ event: 'creating', key });
        checkContention(key);
        await new Promise<void>((resolve) => blocked.set(key, resolve));
        return `made by ${process.pid}`;
      };
      const calling = Array.from({ length: n }, () => region.getOrCreate(key, creator));
      if (!request.settle) {
        const values = await Promise.all(calling);
        contention.delete(key);
        return { calls, values: [...new Set(values)] };
      }
      // Every caller's outcome: a value, or the name of the error it got.
      const outcomes = await Promise.allSettled(calling);
      contention.delete(key);
      const values = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as Error)?.name ?? String(o.reason)] : []));
      return { calls, values: [...new Set(values)], errors };
    }
    case 'failing': {
      // n concurrent getOrCreate whose creator reports, waits for `proceed`, then fails.
      const n = request.n ?? 1;
      contention.set(key, { misses: 0, stales: 0, n, expired: false, creating: false, reported: false });
      let calls = 0;
      const creator = async () => {
        calls++;
        contention.get(key)!.creating = true;
        send({ event: 'creating', key });
        checkContention(key);
        await new Promise<void>((resolve) => blocked.set(key, resolve));
        throw new RangeError(`API answered 500 in ${process.pid}`);
      };
      const errors = await Promise.all(Array.from({ length: n }, () => region.getOrCreate(key, creator).then(() => 'no error', (error: Error) => `${error.name}: ${error.message}`)));
      contention.delete(key);
      return { calls, errors: [...new Set(errors)] };
    }
    case 'getOrCreate': {
      let calls = 0;
      const value = await region.getOrCreate(key, () => {
        calls++;
        return `made by ${process.pid}`;
      });
      return { calls, value };
    }
    case 'getOrCreateThenClose': {
      // The README's short-lived process: one getOrCreate (the creator waits for `proceed`), then close.
      let calls = 0;
      const value = await region.getOrCreate(key, async () => {
        calls++;
        send({ event: 'creating', key });
        await new Promise<void>((resolve) => blocked.set(key, resolve));
        return `made by ${process.pid}`;
      });
      await (region.backend as RedisBackend).close();
      return { calls, value };
    }
    case 'getMulti': {
      const values = await region.getMulti(request.keys ?? []);
      return values.map((value) => (value === NO_VALUE ? null : value));
    }
    case 'setMulti':
      await region.setMulti(new Map(request.entries ?? []));
      return 'ok';
    case 'deleteMulti':
      await region.deleteMulti(request.keys ?? []);
      return 'ok';
    case 'hold': {
      // A creator that never finishes: this process holds the lock until it dies.
      void region.getOrCreate(key, () => {
        send({ event: 'creating', key });
        return new Promise<never>(() => {});
      });
      return 'holding';
    }
    case 'get': {
      const value = await region.get(key);
      return value === NO_VALUE ? { missing: true } : { value };
    }
    case 'set':
      await region.set(key, request.value);
      return 'ok';
    case 'delete':
      await region.delete(key);
      return 'ok';
    case 'invalidate':
      await region.invalidate(request.hard ?? true);
      return 'ok';
    case 'locked':
      return region.keyIsLocked(key);
    default:
      throw new Error(`unknown op ${request.op}`);
  }
}

process.on('message', (message: { init?: Init; proceed?: string } & Partial<Request>) => {
  if (message.init) {
    init(message.init);
    // The first call waits for the region's subscriptions (invalidation, change feed).
    void region.getValueMetadata('warm-up').then(() => send({ event: 'ready' }));
    return;
  }
  if (message.proceed !== undefined) {
    blocked.get(message.proceed)?.();
    blocked.delete(message.proceed);
    return;
  }
  const request = message as Request;
  handle(request).then(
    (result) => send({ id: request.id, result }),
    (error: unknown) => send({ id: request.id, error: `${(error as Error)?.name}: ${(error as Error)?.message}` }),
  );
});
// The parent going away ends this process.
process.on('disconnect', () => process.exit(0));
