// What an app that caches in memory writes: one region, one getOrCreate.
import { makeRegion } from 'dogpile-cache';

const users = makeRegion({ name: 'users' }).configure('memory', { expirationTime: 60_000 });

export const getUser = (id) => users.getOrCreate(`user:${id}`, () => fetch(`/api/users/${id}`).then((response) => response.json()));
