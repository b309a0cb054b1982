// An app that caches in IndexedDB: the core plus the `indexeddb` entry, which registers that backend alone.
import { makeRegion } from 'dogpile-cache';
import 'dogpile-cache/indexeddb';

const users = makeRegion({ name: 'users' }).configure('indexeddb', { expirationTime: 60_000 });

export const getUser = (id) => users.getOrCreate(`user:${id}`, () => fetch(`/api/users/${id}`).then((response) => response.json()));
