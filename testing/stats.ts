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

export interface Row {
  figure: string;
  value: string;
  peer: string;
  ratio: string;
  target: string;
}

export function table(rows: Row[]): string {
  const header = '| figure | this run | peer (same run) | ratio | target |\n|---|---|---|---|---|';
  return [header, ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.peer} | ${r.ratio} | ${r.target} |`)].join('\n');
}
