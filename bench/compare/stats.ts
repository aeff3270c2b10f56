/**
 * The comparison of one figure between two checkouts measured in interleaved pairs (A B A B …):
 * the median of each side and the median of the per-pair ratios (today / other) with their spread,
 * min–max. A pair where either side lacks the figure (or it is not a positive, finite number for a
 * ratio) contributes no ratio; a figure missing on one side altogether is `undefined` (printed n/a).
 */

export interface FigureComparison {
  readonly today?: number;
  readonly other?: number;
  /** Median of the per-pair ratios today / other. */
  readonly ratio?: number;
  readonly ratioMin?: number;
  readonly ratioMax?: number;
  /** Pairs that gave a ratio. */
  readonly pairs: number;
}

const usable = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1]! + s[mid]!) / 2;
}

/** `today[i]` and `other[i]` are the values of pair i (undefined when that side lacked the figure). */
export function compareFigure(today: readonly (number | undefined)[], other: readonly (number | undefined)[]): FigureComparison {
  if (today.length !== other.length) throw new RangeError(`pairs differ in length: ${today.length} vs ${other.length}`);
  const ratios: number[] = [];
  for (let i = 0; i < today.length; i++) {
    const a = today[i];
    const b = other[i];
    if (usable(a) && usable(b) && b > 0 && a >= 0) ratios.push(a / b);
  }
  return {
    today: median(today.filter(usable)),
    other: median(other.filter(usable)),
    ratio: median(ratios),
    ratioMin: ratios.length ? Math.min(...ratios) : undefined,
    ratioMax: ratios.length ? Math.max(...ratios) : undefined,
    pairs: ratios.length,
  };
}
