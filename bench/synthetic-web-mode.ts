/**
 * The web mode with a synthetic mount table: the real core (createCore) and
 * the real web server and WebSocket, with three seams of the core replaced,
 * so the first-paint bench can show a big host's table through everything
 * the app really runs:
 * - readMountinfo: testing/synthetic-mountinfo's host, cut to N mounts the
 *   table shows (its cgroup2 lines left out: pseudo filesystems are hidden
 *   by default), not the kernel's;
 * - watchMounts: never signals (the table does not change);
 * - statRunner: every path's size answered at once (these paths do not exist).
 * The helper is the real one, started as `npm run serve` starts it as root.
 *
 * Run as a child process: `node --import tsx bench/synthetic-web-mode.ts
 * --rows N`; prints "Freezeframe is at URL" like serve does.
 * startSyntheticWebMode() is that, from the bench.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadStaticFiles } from '../main/adapters-shared/static-files';
import { createCore } from '../main/core/index';
import type { StatRunner } from '../main/core/mounts/statfs-probe';
import { startWebServer } from '../main/web/web-server';
import { syntheticMountinfo } from '../testing/synthetic-mountinfo';

const ROOT = resolve(import.meta.dirname, '..');
const GiB = 2 ** 30;

/** Every path answered at once: sizes as a real statfs would give them. */
const instantSizes: StatRunner = (paths, onResult) => {
  paths.forEach((path, i) => onResult(path, { ok: true, totalBytes: 100 * GiB, usedBytes: (i % 100) * GiB, availableBytes: (100 - (i % 100)) * GiB }));
  return { done: Promise.resolve(), kill: () => undefined };
};

/** The synthetic host without its pseudo filesystems, `rows` lines: the table shows every one. */
function shownMountinfo(rows: number): string {
  const lines = syntheticMountinfo(Math.ceil(rows * 1.25) + 5)
    .split('\n')
    .filter((line) => line !== '' && !line.includes(' - cgroup2 '));
  return `${lines.slice(0, rows).join('\n')}\n`;
}

async function serve(rows: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'freezeframe-bench-web-'));
  const text = shownMountinfo(rows);
  const core = await createCore(
    {
      frontDoor: 'web',
      appVersion: 'bench',
      helperPath: join(ROOT, 'native-helper/build/freezeframe-helper'),
      development: true,
      appDataDirs: [join(dir, 'config')],
      configDir: join(dir, 'config'),
      logFile: join(dir, 'core.log'),
    },
    { readMountinfo: async () => text, watchMounts: () => ({ mode: 'findmnt', stop: () => undefined }), statRunner: instantSizes },
  );
  const staticFiles = await loadStaticFiles(join(ROOT, 'dist/renderer'));
  const server = await startWebServer({ core, staticFiles, port: 0 });
  const stop = (): void => {
    void server
      .close()
      .then(() => core.shutdown())
      .finally(() => {
        rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`Freezeframe is at ${server.url}\n`);
}

export interface SyntheticWebMode {
  url: string;
  stop(): Promise<void>;
}

/** The script above as a child process, once it printed its URL. */
export async function startSyntheticWebMode(rows: number): Promise<SyntheticWebMode> {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--rows', String(rows)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((done, fail) => {
    let stdout = '';
    const timer = setTimeout(() => fail(new Error(`synthetic web mode printed no URL in 60 s; stderr: ${stderr}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /^Freezeframe is at (http:\/\/\S+)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    });
    child.once('exit', (code) => fail(new Error(`synthetic web mode exited (${code}) before printing its URL; stderr: ${stderr}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

if (process.argv[1] === import.meta.filename) {
  const i = process.argv.indexOf('--rows');
  serve(Number(process.argv[i + 1] ?? 5000)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
