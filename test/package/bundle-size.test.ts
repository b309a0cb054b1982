// Size budgets of the thin core: each app bundle (bench/size/, bundled from
// the sources by esbuild, minified and tree-shaken, min+gzip level 9) must
// stay within its limit. Sizes, not timing: the same tree gives the same bytes.
// The bench's size table measures with the same module (scripts/bundle-size.mjs).
import { beforeAll, describe, expect, it } from 'vitest';
import { describeBudgets, measureBudgets, SIZE_BUDGETS, type BudgetResult } from '../../scripts/bundle-size.mjs';

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

  it('limits are those of the issue "A thin core"', () => {
    expect(Object.fromEntries(SIZE_BUDGETS.map((budget) => [budget.id, budget.over ? `${budget.over} + ${budget.limit}` : budget.limit]))).toEqual({
      'core-get-or-create': 8192,
      'app-indexeddb': 14336,
      'app-localstorage': 14336,
      'react-hook': 'core-get-or-create + 2560',
    });
  });
});
