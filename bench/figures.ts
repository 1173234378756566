/** A measured figure: every run's value, the median that is reported, and the target it is held to. */
export interface Target {
  /** `min`: the median must be at least `value` (throughput); `max`: at most (latency, memory). */
  kind: 'min' | 'max';
  value: number;
}

/** What no code can beat, measured in the same runs (bench/floors.ts, `/healthz`): each run's figure is set beside its own. */
export interface Floor {
  name: string;
  runs: number[];
}

export interface Figure {
  name: string;
  unit: string;
  runs: number[];
  target?: Target;
  floor?: Floor;
  /** Why the runs are no valid figure (a load with failed requests): then the target counts as missed whatever the number. */
  invalid?: string;
  /** Digits after the decimal point when printed. */
  digits?: number;
}

/** One page over the runs: its in-process cost and its latency at 10 connections, each beside `/healthz`'s. */
export interface PageFigures {
  name: string;
  inProcess: Figure;
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
  if (figure.invalid !== undefined) return { met: false, by: `not a valid figure (${figure.invalid})` };
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

/** The median over the runs of each run's figure divided by the same run's floor. */
export function floorRatio(figure: Figure): number | null {
  const { floor } = figure;
  if (!floor) return null;
  const ratios = figure.runs.flatMap((value, i) => (floor.runs[i] ? [value / floor.runs[i]] : []));
  return ratios.length === 0 ? null : median(ratios);
}

/** `0.42× of bare insert (31,000 events/s)`, or `—` without a floor. */
export function describeFloor(figure: Figure): string {
  const ratio = floorRatio(figure);
  if (ratio === null || !figure.floor) return '—';
  return `${ratio.toFixed(2)}× of ${figure.floor.name} (${formatValue(figure, median(figure.floor.runs))})`;
}

export const describeTarget = (figure: Figure): string =>
  figure.target ? `${figure.target.kind === 'min' ? '≥' : '≤'} ${formatValue(figure, figure.target.value)}` : '—';

export const describeVerdict = (figure: Figure): string => {
  const v = verdict(figure);
  if (v === null) return '—';
  if (v.met) return 'met';
  return figure.invalid === undefined ? `MISSED by ${v.by}` : `MISSED: ${v.by}`;
};
