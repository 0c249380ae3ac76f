#!/usr/bin/env node
// `npm run test:reliability [-- --long] [-- --repeat N] [-- --cycles N] [-- --fuzz-seconds N] [-- -t PATTERN]`
//
// The reliability suites of issue 5 (reliability/*.rel.test.ts), as root,
// then one summary table of every cell. `npm test` runs the same suites in
// their short variant (each fault-matrix cell once, 30 freeze/thaw cycles
// under load). --long repeats each fault-matrix cell N times (default 20),
// runs 500 cycles per filesystem with 256 MiB of dirty data for the freezing
// phase, and fuzzes the helper's parser for an hour (FUZZ_SECONDS or
// --fuzz-seconds). The hostile-input unit tests run here too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const long = flag('--long');
const pattern = option('-t', undefined);

if (process.geteuid?.() !== 0) {
  console.error('test:reliability needs root (real freezes of loop mounts): run it with sudo. Nothing was run.');
  process.exit(2);
}

const results = mkdtempSync(join(tmpdir(), 'freezeframe-reliability-'));
const env = {
  ...process.env,
  FREEZEFRAME_RELIABILITY_RESULTS: results,
  ...(long && { FREEZEFRAME_RELIABILITY_LONG: '1' }),
  ...(option('--repeat') && { FREEZEFRAME_RELIABILITY_REPEAT: option('--repeat') }),
  ...(option('--cycles') && { FREEZEFRAME_RELIABILITY_CYCLES: option('--cycles') }),
};
const steps = [];

function step(name, file, args) {
  console.log(`\n=== ${name}: ${file} ${args.join(' ')}`);
  const started = Date.now();
  const run = spawnSync(file, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(run.stdout ?? '');
  steps.push({ name, ok: run.status === 0, s: (Date.now() - started) / 1000, out: run.stdout ?? '' });
}

if (!existsSync('dist/renderer/index.html')) step('build the renderer (for the renderer cells)', 'npm', ['run', '-s', 'build:renderer']);
step('build helper', 'make', ['-C', 'native-helper', '--no-print-directory', 'all', 'stress-writer']);
step(`reliability suites (${long ? 'long' : 'short'})`, 'npx', ['vitest', 'run', '--project', 'reliability', ...(pattern ? ['-t', pattern] : [])]);
step('hostile input: IPC adapter and web socket', 'npx', ['vitest', 'run', '--project', 'unit', 'main/electron/ipc-adapter.hostile.test.ts', 'main/web/web-server.hostile.test.ts']);
const fuzzSeconds = option('--fuzz-seconds', process.env.FUZZ_SECONDS ?? (long ? '3600' : undefined));
if (fuzzSeconds) step(`fuzz the request parser ${fuzzSeconds} s (ASan+UBSan)`, 'make', ['-C', 'native-helper', '--no-print-directory', 'fuzz-short', `FUZZ_SECONDS=${fuzzSeconds}`]);

const rowsFile = join(results, 'rows.jsonl');
const rows = existsSync(rowsFile) ? readFileSync(rowsFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
rmSync(results, { recursive: true, force: true });

const pct = (values, p) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const measured = (s) =>
  s.length === 0 ? '—' : s.length === 1 ? `${s[0].toFixed(0)} ms` : `p50 ${pct(s, 50).toFixed(0)} ms, p99 ${pct(s, 99).toFixed(0)} ms, max ${Math.max(...s).toFixed(0)} ms (n=${s.length})`;

console.log(`\n=== summary (${long ? 'long' : 'short'} variant, ${new Date().toISOString()})\n`);
console.log('| suite | cell | measured | bound | outcome |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.suite} | ${r.cell} | ${measured(r.samples)} | ${r.bound} | ${r.outcome} |`);
const fuzz = steps.find((s) => s.name.startsWith('fuzz'));
if (fuzz) {
  const get = (key) => new RegExp(`^${key}:\\s+(.*)$`, 'm').exec(fuzz.out)?.[1] ?? '?';
  console.log(`| hostile input | request parser fuzz, ${fuzzSeconds} s | ${get('executions')} executions, ${get('exec/s')} exec/s | ASan+UBSan | ${get('crashes')} crashes |`);
}
console.log('');
for (const s of steps) console.log(`${s.ok ? 'ok    ' : 'FAILED'} ${s.name} (${s.s.toFixed(1)} s)`);
process.exit(steps.every((s) => s.ok) ? 0 : 1);
