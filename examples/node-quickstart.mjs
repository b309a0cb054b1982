// A small tour of the core, run by `npm start` in Node.
import { makeRegion } from 'dogpile-cache';

const region = makeRegion({ name: 'quickstart' }).configure('memory', { expirationTime: 1_000 });

let calls = 0;
async function loadUser(id) {
  calls++;
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { id, name: `user ${id}` };
}

const users = await Promise.all(Array.from({ length: 100 }, () => region.getOrCreate('user:1', () => loadUser(1))));
console.log(`100 concurrent getOrCreate calls -> creator ran ${calls} time(s); value: ${JSON.stringify(users[0])}`);

const cachedLoadUser = region.cacheOnArguments({ namespace: 'v1' })(loadUser);
await cachedLoadUser(2);
await cachedLoadUser(2);
console.log(`cacheOnArguments: two calls -> creator ran ${calls - 1} more time(s); key "loadUser|v1|2"`);

await region.invalidate(false);
const before = calls;
const [regenerated, stale] = await Promise.all([
  region.getOrCreate('user:1', async () => ({ ...(await loadUser(1)), name: 'user 1 (regenerated)' })),
  region.getOrCreate('user:1', () => loadUser(1)),
]);
console.log(`soft invalidation -> one caller regenerated ("${regenerated.name}"), the other got the stale value ("${stale.name}"); creator calls: ${calls - before}`);
console.log('stats:', region.stats);
