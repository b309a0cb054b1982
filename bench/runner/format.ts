/**
 * Tables for the terminal and for Markdown, from suite summaries.
 *
 * @module
 */
import type { SuiteSummary } from './summary.js';

/** A table, rendered by {@link toText} or {@link toMarkdown}. */
export interface Table {
  headers: string[];
  rows: string[][];
  /** Per column: left or right aligned. */
  align: Array<'l' | 'r'>;
}

/** A duration in ns, in the unit that reads best. */
export function formatNs(ns: number): string {
  if (ns < 1_000) return `${ns.toFixed(ns < 100 ? 1 : 0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 2 : 1)} µs`;
  return `${(ns / 1_000_000).toFixed(2)} ms`;
}

/** A duration in ms. */
export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(1)} ms`;
}

/** Operations per second, abbreviated. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(0)} /s`;
}

const count = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(2));

/** How each metric is labelled and printed. */
const METRICS: Record<string, { label: string; format: (value: number) => string }> = {
  nsPerUnit: { label: 'time/op', format: formatNs },
  overheadMs: { label: 'overhead', format: formatMs },
  totalMs: { label: 'round', format: formatMs },
  creatorCalls: { label: 'creator calls/round', format: count },
  valueLatencyMs: { label: 'creator done → last caller has value', format: formatMs },
  worstLatencyMs: { label: 'worst round', format: formatMs },
  firstOtherTabMs: { label: 'creator done → first other tab has value', format: formatMs },
  lastWaiterMs: { label: 'creator done → last waiter (any tab) has value', format: formatMs },
  maxCreatorCalls: { label: 'most creator calls in a round', format: count },
  transactions: { label: 'transactions/op', format: count },
};

const describe = (metric: string) => METRICS[metric] ?? { label: metric, format: count };

/** The table of one suite: the suite metric (median, range), the other metrics, the ratio to the baseline. */
export function suiteTable(suite: SuiteSummary): Table {
  const primary = describe(suite.metric);
  const extras = [...new Set(suite.cases.flatMap((benchCase) => Object.keys(benchCase.metrics)))].filter((name) => name !== suite.metric);
  const throughput = suite.metric === 'nsPerUnit';
  const headers = ['case', 'library', `${primary.label} (median)`, 'min–max', ...(throughput ? ['ops/s'] : []), ...extras.map((name) => describe(name).label), `vs ${suite.baseline}`];
  const rows = suite.cases.map((benchCase) => {
    const main = benchCase.metrics[suite.metric];
    return [
      benchCase.name + (benchCase.name === suite.baseline ? ' *' : ''),
      benchCase.library,
      main ? primary.format(main.median) : 'n/a',
      main ? `${primary.format(main.min)} – ${primary.format(main.max)}` : '',
      ...(throughput ? [main ? formatRate(1e9 / main.median) : ''] : []),
      ...extras.map((name) => {
        const spread = benchCase.metrics[name];
        if (!spread) return '';
        const text = describe(name).format(spread.median);
        return spread.max !== spread.min && name === 'creatorCalls' ? `${text} (max ${count(spread.max)})` : text;
      }),
      benchCase.relative === undefined ? '' : `${benchCase.relative.toFixed(2)}x`,
    ];
  });
  return { headers, rows, align: headers.map((_, i) => (i < 2 ? 'l' : 'r')) };
}

/** Renders a table with aligned columns for the terminal. */
export function toText(table: Table): string {
  const widths = table.headers.map((header, i) => Math.max(header.length, ...table.rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (table.align[i] === 'r' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(table.headers), widths.map((width) => '-'.repeat(width)).join('  '), ...table.rows.map(line)].join('\n');
}

/** Renders a table as GitHub Markdown. */
export function toMarkdown(table: Table): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return [
    `| ${table.headers.map(escape).join(' | ')} |`,
    `| ${table.align.map((align) => (align === 'r' ? '---:' : '---')).join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}
