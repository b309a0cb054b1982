// The same function with the namespace the README recommends for minified code.
import { region } from './region.js';

export const loadUser = region.cacheOnArguments({ namespace: 'users' })(async function loadUser(id: number) {
  return { kind: 'user', id, name: `User ${id}` };
});
