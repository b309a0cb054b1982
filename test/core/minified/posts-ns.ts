// The other function, with a namespace of its own.
import { region } from './region.js';

export const loadPost = region.cacheOnArguments({ namespace: 'posts' })(async function loadPost(id: number) {
  return { kind: 'post', id, title: `Post ${id}` };
});
