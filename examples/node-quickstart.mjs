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
console.log('soft invalidation -> stale value served while one caller regenerates:', (await region.getOrCreate('user:1', () => loadUser(1))).name);
console.log('stats:', region.stats);
