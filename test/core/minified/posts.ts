// Another module's cached function, also without a namespace.
import { region } from './region.js';

export const loadPost = region.cacheOnArguments()(async function loadPost(id: number) {
  return { kind: 'post', id, title: `Post ${id}` };
});
