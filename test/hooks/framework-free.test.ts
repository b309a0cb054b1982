// The entry state machine both UI bindings share (src/hooks) is framework-free:
// nothing it imports, directly or through the modules it imports, is React or
// Preact (tsconfig.core.json also compiles it without DOM or Node types).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every bare module specifier reachable from `file` through its relative imports (type-only ones included). */
function bareImports(file: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(file)) return out;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const match of source.matchAll(/^\s*(?:import|export)\b[^'";]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm)) {
    const spec = match[1] ?? match[2]!;
    if (spec.startsWith('.')) for (const inner of bareImports(join(dirname(file), spec.replace(/\.js$/, '.ts')), seen)) out.add(inner);
    else out.add(spec);
  }
  return out;
}

describe('src/hooks', () => {
  it('imports neither React nor Preact, directly or indirectly', () => {
    const seen = new Set<string>();
    const specs = [...bareImports(src + 'hooks/index.ts', seen)];
    expect(seen.size).toBeGreaterThan(5); // it did follow the relative imports
    expect(specs.filter((spec) => /^(react|react-dom|preact)($|\/)/.test(spec))).toEqual([]);
  });

  it('the checker sees a framework import where there is one (the React entry)', () => {
    expect([...bareImports(src + 'react/index.ts')]).toContain('react');
  });
});
