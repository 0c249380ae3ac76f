export interface NotRunReason {
  why: string;
  packages: string[];
}
export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  notRun: Array<{ reason: NotRunReason; tests: string[] }>;
}
export interface StepResult {
  name: string;
  status: 'ok' | 'FAILED' | 'NOT RUN';
  ms: number;
  counts?: Counts;
  why?: string;
  fix?: string;
}
export declare function parseCLines(out: string): Counts;
export declare function parseFuzz(out: string): Counts;
export declare function readVitestReport(file: string, root?: string): Counts | undefined;
export declare function readPlaywrightReport(file: string): Counts | undefined;
export declare function stepStatus(exitOk: boolean, counts: Pick<Counts, 'passed' | 'failed' | 'skipped'>): StepResult['status'];
export declare function summaryLines(results: StepResult[], fixFor: (reason: NotRunReason) => string | undefined): string[];
export declare function totals(results: StepResult[]): { passed: number; failed: number; notRunTests: number; notRunSteps: number };
