/** A measured figure: every run's value, the median that is reported, and the target it is held to. */
export interface Target {
  /** `min`: the median must be at least `value` (throughput); `max`: at most (latency, memory). */
  kind: 'min' | 'max';
  value: number;
}

export interface Figure {
  name: string;
  unit: string;
  runs: number[];
  target?: Target;
  /** Digits after the decimal point when printed. */
  digits?: number;
}

/** One page's latency over the runs; only its p99 is held to a target. */
export interface PageFigures {
  name: string;
  p50: Figure;
  p99: Figure;
  throughput: Figure;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const format = (value: number, digits = 0): string =>
  value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const formatValue = (figure: Figure, value: number): string => `${format(value, figure.digits)} ${figure.unit}`;

export type Verdict = { met: true } | { met: false; by: string };

/** Whether the median meets the target, and when it does not, by how much it misses (in the figure's unit and as a factor). */
export function verdict(figure: Figure): Verdict | null {
  if (!figure.target) return null;
  const value = median(figure.runs);
  const { kind, value: target } = figure.target;
  const met = kind === 'min' ? value >= target : value <= target;
  if (met) return { met: true };
  const gap = Math.abs(value - target);
  const factor = kind === 'min' ? target / value : value / target;
  // A factor of a target of none (nothing may be missing) says nothing.
  if (!Number.isFinite(factor)) return { met: false, by: formatValue(figure, gap) };
  return { met: false, by: `${formatValue(figure, gap)} (${factor.toFixed(1)}× ${kind === 'min' ? 'too slow' : 'over'})` };
}

export const describeTarget = (figure: Figure): string =>
  figure.target ? `${figure.target.kind === 'min' ? '≥' : '≤'} ${formatValue(figure, figure.target.value)}` : '—';

export const describeVerdict = (figure: Figure): string => {
  const v = verdict(figure);
  if (v === null) return '—';
  return v.met ? 'met' : `MISSED by ${v.by}`;
};
