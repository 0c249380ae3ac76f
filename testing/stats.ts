/** Percentiles and a markdown table: figures, not pass/fail timings. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: number[]): number => percentile(values, 50);

export function fmt(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export const p50p99 = (values: number[], digits = 2): string => `p50 ${fmt(median(values), digits)} ms, p99 ${fmt(percentile(values, 99), digits)} ms`;

/** The same, for samples in microseconds (the helper's heldUs, lateUs). */
export const p50p99Us = (values: number[], digits = 0): string => `p50 ${fmt(median(values), digits)} µs, p99 ${fmt(percentile(values, 99), digits)} µs`;

/**
 * One figure beside its peer from the same run. `met` says whether this run
 * met `target`, where the target is a bound the row can be judged by (the
 * table prints MISSED when it did not); leave it out where the target is
 * only a direction ("ratio against no preparation").
 */
export interface Row {
  figure: string;
  value: string;
  peer: string;
  ratio: string;
  target: string;
  met?: boolean;
}

const verdict = (met: boolean | undefined): string => (met === undefined ? '—' : met ? 'yes' : '**MISSED**');

export function table(rows: Row[]): string {
  const header = '| figure | this run | peer (same run) | ratio | target | met |\n|---|---|---|---|---|---|';
  return [header, ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.peer} | ${r.ratio} | ${r.target} | ${verdict(r.met)} |`)].join('\n');
}
