// Size budgets of the thin core: each app bundle (bench/size/, bundled from
// the sources by esbuild, minified and tree-shaken, min+gzip level 9) must
// stay within its limit. Sizes, not timing: the same tree gives the same bytes.
// The bench's size table measures with the same module (scripts/bundle-size.mjs).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeBudgets, measureBudgets, ROOT, SIZE_BUDGETS, type BudgetResult } from '../../scripts/bundle-size.mjs';

let results: BudgetResult[] = [];

beforeAll(async () => {
  results = await measureBudgets();
  // The figures, whatever the verdicts (vitest shows them with the run).
  console.log(`bundle sizes (esbuild, min+gzip):\n${describeBudgets(results)}`);
}, 60_000);

describe('bundle size budgets (esbuild, from the sources)', () => {
  it.each(SIZE_BUDGETS.map((budget) => [budget.id, budget] as const))('%s stays within its budget', (id, budget) => {
    const result = results.find((candidate) => candidate.id === id);
    expect(result, `${id} was not measured`).toBeDefined();
    const figures = result!.gzip === undefined ? 'not bundled' : `${result!.gzip} bytes min+gzip${result!.added === undefined ? '' : ` (+${result!.added} over ${budget.over})`}`;
    expect(result!.problems, `${budget.label} (${budget.entry}): ${figures}, limit ${result!.limitText}:\n${result!.problems.join('\n')}`).toEqual([]);
  });

  it('publishes every entry the budgeted apps import (package.json `exports`)', () => {
    const exported = Object.keys((JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { exports: Record<string, unknown> }).exports);
    const missing = SIZE_BUDGETS.flatMap((budget) =>
      [...readFileSync(`${ROOT}${budget.entry}`, 'utf8').matchAll(/from '(dogpile-cache(?:\/[\w-]+)?)'|import '(dogpile-cache(?:\/[\w-]+)?)'/g)]
        .map((match) => match[1] ?? match[2]!)
        .filter((specifier) => !exported.includes(specifier === 'dogpile-cache' ? '.' : `./${specifier.slice('dogpile-cache/'.length)}`))
        .map((specifier) => `${budget.entry} imports ${specifier}, which package.json \`exports\` does not list`),
    );
    expect(missing.length, missing.join('\n')).toBe(0);
  });

  it('targets are those of the issue "A thin core"', () => {
    expect(Object.fromEntries(SIZE_BUDGETS.map((budget) => [budget.id, budget.over ? `${budget.over} + ${budget.target}` : budget.target]))).toEqual({
      'core-get-or-create': 8192,
      'app-indexeddb': 14336,
      'app-localstorage': 14336,
      'react-hook': 'core-get-or-create + 2560',
    });
  });
});
