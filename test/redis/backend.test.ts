/**
 * The Redis backend in one process: value fidelity, native expiry, key
 * layout, the lock's lease and release rules, invalidation order.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createClient } from 'redis';
import { CachedValue, makeRegion, NO_VALUE, VALUE_VERSION, ValueNotStorableError, type RegionEvent } from 'dogpile-cache';
import { compareInvalidations, RedisBackend, type RedisInvalidationRecord } from 'dogpile-cache/redis';
import { eventually, uniquePrefix } from './helpers.js';

const backends: RedisBackend[] = [];
const raw = createClient({ url: inject('redisUrl') });
raw.on('error', () => {});
await raw.connect();

function backend(args: Record<string, unknown> = {}): RedisBackend {
  const made = new RedisBackend({ url: inject('redisUrl'), prefix: uniquePrefix(), ...args });
  backends.push(made);
  return made;
}

afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()));
  await raw.close();
});

describe('redis: values', () => {
  it('round-trips structured-clone payloads and the whole metadata object', async () => {
    const b = backend();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const payload = {
      date: new Date(1_700_000_000_123),
      map: new Map<unknown, unknown>([[1, 'one'], [{ k: 1 }, new Set([1n, 2n])]]),
      big: 12345678901234567890n,
      nan: NaN,
      negZero: [0, -0],
      inf: -Infinity,
      undef: undefined,
      bytes: new Uint8Array([0, 255]),
      floats: new Float64Array([NaN, -0, 1.5]),
      bigints: new BigInt64Array([-1n, 2n ** 62n]),
      sparse: [1, , 3],
      regex: /a+b/gi,
      cyclic,
      lone: 'bad \uD800 surrogate',
    };
    const metadata = { ct: 1_700_000_000_000.5, v: VALUE_VERSION, st: 1_699_999_999_000, rv: 'v7' };
    await b.set('k', new CachedValue(payload, metadata));
    const got = (await b.get('k')) as CachedValue<typeof payload>;
    expect(got).toBeInstanceOf(CachedValue);
    expect(got.metadata).toEqual(metadata);
    const p = got.payload;
    expect(p.date).toEqual(payload.date);
    expect([...p.map.entries()]).toEqual([...payload.map.entries()]);
    expect(p.big).toBe(payload.big);
    expect(p.nan).toBeNaN();
    expect(Object.is(p.negZero[0], 0) && Object.is(p.negZero[1], -0)).toBe(true);
    expect(p.inf).toBe(-Infinity);
    expect('undef' in p && p.undef === undefined).toBe(true);
    expect(p.bytes).toEqual(payload.bytes);
    expect(Number.isNaN(p.floats[0]) && Object.is(p.floats[1], -0) && p.floats[2] === 1.5).toBe(true);
    expect([...p.bigints]).toEqual([...payload.bigints]);
    expect(1 in p.sparse).toBe(false);
    expect(p.regex.source).toBe('a+b');
    expect(p.regex.flags).toBe('gi');
    expect(p.cyclic.self).toBe(p.cyclic);
    expect(p.lone).toBe(payload.lone);
  });

  it('plain JSON data and structured-clone-only data both come back as stored (shared references kept)', async () => {
    const b = backend();
    const plain = { id: 1, name: 'Ada', tags: ['a', 'b'], nested: { ok: true, none: null, n: 1.5e300 } };
    const shared = { x: 1 };
    const withShared = { first: shared, second: shared, list: [shared] };
    const negative = { zero: -0 };
    const classy = new (class Point { x = 1; y = 2; })();
    for (const [key, payload] of Object.entries({ plain, withShared, negative, classy })) {
      await b.set(key, new CachedValue(payload, { ct: 1, v: VALUE_VERSION }));
    }
    expect(((await b.get('plain')) as CachedValue).payload).toEqual(plain);
    const back = ((await b.get('withShared')) as CachedValue<typeof withShared>).payload;
    expect(back.first).toBe(back.second);
    expect(back.list[0]).toBe(back.first);
    expect(Object.is(((await b.get('negative')) as CachedValue<typeof negative>).payload.zero, -0)).toBe(true);
    // As structuredClone does: a class instance comes back as a plain object with its own fields.
    expect(((await b.get('classy')) as CachedValue).payload).toEqual({ x: 1, y: 2 });
  });

  it('a value with a function or a symbol rejects set with ValueNotStorableError naming region and key', async () => {
    const b = backend();
    const region = makeRegion({ name: 'users' }).configure(b, { expirationTime: 60_000 });
    await expect(region.set('fn', { f: () => 1 })).rejects.toSatisfy(
      (e: Error) => e instanceof ValueNotStorableError && e.message.includes('"users"') && e.message.includes('"fn"'),
    );
    await expect(region.set('sym', Symbol('s'))).rejects.toBeInstanceOf(ValueNotStorableError);
    expect(await region.get('fn')).toBe(NO_VALUE);
    // getOrCreate still returns what the creator made, and reports the failed write.
    const errors: RegionEvent[] = [];
    region.subscribe((event) => event.type === 'error' && errors.push(event));
    const fn = () => 2;
    expect(await region.getOrCreate('made', () => ({ fn }))).toEqual({ fn });
    expect(errors).toHaveLength(1);
  });

  it('an entry not written by the library reads as a miss', async () => {
    const b = backend();
    const region = makeRegion({ name: 'r' }).configure(b, { expirationTime: 60_000 });
    await raw.set(b.keySpace.entry('foreign'), 'not ours');
    expect(await region.get('foreign')).toBe(NO_VALUE);
    expect(await region.getOrCreate('foreign', () => 'fresh')).toBe('fresh');
  });

  it('sets Redis expiry a margin past the region expiration; none without expiration', async () => {
    const b = backend();
    makeRegion({ name: 'ttl' }).configure(b, { expirationTime: 1_000 });
    await b.set('k', new CachedValue('v', { ct: Date.now(), v: VALUE_VERSION }));
    const ttl = await raw.pTTL(b.keySpace.entry('k'));
    expect(ttl).toBeGreaterThan(1_000);
    expect(ttl).toBeLessThanOrEqual(61_000);

    const margin = backend({ staleMargin: 5_000 });
    makeRegion({ name: 'ttl2' }).configure(margin, { expirationTime: 1_000 });
    await margin.set('k', 'x');
    expect(await raw.pTTL(margin.keySpace.entry('k'))).toBeGreaterThan(5_000);
    expect(await raw.pTTL(margin.keySpace.entry('k'))).toBeLessThanOrEqual(6_000);

    const forever = backend();
    makeRegion({ name: 'forever' }).configure(forever);
    await forever.set('k', 'x');
    expect(await raw.pTTL(forever.keySpace.entry('k'))).toBe(-1);
  });

  it('getMulti is one MGET; setMulti and deleteMulti one MULTI/EXEC each', async () => {
    const b = backend();
    const region = makeRegion({ name: 'multi' }).configure(b, { expirationTime: 60_000 });
    await region.get('warm-up');
    const calls = async (command: string) => Number((await raw.info('commandstats')).match(new RegExp(`cmdstat_${command}:calls=(\\d+)`))?.[1] ?? 0);
    await raw.configResetStat();
    await region.setMulti(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i])));
    expect([await calls('multi'), await calls('exec'), await calls('set')]).toEqual([1, 1, 10]);
    await raw.configResetStat();
    expect(await region.getMulti(Array.from({ length: 10 }, (_, i) => `k${i}`))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([await calls('mget'), await calls('get')]).toEqual([1, 0]);
    await raw.configResetStat();
    await region.deleteMulti(['k0', 'k1', 'k2']);
    expect([await calls('multi'), await calls('del')]).toEqual([1, 1]);
  });

  it('keeps every key under the prefix and namespace; keys() lists only entries, by SCAN', async () => {
    const prefix = uniquePrefix();
    const b = backend({ prefix });
    const region = makeRegion({ name: 'ns' }).configure(b, { expirationTime: 60_000 });
    await region.setMulti({ a: 1, b: 2 });
    await region.invalidate(false);
    await region.getOrCreate('c', () => 3);
    const all = await raw.keys(`${prefix}*`);
    expect(all.every((key) => key.startsWith(`${prefix}ns|`))).toBe(true);
    const listed: string[] = [];
    for await (const key of (await b.keys()) as AsyncIterable<string>) listed.push(key);
    expect(listed.sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('redis: the lock', () => {
  it('acquire(false) answers at once; release never deletes another holder lock', async () => {
    const b = backend({ lockTimeout: 200 });
    const first = b.getMutex('k');
    const second = b.getMutex('k');
    expect(await first.acquire(false)).toBe(true);
    // Another process's view of the same lock: a backend of its own on the same namespace.
    const other = backend({ prefix: b.prefix, namespace: b.namespace });
    const remote = other.getMutex('k');
    expect(await remote.acquire(false)).toBe(false);
    expect(await second.acquire(false)).toBe(false);
    // Simulate our lease having run out and another process taking the lock.
    await raw.set(b.keySpace.lock('k'), 'someone-else');
    first.release();
    await eventually(async () => (await raw.get(b.keySpace.lock('k'))) === 'someone-else', 2_000, 'release to be processed');
    expect(await raw.get(b.keySpace.lock('k'))).toBe('someone-else');
    await raw.del(b.keySpace.lock('k'));
  });

  it('extends the lease while the holder runs longer than it', async () => {
    const b = backend({ lockTimeout: 300 });
    const lock = b.getMutex('long');
    expect(await lock.acquire(false)).toBe(true);
    // Well past three leases, the lock is still there and still ours.
    const other = backend({ prefix: b.prefix, namespace: b.namespace }).getMutex('long');
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await other.acquire(false)).toBe(false);
    }
    lock.release();
    await eventually(async () => !(await other.locked()), 2_000, 'release');
    expect(await other.acquire(false)).toBe(true);
    other.release();
  });

  it('a blocked waiter is woken by the release message, well before its lease would end', async () => {
    const b = backend({ lockTimeout: 30_000, pollInterval: 60_000 });
    const other = backend({ prefix: b.prefix, namespace: b.namespace, lockTimeout: 30_000, pollInterval: 60_000 });
    const held = b.getMutex('k');
    expect(await held.acquire()).toBe(true);
    let granted = false;
    const waiting = other.getMutex('k');
    const acquired = waiting.acquire(true).then((ok) => (granted = ok));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(granted).toBe(false);
    held.release();
    // With a 60 s poll and a 30 s lease, only the pub/sub message can grant it inside the test's bound.
    await acquired;
    expect(granted).toBe(true);
    waiting.release();
  }, 10_000);

  it('keyIsLocked sees a lock held by another backend (another process)', async () => {
    const b = backend();
    const other = backend({ prefix: b.prefix, namespace: 'shared' });
    const mine = makeRegion({ name: 'shared' }).configure(b, { expirationTime: 60_000 });
    const lock = other.getMutex('k');
    expect(await lock.acquire(false)).toBe(true);
    expect(await mine.keyIsLocked('k')).toBe(true);
    lock.release();
    expect(await other.getMutex('k').locked()).toBe(false);
    expect(await mine.keyIsLocked('k')).toBe(false);
  });
});

describe('redis: channels', () => {
  it('ignores foreign messages on the change and invalidation channels, and hears real ones after them', async () => {
    const b = backend();
    const region = makeRegion({ name: 'chan' }).configure(b, { expirationTime: 60_000 });
    await region.set('k', 'v');
    const events: RegionEvent[] = [];
    region.subscribe((event) => events.push(event));
    for (const message of ['not json', '[1,2]', '{"t":"set"}', '{"at":"soon","hard":true,"origin":"x"}', 'null']) {
      await raw.publish(b.keySpace.changesChannel, message);
      await raw.publish(b.keySpace.invalidationChannel, message);
    }
    const other = backend({ prefix: b.prefix, namespace: 'chan' });
    await other.delete('k');
    await eventually(() => events.some((e) => e.type === 'delete'), 5_000, 'the real delete event');
    expect(events.map((e) => e.type)).toEqual(['delete']);
    expect(await region.get('k')).toBe(NO_VALUE);
  });
});

describe('redis: invalidation order', () => {
  const rec = (at: number, hard: boolean, origin: string): RedisInvalidationRecord => ({ at, hard, origin });

  it('orders by time, then hard over soft, then origin', () => {
    expect(compareInvalidations(rec(2, false, 'a'), rec(1, true, 'z'))).toBeGreaterThan(0);
    expect(compareInvalidations(rec(1, true, 'a'), rec(1, false, 'z'))).toBeGreaterThan(0);
    expect(compareInvalidations(rec(1, true, 'b'), rec(1, true, 'a'))).toBeGreaterThan(0);
    expect(compareInvalidations(rec(1, true, 'a'), rec(1, true, 'a'))).toBe(0);
  });

  it('concurrent invalidations with the same time converge on the same record everywhere', async () => {
    const prefix = uniquePrefix();
    const at = 1_800_000_000_000;
    const fixed = () => at;
    const regions = Array.from({ length: 3 }, () =>
      makeRegion({ name: 'conv', now: fixed }).configure(backend({ prefix }), { expirationTime: 60_000 }),
    );
    await Promise.all(regions.map((region) => region.getValueMetadata('warm-up')));
    const last: Array<boolean | undefined> = regions.map(() => undefined);
    regions.forEach((region, i) => region.subscribe((event) => event.type === 'invalidated' && (last[i] = event.hard)));
    await Promise.all([regions[0]!.invalidate(false), regions[1]!.invalidate(true), regions[2]!.invalidate(true)]);
    const stored = JSON.parse((await raw.get(`${prefix}conv|inv`))!) as RedisInvalidationRecord;
    expect(stored.hard).toBe(true);
    const origins = regions.slice(1).map((region) => (region.actualBackend as RedisBackend).origin).sort();
    expect(stored.origin).toBe(origins[1]);
    // The soft one's region applied its own first; the hard winner must replace it there too.
    await eventually(() => last.every((hard) => hard === true), 5_000, 'every region to apply the winning hard invalidation');
  });
});
