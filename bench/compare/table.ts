/** Plain-text tables of `npm run bench -- --against <ref>`: one line per figure, both sides, ratio and spread. */
import type { FigureComparison } from './stats';

export interface ComparedRow {
  readonly label: string;
  readonly unit: string;
  readonly comparison: FigureComparison;
  /** Budget of today's value (absolute sanity); undefined when the figure has none. */
  readonly budget?: number;
}

/** Three significant digits at most, no exponent for the magnitudes the bench prints. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toFixed(digits);
}

export function formatRatio(c: FigureComparison): string {
  if (c.ratio === undefined) return 'n/a';
  const spread = c.ratioMin === undefined || c.ratioMax === undefined ? '' : ` (${c.ratioMin.toFixed(2)}–${c.ratioMax.toFixed(2)})`;
  return `${c.ratio.toFixed(2)}${spread}`;
}

export function formatVerdict(row: ComparedRow): string {
  if (row.budget === undefined || row.comparison.today === undefined) return '';
  return row.comparison.today <= row.budget ? `ok (budget ${row.budget})` : `OVER (budget ${row.budget})`;
}

/** The comparison table, with `todayName`/`otherName` as column headings. */
export function formatComparisonTable(rows: readonly ComparedRow[], todayName: string, otherName: string): string {
  const header = ['figure', 'unit', todayName, otherName, 'ratio (min–max)', 'budget'];
  const body = rows.map((r) => [r.label, r.unit, formatNumber(r.comparison.today), formatNumber(r.comparison.other), formatRatio(r.comparison), formatVerdict(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
