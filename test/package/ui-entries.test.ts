// The UI entries of the built package: each imports only its own framework,
// and the state machine they share imports neither.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every bare module a built file imports, following its relative imports (shared chunks). */
function bareImports(file: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(file)) return out;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const match of source.matchAll(/^(?:import|export)\b[^'"]*?from\s*["']([^"']+)["']|^import\s*["']([^"']+)["']/gm)) {
    const spec = match[1] ?? match[2]!;
    if (spec.startsWith('.')) for (const inner of bareImports(join(dirname(file), spec), seen)) out.add(inner);
    else out.add(spec);
  }
  return out;
}

describe('the built React and Preact entries', () => {
  it('have been built', () => {
    expect(existsSync(root + 'dist/react.js'), 'run `npm run build` first').toBe(true);
    expect(existsSync(root + 'dist/react/index.d.ts')).toBe(true);
  });

  it('dogpile-cache/react imports React and never Preact; dogpile-cache/preact the other way round', () => {
    const react = [...bareImports(root + 'dist/react.js')];
    const preact = [...bareImports(root + 'dist/preact.js')];
    expect(react).toContain('react');
    expect(react.filter((spec) => spec.startsWith('preact'))).toEqual([]);
    expect(preact.filter((spec) => /^react($|-dom|\/)/.test(spec))).toEqual([]);
  });

  it('imports by name in Node (a server render reads nothing)', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
        import { createElement } from 'react';
        import { renderToString } from 'react-dom/server';
        import { makeRegion } from 'dogpile-cache';
        import { useCachedValue } from 'dogpile-cache/react';
        const region = makeRegion({ name: 'pkg' }).configure('memory');
        const Probe = () => createElement('i', null, useCachedValue(region, 'k', () => 'v').status);
        console.log(renderToString(createElement(Probe)));
      `,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('<i>loading</i>');
  });
});
