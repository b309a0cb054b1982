// An app that caches in localStorage: the core plus the `localstorage` entry, which registers that backend alone.
import { makeRegion } from 'dogpile-cache';
import 'dogpile-cache/localstorage';

const users = makeRegion({ name: 'users' }).configure('localstorage', { expirationTime: 60_000 });

export const getUser = (id) => users.getOrCreate(`user:${id}`, () => fetch(`/api/users/${id}`).then((response) => response.json()));
