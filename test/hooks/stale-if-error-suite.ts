// What both useCachedValue hooks (Preact, React) show when regenerating a
// stale value fails and the region serves the stale value instead
// (`staleIfError`): status `stale`, the value, and the creator's error.
//
// The region here keeps that contract with a stand-in: its getOrCreate
// resolves with the stored value when the creator of a stale value fails
// (the region itself has already emitted the `error` event for the key, as
// it does for every failing creator).
import { describe, expect, test, vi } from 'vitest';
import { makeRegion, type CacheRegion, type MaybePromise } from '../../src/index.js';

interface HookProps {
  region: CacheRegion;
  cacheKey: string;
  creator: () => MaybePromise<string>;
}

/** What the suite needs of a mounted hook. */
export interface MountedStaleHook {
  latest(): { key: string | undefined; status: string; value: unknown; error: unknown; reload(): Promise<void> };
  unmount(): Promise<void>;
}

let n = 0;

/** A memory region whose getOrCreate serves the stored (stale) value when the creator fails. */
function staleIfErrorRegion(): CacheRegion {
  const region = makeRegion({ name: `stale-if-error-${n++}` }).configure('memory', { expirationTime: 60_000 });
  const getOrCreate = region.getOrCreate.bind(region) as (key: string, creator: () => unknown, options?: object) => Promise<unknown>;
  (region as { getOrCreate: unknown }).getOrCreate = async (key: string, creator: () => unknown, options?: object) => {
    try {
      return await getOrCreate(key, creator, options);
    } catch (error) {
      const stored = (await region.peekStored(key)).value;
      if (!stored) throw error;
      return stored.payload;
    }
  };
  return region;
}

/** Registers the stale-if-error tests for one hook. */
export function staleIfErrorSuite(name: string, mount: (props: HookProps) => Promise<MountedStaleHook>, flush: () => Promise<void>): void {
  describe(`${name} when the region serves a stale value because its creator failed`, () => {
    test('shows status stale with the value and the creator error, not error; a later success shows fresh without it', async () => {
      const region = staleIfErrorRegion();
      await region.set('user', 'old');
      const down = new Error('API answered 500');
      let failing = true;
      const calls: string[] = [];
      const view = await mount({
        region,
        cacheKey: 'user',
        creator: async () => {
          calls.push(failing ? 'fail' : 'ok');
          if (failing) throw down;
          return 'new';
        },
      });
      await vi.waitFor(() => expect(view.latest()).toMatchObject({ status: 'fresh', value: 'old', error: undefined }));
      const errors: unknown[] = [];
      region.subscribe((event) => {
        if (event.type === 'error' && event.operation === 'creator') errors.push(event.error);
      });
      // Soft invalidation: the value is stale, the next read regenerates it.
      await region.invalidate(false);
      await vi.waitFor(() => expect(calls).toEqual(['fail']));
      await vi.waitFor(() => expect(view.latest()).toMatchObject({ key: 'user', status: 'stale', value: 'old', error: down }));
      await flush();
      expect(view.latest()).toMatchObject({ status: 'stale', value: 'old', error: down });
      expect(errors).toEqual([down]);
      failing = false;
      await view.latest().reload();
      await vi.waitFor(() => expect(view.latest()).toMatchObject({ status: 'fresh', value: 'new', error: undefined }));
      await view.unmount();
    });

    test('another caller whose creator fails: the hook that shows the stale value meanwhile gets the error attached', async () => {
      const region = staleIfErrorRegion();
      await region.set('user', 'old');
      await region.invalidate(false);
      let fail!: (error: unknown) => void;
      // Another caller holds the lock and regenerates.
      const other = region.getOrCreate('user', () => new Promise<string>((_, reject) => (fail = reject)));
      await vi.waitFor(() => expect(fail).toBeTypeOf('function'));
      const ownCalls: number[] = [];
      const view = await mount({ region, cacheKey: 'user', creator: () => (ownCalls.push(1), 'mine') });
      await vi.waitFor(() => expect(view.latest()).toMatchObject({ status: 'stale', value: 'old', error: undefined }));
      const down = new Error('API answered 500');
      fail(down);
      expect(await other).toBe('old');
      await vi.waitFor(() => expect(view.latest()).toMatchObject({ status: 'stale', value: 'old', error: down }));
      await flush();
      expect(view.latest()).toMatchObject({ status: 'stale', value: 'old', error: down });
      expect(ownCalls).toEqual([]);
      await view.unmount();
    });

    test('without staleIfError (getOrCreate rejects), a failing creator still shows status error with the last value', async () => {
      const region = makeRegion({ name: `stale-if-error-${n++}` }).configure('memory', { expirationTime: 60_000 });
      await region.set('user', 'old');
      await region.invalidate(false);
      const down = new Error('API answered 500');
      const view = await mount({ region, cacheKey: 'user', creator: () => Promise.reject(down) });
      await vi.waitFor(() => expect(view.latest()).toMatchObject({ status: 'error', value: 'old', error: down }));
      await view.unmount();
    });
  });
}
