/** A bundle with a size limit (see SIZE_BUDGETS). */
export interface SizeBudget {
  id: string;
  label: string;
  /** Entry file, from the repository root. */
  entry: string;
  /** Limit in min+gzip bytes; with `over`, the bytes allowed on top of that bundle. */
  limit: number;
  /** The size the issue "A thin core" asks for, in the same terms as `limit`. */
  target: number;
  /** The id of the bundle this one's limit is added to. */
  over?: string;
  /** min+gzip size before the work of "A thin core", as the issue states it (for `over`, what it added). */
  before?: string;
  /** Imports left out of the bundle (peer dependencies the app ships anyway). */
  external?: readonly string[];
  /** Source folders (relative to src/) the bundle must contain. */
  mustInclude?: readonly string[];
}

/** What one bundle weighs. */
export interface BundleSize {
  minified: number;
  gzip: number;
  brotli: number;
  /** Every input with bytes in the output, largest first (paths from the repository root, node_modules/ stripped). */
  modules: Array<{ module: string; bytes: number; share: number }>;
  /** The inputs from the sources directory, relative to it. */
  sources: string[];
}

/** A budgeted bundle, measured and checked. */
export interface BudgetResult extends Partial<BundleSize> {
  id: string;
  label: string;
  entry: string;
  /** The limit as written, e.g. `≤ 8.00 KB`. */
  limitText: string;
  /** The target as written, e.g. `≤ 8.00 KB`. */
  targetText: string;
  /** Whether the bundle is within its target (the figure), not only its limit. */
  targetMet: boolean;
  /** The limit in min+gzip bytes, once known. */
  limit?: number;
  /** For a bundle budgeted on top of another: the bytes it adds. */
  added?: number;
  met: boolean;
  /** Why it failed: over the limit, not bundled, or missing code. */
  problems: string[];
}

export const ROOT: string;
export const SOURCE_ENTRIES: Readonly<Record<string, string>>;
export const SIZE_BUDGETS: ReadonlyArray<SizeBudget>;
export function kb(bytes: number): string;
/** Options: `root` the repository root (default: this file's), `srcDir` the sources `dogpile-cache` resolves to (default `root/src`). */
export function measureBundle(entry: string, options?: { root?: string; srcDir?: string; external?: readonly string[] }): Promise<BundleSize>;
export function measureBudgets(options?: { root?: string; srcDir?: string }): Promise<BudgetResult[]>;
export function describeBudgets(results: readonly BudgetResult[]): string;
