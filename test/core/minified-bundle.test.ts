// Cached functions in a minified production bundle: two modules' functions
// either keep distinct keys or are refused when decorated, and never return
// each other's values (a minifier may rename both to `e`, or drop the names).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Rollup } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const src = fileURLToPath(new URL('../../src/', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'dogpile-minified-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Bundles `entry` with the library, minified as a production build would be, and imports it. */
async function bundle(entry: string): Promise<{ code: string; load: () => Promise<{ run: () => Promise<{ user: any; post: any; keys: string[] }> }> }> {
  const result = (await build({
    configFile: false,
    logLevel: 'silent',
    resolve: { alias: [{ find: /^dogpile-cache$/, replacement: join(src, 'index.ts') }] },
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      lib: { entry: join(here, 'minified', entry), formats: ['es'], fileName: 'bundle' },
    },
  })) as Rollup.RollupOutput[];
  const chunks = result[0]!.output.filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
  const chunk = chunks.find((o) => o.isEntry)!;
  // Every chunk, as the app would deploy them (rarely used methods load theirs on first use).
  const dir = join(outDir, entry);
  mkdirSync(dir, { recursive: true });
  for (const other of chunks) writeFileSync(join(dir, other.fileName), other.code);
  const file = join(dir, chunk.fileName);
  return { code: chunk.code, load: () => import(/* @vite-ignore */ pathToFileURL(file).href) };
}

describe('a minified bundle of two modules with cached functions', () => {
  it('without namespaces: refused at decoration, or distinct keys; never the other function’s value', async () => {
    const { code, load } = await bundle('entry.ts');
    // The minifier did its job: the functions' own names are gone from the code.
    expect(code).not.toMatch(/function loadUser\b/);
    let loaded: Awaited<ReturnType<typeof load>> | undefined;
    let refused: unknown;
    try {
      loaded = await load();
    } catch (error) {
      refused = error;
    }
    if (refused !== undefined) {
      expect((refused as Error).name).toBe('ValidationError');
      expect((refused as Error).message).toMatch(/namespace/);
      return;
    }
    const { user, post, keys } = await loaded!.run();
    expect(user.kind).toBe('user');
    expect(post.kind).toBe('post');
    expect(new Set(keys).size).toBe(2);
  }, 60_000);

  it('with a namespace on each: works, with distinct keys', async () => {
    const { load } = await bundle('entry-ns.ts');
    const { user, post, keys } = await (await load()).run();
    expect(user).toMatchObject({ kind: 'user', id: 5 });
    expect(post).toMatchObject({ kind: 'post', id: 5 });
    expect(keys).toHaveLength(2);
    expect(keys.some((k) => k.includes('|users|'))).toBe(true);
    expect(keys.some((k) => k.includes('|posts|'))).toBe(true);
  }, 60_000);
});
