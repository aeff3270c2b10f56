/** The rows of a comparison: each figure of either side, matched by key across the pairs. */
import type { Figure } from '../measure';
import { compareFigure } from './stats';
import type { ComparedRow } from './table';

/** What one side's measurement (bench/side.ts) gives. */
export interface SideResult { readonly figures: readonly Figure[]; readonly notes: readonly string[] }

/**
 * Rows in the order the figures first appear (today's first, then those only the other side has);
 * `today[i]` and `other[i]` are pair i. Today's label and budget are shown.
 */
export function compareSides(today: readonly SideResult[], other: readonly SideResult[]): ComparedRow[] {
  const first = new Map<string, Figure>();
  for (const side of [...today, ...other]) for (const f of side.figures) if (!first.has(f.key)) first.set(f.key, f);
  const valueOf = (side: SideResult, key: string) => side.figures.find((f) => f.key === key)?.value;
  return [...first.values()].map((f) => {
    const own = today.map((s) => s.figures.find((g) => g.key === f.key)).find((g) => g !== undefined);
    return {
      label: own?.label ?? f.label, unit: f.unit, budget: own?.budget,
      comparison: compareFigure(today.map((s) => valueOf(s, f.key)), other.map((s) => valueOf(s, f.key))),
    };
  });
}

