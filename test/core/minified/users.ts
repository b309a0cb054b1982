// One module's cached function, written as the README shows (no namespace).
import { region } from './region.js';

export const loadUser = region.cacheOnArguments()(async function loadUser(id: number) {
  return { kind: 'user', id, name: `User ${id}` };
});
