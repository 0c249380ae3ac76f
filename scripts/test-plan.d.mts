export interface TestStep {
  id: string;
  name: string;
  needs: string[];
  command: string[];
  report: 'none' | 'c' | 'fuzz' | 'vitest' | 'playwright';
}
export interface Machine {
  root: boolean;
  apt: boolean;
  loop: boolean;
  has(item: string): boolean;
  built(path: string): boolean;
  installRefused: boolean;
  installFailed: boolean;
}
export declare function testSteps(options?: { fuzzSeconds?: number | string }): TestStep[];
export declare function blocker(step: TestStep, machine: Machine): { why: string; fix: string } | undefined;
export declare function installFix(packages: string[], machine: Machine): string;
export declare function installPlan(missing: string[], machine: Machine): { install: boolean; line: string };
