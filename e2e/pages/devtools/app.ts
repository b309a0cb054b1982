// A page that uses the library for real and opts into the devtools:
// `users` in memory (behind a proxy), `posts` in IndexedDB.
import { NO_VALUE, ProxyBackend, makeRegion, type CacheRegion } from 'dogpile-cache';
import { tabId } from 'dogpile-cache/browser';
import { inspect } from 'dogpile-cache/devtools';

/** A pass-through proxy, so the panel has a backend chain to show. */
class AuditProxy extends ProxyBackend {}

const users = makeRegion({ name: 'users' }).configure('memory', { expirationTime: 60_000, wrap: [AuditProxy] });
// `?db=name` gives a spec a database of its own, so its writes and invalidations do not reach other specs.
const dbName = new URLSearchParams(location.search).get('db') ?? 'devtools-e2e';
const posts = makeRegion({ name: 'posts' }).configure('indexeddb', {
  expirationTime: 300_000,
  arguments: { dbName, storeName: 'posts' },
});

const creations = { users: 0, posts: 0 };

async function populate(): Promise<void> {
  for (const id of ['ada', 'grace', 'linus']) {
    await users.getOrCreate(`user:${id}`, () => {
      creations.users++;
      return { id, name: id[0]!.toUpperCase() + id.slice(1), roles: ['admin', 'dev'], bio: 'x'.repeat(3000) };
    });
  }
  for (const id of [1, 2]) {
    await posts.getOrCreate(`post:${id}`, () => {
      creations.posts++;
      return { id, title: `Post ${id}` };
    });
  }
}

declare global {
  interface Window {
    devtoolsDemo: {
      users: CacheRegion;
      posts: CacheRegion;
      creations: typeof creations;
      NO_VALUE: typeof NO_VALUE;
      /** The IndexedDB database of `posts` (`?db=` in the page's address). */
      dbName: string;
      /** This tab's origin id, as other tabs' change events name it. */
      tabId: string;
      ready: Promise<void>;
      /** For tests that need a region of their own, inspected like the others. */
      makeRegion: typeof makeRegion;
      inspect: typeof inspect;
    };
  }
}

// Register the regions first and start the inspector after populating, so
// both orders (regions queued before / events after) are exercised.
const ready = populate().then(() => {
  inspect(users, posts);
});
window.devtoolsDemo = { users, posts, creations, NO_VALUE, dbName, tabId: tabId(), ready, makeRegion, inspect };
