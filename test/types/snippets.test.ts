// The documentation's every code block compiles: each ```ts/```tsx/```js/```jsx
// block of README.md and docs/*.md is type-checked on its own against the
// built declarations (dist/, run `npm run build` first), skipLibCheck off,
// with only the PRELUDE of snippets.ts (the app's User and fetchUser) given;
// lib dom and Node's types, or webworker when the first line names a worker script.
// Blocks that are not code say so with their fence: ```sh, ```bash, ```text.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSnippet, COMPILED, documentationSnippets, extractSnippets, INDENTED, NOT_COMPILED, root, type Snippet } from './snippets';

const snippets = documentationSnippets();
const compiled = snippets.filter((snippet) => COMPILED.has(snippet.lang));
const slow = { timeout: 120_000 };

describe('the documentation', () => {
  it('is checked against the built package', () => {
    expect(existsSync(root + 'dist/index.d.ts'), 'run `npm run build` first').toBe(true);
  });

  it('marks every code block with a language (compiled, or sh/bash/text)', () => {
    const unknown = snippets.filter((s) => !COMPILED.has(s.lang) && !NOT_COMPILED.has(s.lang)).map((s) => `${s.where}: \`\`\`${s.lang}`);
    expect(unknown).toEqual([]);
    expect(compiled.length).toBeGreaterThan(10);
  });

  it.each(compiled.map((snippet) => [snippet.where, snippet] as const))('%s compiles', slow, (_where, snippet) => {
    expect(checkSnippet(snippet)).toEqual([]);
  });
});

describe('the snippet checker', () => {
  const one = (markdown: string): Snippet => extractSnippets(markdown, 'TEST.md')[0]!;

  it('reports a name the package does not export, at its line in the Markdown', slow, () => {
    const errors = checkSnippet(one("Intro\n\n```ts\nimport { makeRegoin } from 'dogpile-cache';\nmakeRegoin();\n```\n"));
    expect(errors.join('\n')).toMatch(/^TEST\.md:4: error TS2724: .*'makeRegoin'/m);
  });

  it("reports a forgotten variable whose name is also a DOM global (window.name, window.status)", slow, () => {
    const errors = checkSnippet(one("```ts\nimport { makeRegion } from 'dogpile-cache';\nconst region = makeRegion({ name }).configure('memory');\nif (status) void region;\nconst user = { name: 'Ada', status: 'ok' };\nvoid user.name;\n```\n"));
    expect(errors.filter((error) => error.includes("DOM's global"))).toEqual([
      "TEST.md:3: error: 'name' is the DOM's global window.name here: declare or import it in the snippet",
      "TEST.md:4: error: 'status' is the DOM's global window.status here: declare or import it in the snippet",
    ]);
  });

  it('compiles a worker script (first line `// name-worker.ts`) with the webworker lib, where there is no window', slow, () => {
    const code = "import { makeRegion } from 'dogpile-cache';\nimport { exposeRegion } from 'dogpile-cache/worker';\nexposeRegion(makeRegion().configure('memory'), self);\n";
    expect(checkSnippet(one('```ts\n// cache-worker.ts\n' + code + '```\n'))).toEqual([]);
    expect(checkSnippet(one('```ts\n// cache-worker.ts\n' + code + 'window.name;\n```\n')).join('\n')).toMatch(/^TEST\.md:6: error TS2304: Cannot find name 'window'/);
    expect(checkSnippet(one('```ts\n// page\n' + code + 'window.name;\n```\n'))).toEqual([]);
  });

  it('checks ```js blocks too', slow, () => {
    const errors = checkSnippet(one("```js\nimport { makeRegion } from 'dogpile-cache';\nmakeRegion().configure('memroy');\n```\n"));
    expect(errors.join('\n')).toMatch(/^TEST\.md:3: error TS2769: [^]*'"memroy"'/);
  });

  it('reports a method the API does not have and an undeclared variable', slow, () => {
    const errors = checkSnippet(one("```ts\nimport { makeRegion } from 'dogpile-cache';\nconst region = makeRegion().configure('memory');\nawait region.getOrMake(key, () => 1);\n```\n"));
    expect(errors).toContainEqual(expect.stringMatching(/^TEST\.md:4: error TS2339: Property 'getOrMake' does not exist on type 'CacheRegion'/));
    expect(errors).toContainEqual(expect.stringMatching(/^TEST\.md:4: error TS2304: Cannot find name 'key'/));
  });

  it("gives each block its own program: 'indexeddb' needs the block's own import of dogpile-cache/browser", slow, () => {
    const code = "import { makeRegion } from 'dogpile-cache';\nmakeRegion().configure('indexeddb');\n";
    expect(checkSnippet(one("```ts\nimport 'dogpile-cache/browser';\n" + code + '```\n'))).toEqual([]);
    expect(checkSnippet(one('```ts\n' + code + '```\n')).join('\n')).toMatch(/^TEST\.md:3: error TS2769: [^]*Argument of type '"indexeddb"' is not assignable to parameter of type 'BackendName'/);
  });

  it('type-checks JSX against the framework the block imports', slow, () => {
    const preact = "```tsx\nimport { render } from 'preact';\nrender(<p class=\"x\" />, document.body);\n```\n";
    expect(checkSnippet(one(preact))).toEqual([]);
    const react = "```tsx\nimport { createRoot } from 'react-dom/client';\ncreateRoot(document.body).render(<p class=\"x\" />);\n```\n";
    expect(checkSnippet(one(react)).join('\n')).toMatch(/^TEST\.md:3: error TS2322: [^]*Property 'class' does not exist/);
  });

  it('reads fences indented in lists and refuses one never closed', () => {
    const [snippet] = extractSnippets('1. Step:\n\n   ```ts\n   const a = 1;\n   ```\n', 'TEST.md');
    expect(snippet).toEqual({ where: 'TEST.md:3', lang: 'ts', code: 'const a = 1;\n', firstLine: 4 });
    expect(extractSnippets('```tsx title="app.tsx"\n<p />\n```\n```toString\nx\n```\n', 'TEST.md').map((s) => s.lang)).toEqual(['tsx', 'toString']);
    expect(COMPILED.has('toString')).toBe(false);
    expect(() => extractSnippets('```ts\nconst a = 1;\n', 'TEST.md')).toThrow(/TEST\.md:1: a code block that is never closed/);
  });

  it('finds indented code blocks (which have no language) but not the lines of a list item', () => {
    const markdown = 'Text.\n\n    npm run bench\n    npm test\n\nMore.\n\n- item\n\n    more of the item\n';
    expect(extractSnippets(markdown, 'TEST.md')).toEqual([{ where: 'TEST.md:3', lang: INDENTED, code: 'npm run bench\nnpm test\n', firstLine: 3 }]);
  });
});
