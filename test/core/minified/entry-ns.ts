// What the test bundles: both modules, and a function that calls each once.
import { loadPost } from './posts-ns.js';
import { region } from './region.js';
import { loadUser } from './users-ns.js';

export async function run(): Promise<{ user: unknown; post: unknown; keys: string[] }> {
  const user = await loadUser(5);
  const post = await loadPost(5);
  const keys = [...(region.actualBackend as unknown as { cache: Map<string, unknown> }).cache.keys()];
  return { user, post, keys };
}
