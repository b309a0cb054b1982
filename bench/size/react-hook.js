// A React app over the memory core: one component reading a region entry with useCachedValue (react is the app's).
import { createElement } from 'react';
import { makeRegion } from 'dogpile-cache';
import { useCachedValue } from 'dogpile-cache/react';

const users = makeRegion({ name: 'users' }).configure('memory', { expirationTime: 60_000 });

export function UserName({ id }) {
  const user = useCachedValue(users, `user:${id}`, () => fetch(`/api/users/${id}`).then((response) => response.json()));
  return createElement('span', null, user.status === 'error' ? 'error' : (user.value?.name ?? '…'));
}
