// Type checks (run by `tsc -p tsconfig.json`, not by vitest): the hooks'
// results are a union on `status`, so `value` is usable exactly where it exists.
import type { CacheRegion } from '../../src/index.js';
import * as preact from '../../src/preact/index.js';
import * as react from '../../src/react/index.js';

interface User {
  name: string;
}
declare const region: CacheRegion;
declare const fetchUser: () => Promise<User>;
declare const maybeKey: string | null;

export function reactResult(): string {
  const user = react.useCachedValue(region, 'user:1', fetchUser);
  // @ts-expect-error value may be undefined while loading
  void user.value.name;
  if (user.status === 'loading') return 'loading';
  if (user.status === 'error' && !user.value) return String(user.error);
  // A string key is never idle: fresh, stale or error with a value remain.
  return user.value.name;
}

export function reactDestructured(): string {
  const { value, status, error } = react.useCachedValue(region, 'user:1', fetchUser);
  if (status === 'loading') return 'loading';
  if (status === 'error' && !value) return String(error);
  return value.name;
}

export function reactNullableKey(): string {
  const user = react.useCachedValue(region, maybeKey, fetchUser);
  if (user.status === 'fresh' || user.status === 'stale') return user.value.name;
  // @ts-expect-error idle and loading have no value
  return user.value.name;
}

export function reactSuspense(): string {
  // Always a value.
  return react.useSuspenseCachedValue(region, 'user:1', fetchUser).value.name;
}

export function preactResult(): string {
  const { value, status, error } = preact.useCachedValue(region, 'user:1', fetchUser);
  if (status === 'loading') return 'loading';
  if (status === 'error' && !value) return String(error);
  return value.name;
}

export function preactNullableKey(): string {
  const user = preact.useCachedValue(region, maybeKey, fetchUser);
  if (user.status === 'idle') return 'idle';
  // @ts-expect-error loading has no value
  return user.value.name;
}
