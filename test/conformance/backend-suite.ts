/**
 * The backend conformance suite, as dogpile.cache's `_GenericBackendTestSuite`:
 * one list of checks that every backend must pass. It has no test-runner
 * imports, so the same checks run under Vitest in Node and inside a real
 * browser page (see e2e/) against localStorage and IndexedDB.
 */
import { CachedValue, CacheBackend, NO_VALUE, VALUE_VERSION, makeRegion, type CacheRegion, type StoredValue } from 'dogpile-cache';

/** How to get a fresh, empty backend for one check. */
export interface ConformanceTarget {
  /** A label for reports. */
  name: string;
  /** A new backend over empty storage; each call should be isolated from the previous ones. */
  create(): CacheBackend | Promise<CacheBackend>;
  /** Clean up after a check (close databases, clear storage). */
  dispose?(backend: CacheBackend): void | Promise<void>;
  /** A new, empty backend holding at most `maxEntries` entries, for backends that take the argument. */
  createCapped?(maxEntries: number): CacheBackend | Promise<CacheBackend>;
}

/** One named check. */
export interface ConformanceCheck {
  name: string;
  /** A capability the backend must have for the check to apply. */
  requires?: 'mutex' | 'keys' | 'clear' | 'maxEntries';
  run(target: ConformanceTarget): Promise<void>;
}

/**
 * The checks that apply to `backend` (those needing a mutex, `keys()` or
 * `clear()` only if it has them; `maxEntries` only if the target can make a capped backend).
 */
export function applicableChecks(backend: CacheBackend, checks: ConformanceCheck[] = backendChecks, target?: ConformanceTarget): ConformanceCheck[] {
  return checks.filter(
    (check) =>
      (check.requires !== 'mutex' || backend.getMutex('probe') !== null) &&
      (check.requires !== 'keys' || typeof backend.keys === 'function') &&
      (check.requires !== 'clear' || typeof backend.clear === 'function') &&
      (check.requires !== 'maxEntries' || typeof target?.createCapped === 'function'),
  );
}

/** The outcome of one check, as returned by {@link runConformance}. */
export interface ConformanceResult {
  name: string;
  ok: boolean;
  error?: string;
}

class ConformanceFailure extends Error {}

function fail(message: string): never {
  throw new ConformanceFailure(message);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

function assertEqual(actual: unknown, expected: unknown, what: string): void {
  if (!deepEqual(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

function show(value: unknown): string {
  if (value === NO_VALUE) return 'NO_VALUE';
  if (value instanceof CachedValue) return `CachedValue(${JSON.stringify(value.payload)}, ${JSON.stringify(value.metadata)})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function assertCachedValue(actual: StoredValue | typeof NO_VALUE, expected: CachedValue, what: string): void {
  if (!(actual instanceof CachedValue)) fail(`${what}: expected a CachedValue, got ${show(actual)}`);
  assertEqual(actual.payload, expected.payload, `${what} payload`);
  assertEqual(actual.metadata, expected.metadata, `${what} metadata`);
}

const value = (payload: unknown, ct = Date.now()) => new CachedValue(payload, { ct, v: VALUE_VERSION });

async function withBackend(target: ConformanceTarget, body: (backend: CacheBackend) => Promise<void>): Promise<void> {
  const backend = await target.create();
  try {
    await body(backend);
  } finally {
    await target.dispose?.(backend);
  }
}

async function withRegion(target: ConformanceTarget, body: (region: CacheRegion, backend: CacheBackend) => Promise<void>, options: Parameters<typeof makeRegion>[0] = {}): Promise<void> {
  await withBackend(target, async (backend) => {
    const region = makeRegion({ name: 'conformance', ...options }).configure(backend, { expirationTime: 60_000 });
    await body(region, backend);
  });
}

const payloads: Array<[string, unknown]> = [
  ['string', 'some value'],
  ['unicode string', 'méil ünïcode ☃ 日本語'],
  ['empty string', ''],
  ['integer', 42],
  ['float', 3.25],
  ['zero', 0],
  ['false', false],
  ['null', null],
  ['nested object', { a: 1, b: [1, 2, { c: 'd' }], e: { f: null } }],
  ['array', [1, 'two', { three: 3 }]],
];

/** Every check of the suite. */
export const backendChecks: ConformanceCheck[] = [
  {
    name: 'get of a missing key returns NO_VALUE',
    run: (t) => withBackend(t, async (b) => assertEqual(await b.get('missing'), NO_VALUE, 'get(missing)')),
  },
  {
    name: 'set then get returns the same payload and metadata, for every JSON-like payload',
    run: (t) =>
      withBackend(t, async (b) => {
        for (const [label, payload] of payloads) {
          const stored = value(payload, 1_700_000_000_000.5);
          await b.set(`key:${label}`, stored);
          assertCachedValue(await b.get(`key:${label}`), stored, `get(${label})`);
        }
      }),
  },
  {
    name: 'set overwrites',
    run: (t) =>
      withBackend(t, async (b) => {
        await b.set('k', value('one'));
        const second = value('two');
        await b.set('k', second);
        assertCachedValue(await b.get('k'), second, 'get after overwrite');
      }),
  },
  {
    name: 'delete removes; deleting a missing key is not an error',
    run: (t) =>
      withBackend(t, async (b) => {
        await b.set('k', value('v'));
        await b.delete('k');
        assertEqual(await b.get('k'), NO_VALUE, 'get after delete');
        await b.delete('never-set');
      }),
  },
  {
    name: 'keys with unusual characters are kept apart',
    run: (t) =>
      withBackend(t, async (b) => {
        const keys = ['a b', 'a:b', 'a|b', 'ünï', 'x'.repeat(500), 'A b', ''];
        for (const [i, key] of keys.entries()) await b.set(key, value(i));
        for (const [i, key] of keys.entries()) assertCachedValue(await b.get(key), value(i, (await b.get(key) as CachedValue).metadata.ct), `get(${JSON.stringify(key.slice(0, 20))})`);
      }),
  },
  {
    name: 'getMulti returns values in the order asked, NO_VALUE for missing keys',
    run: (t) =>
      withBackend(t, async (b) => {
        const one = value(1);
        const three = value(3);
        await b.set('one', one);
        await b.set('three', three);
        const got = await b.getMulti(['three', 'two', 'one', 'three']);
        assertEqual(got.length, 4, 'getMulti length');
        assertCachedValue(got[0]!, three, 'getMulti[0]');
        assertEqual(got[1], NO_VALUE, 'getMulti[1]');
        assertCachedValue(got[2]!, one, 'getMulti[2]');
        assertCachedValue(got[3]!, three, 'getMulti[3]');
        assertEqual(await b.getMulti([]), [], 'getMulti([])');
      }),
  },
  {
    name: 'setMulti and deleteMulti act on every key',
    run: (t) =>
      withBackend(t, async (b) => {
        const mapping = new Map<string, StoredValue>(Array.from({ length: 25 }, (_, i) => [`k${i}`, value({ i })]));
        await b.setMulti(mapping);
        const got = await b.getMulti([...mapping.keys()]);
        got.forEach((item, i) => assertCachedValue(item, mapping.get(`k${i}`) as CachedValue, `getMulti after setMulti [${i}]`));
        await b.deleteMulti(['k0', 'k1', 'k24', 'absent']);
        const after = await b.getMulti(['k0', 'k1', 'k2', 'k24']);
        assertEqual(after[0], NO_VALUE, 'k0 deleted');
        assertEqual(after[1], NO_VALUE, 'k1 deleted');
        assertCachedValue(after[2]!, mapping.get('k2') as CachedValue, 'k2 kept');
        assertEqual(after[3], NO_VALUE, 'k24 deleted');
      }),
  },
  {
    name: 'serialized values (strings and bytes) come back as stored',
    run: (t) =>
      withBackend(t, async (b) => {
        await b.set('text', 'serialized|text');
        assertEqual(await b.get('text'), 'serialized|text', 'string round trip');
        await b.set('bytes', new Uint8Array([0, 1, 2, 250, 255]));
        const bytes = await b.get('bytes');
        if (!(bytes instanceof Uint8Array)) fail(`bytes round trip: expected a Uint8Array, got ${show(bytes)}`);
        assertEqual([...bytes], [0, 1, 2, 250, 255], 'bytes round trip');
      }),
  },
  {
    name: 'keys() lists stored keys',
    requires: 'keys',
    run: (t) =>
      withBackend(t, async (b) => {
        await b.set('listed-1', value(1));
        await b.set('listed-2', value(2));
        await b.delete('listed-2');
        const listed: string[] = [];
        const keys = await b.keys!();
        for await (const key of (keys ?? []) as AsyncIterable<string> | string[]) listed.push(key);
        if (!listed.includes('listed-1')) fail(`keys() should list "listed-1", got ${show(listed)}`);
        if (listed.includes('listed-2')) fail('keys() should not list a deleted key');
      }),
  },
  {
    name: 'clear() removes every entry, says how many, and the backend works on',
    requires: 'clear',
    run: (t) =>
      withBackend(t, async (b) => {
        await b.setMulti(new Map<string, StoredValue>([['c-1', value(1)], ['c-2', value(2)], ['c-3', 'serialized']]));
        assertEqual(await b.clear!(), 3, 'clear() count');
        assertEqual(await b.getMulti(['c-1', 'c-2', 'c-3']), [NO_VALUE, NO_VALUE, NO_VALUE], 'getMulti after clear()');
        if (b.keys) assertEqual([...((await b.keys()) as string[])], [], 'keys() after clear()');
        assertEqual(await b.clear!(), 0, 'clear() of an empty backend');
        const again = value(4);
        await b.set('c-4', again);
        assertCachedValue(await b.get('c-4'), again, 'set after clear()');
      }),
  },
  {
    name: 'maxEntries: writes past the cap remove the least recently written entries',
    requires: 'maxEntries',
    run: async (t) => {
      const b = await t.createCapped!(3);
      try {
        for (const key of ['m-1', 'm-2', 'm-3']) await b.set(key, value(key));
        await b.set('m-1', value('m-1 again')); // written again: now the most recent
        await b.set('m-4', value('m-4'));
        const got = await b.getMulti(['m-1', 'm-2', 'm-3', 'm-4']);
        assertEqual(got.map((v) => (v === NO_VALUE ? 'gone' : (v as CachedValue).payload)), ['m-1 again', 'gone', 'm-3', 'm-4'], 'after one write past the cap');
        await b.setMulti(new Map([['m-5', value('m-5')], ['m-6', value('m-6')]]));
        const after = await b.getMulti(['m-1', 'm-3', 'm-4', 'm-5', 'm-6']);
        assertEqual(after.map((v) => (v === NO_VALUE ? 'gone' : (v as CachedValue).payload)), ['gone', 'gone', 'm-4', 'm-5', 'm-6'], 'after setMulti past the cap');
      } finally {
        await t.dispose?.(b);
      }
    },
  },
  {
    name: 'the backend mutex excludes a second holder until released',
    requires: 'mutex',
    run: (t) =>
      withBackend(t, async (b) => {
        const first = b.getMutex('locked-key')!;
        const second = b.getMutex('locked-key')!;
        assertEqual(await first.acquire(false), true, 'first acquire');
        assertEqual(await first.locked(), true, 'locked() while held');
        assertEqual(await second.acquire(false), false, 'second acquire(false) while held');
        let granted = false;
        const waiting = second.acquire(true).then((ok) => (granted = ok));
        await new Promise((resolve) => setTimeout(resolve, 20));
        assertEqual(granted, false, 'a blocking acquire waits while held');
        first.release();
        await waiting;
        assertEqual(granted, true, 'a blocking acquire gets the lock after release');
        second.release();
        assertEqual(await b.getMutex('locked-key')!.locked(), false, 'locked() after release');
      }),
  },
  {
    name: 'region: getOrCreate creates once, then hits; get sees it',
    run: (t) =>
      withRegion(t, async (region) => {
        let calls = 0;
        const made = await region.getOrCreate('user:1', () => {
          calls++;
          return { id: 1 };
        });
        assertEqual(made, { id: 1 }, 'created value');
        assertEqual(await region.getOrCreate('user:1', () => ({ id: -1 })), { id: 1 }, 'second getOrCreate');
        assertEqual(calls, 1, 'creator calls');
        assertEqual(await region.get('user:1'), { id: 1 }, 'get');
      }),
  },
  {
    name: 'region: 50 concurrent getOrCreate of a missing key run the creator once',
    run: (t) =>
      withRegion(t, async (region) => {
        let calls = 0;
        const creator = async () => {
          calls++;
          await new Promise((resolve) => setTimeout(resolve, 10));
          return 'made';
        };
        const values = await Promise.all(Array.from({ length: 50 }, () => region.getOrCreate('stampede', creator)));
        assertEqual(calls, 1, 'creator calls');
        assertEqual(new Set(values).size, 1, 'every caller got the value');
      }),
  },
  {
    name: 'region: a string serializer applies to this backend',
    run: (t) =>
      withRegion(
        t,
        async (region, backend) => {
          await region.set('k', { n: 1 });
          const raw = await backend.get('k');
          if (typeof raw !== 'string') fail(`backend should hold the serializer's string, got ${show(raw)}`);
          assertEqual(await region.get('k'), { n: 1 }, 'get through deserializer');
        },
        {
          serializer: (cv) => JSON.stringify({ p: cv.payload, m: cv.metadata }),
          deserializer: (data) => {
            const parsed = JSON.parse(String(data));
            return new CachedValue(parsed.p, parsed.m);
          },
        },
      ),
  },
  {
    name: 'region: getMulti, setMulti, deleteMulti and invalidate',
    run: (t) =>
      withRegion(t, async (region) => {
        await region.setMulti({ a: 1, b: 2 });
        assertEqual(await region.getMulti(['a', 'b', 'c']), [1, 2, NO_VALUE], 'getMulti');
        await region.deleteMulti(['a']);
        assertEqual(await region.get('a'), NO_VALUE, 'deleted');
        await region.invalidate();
        assertEqual(await region.get('b'), NO_VALUE, 'hard-invalidated');
        let calls = 0;
        assertEqual(await region.getOrCreate('b', () => (calls++, 3)), 3, 'regenerated after invalidation');
        assertEqual(calls, 1, 'creator calls');
      }),
  },
];

/** Runs every applicable check against `target` and reports each outcome (never throws). */
export async function runConformance(target: ConformanceTarget, checks: ConformanceCheck[] = backendChecks): Promise<ConformanceResult[]> {
  const results: ConformanceResult[] = [];
  const probe = await target.create();
  const applicable = applicableChecks(probe, checks, target);
  await target.dispose?.(probe);
  for (const check of applicable) {
    try {
      await check.run(target);
      results.push({ name: check.name, ok: true });
    } catch (error) {
      results.push({ name: check.name, ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
  return results;
}
