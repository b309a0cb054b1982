import { CacheBackend, MemoryBackend, ProxyBackend, makeRegion, type RegionEvent, type RegionOptions, type StoredValue, type NoValue, type ConfigureOptions } from 'dogpile-cache';

/** A promise with its resolve/reject exposed. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_700_000_000_000) {
  const clock = { now: start, advance: (ms: number) => (clock.now += ms), read: () => clock.now };
  return clock;
}

/** Counts backend calls by method. */
export class CountingProxy extends ProxyBackend {
  calls: Record<string, number> = {};
  #count(name: string) {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
  }
  override get(key: string): Promise<StoredValue | NoValue> {
    this.#count('get');
    return super.get(key);
  }
  override getMulti(keys: readonly string[]) {
    this.#count('getMulti');
    return super.getMulti(keys);
  }
  override set(key: string, value: StoredValue) {
    this.#count('set');
    return super.set(key, value);
  }
  override setMulti(mapping: ReadonlyMap<string, StoredValue>) {
    this.#count('setMulti');
    return super.setMulti(mapping);
  }
}

/** A memory region with a manual clock, a counting proxy and an event log. */
export function testRegion(options: RegionOptions = {}, configure: ConfigureOptions = { expirationTime: 1000 }) {
  const clock = manualClock();
  const dict = new Map<string, StoredValue>();
  const counter = new CountingProxy();
  const region = makeRegion({ name: 'test', now: clock.read, ...options }).configure(new MemoryBackend({ cacheDict: dict }), {
    ...configure,
    wrap: [counter, ...(configure.wrap ?? [])],
  });
  const events: RegionEvent[] = [];
  region.subscribe((event) => events.push(event));
  const types = (key?: string) => events.filter((e) => key === undefined || ('key' in e && e.key === key)).map((e) => e.type);
  return { region, clock, dict, counter, events, types };
}

/** Lets pending promise callbacks run. */
export const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A backend whose writes always fail. */
export class FailingWriteBackend extends MemoryBackend {
  override set(): Promise<void> {
    return Promise.reject(new Error('disk full'));
  }
  override setMulti(): Promise<void> {
    return Promise.reject(new Error('disk full'));
  }
}

export type { CacheBackend };
