/** pgbench against the lab's PostgreSQL (peer auth as the invoking user), in the background until stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { run } from '../run-command';
import { PG_BIN } from './lab-servers';

export async function pgbenchInit(socketDir: string, database: string, scale = 2): Promise<void> {
  await run(`${PG_BIN}/pgbench`, ['-i', '-q', '-s', String(scale), '-h', socketDir, database], 180_000);
}

export class Pgbench {
  private readonly child: ChildProcess;
  private output = '';
  readonly exit: Promise<number | null>;

  constructor(socketDir: string, database: string, clients = 2) {
    // -T long: it runs until stop(); -n: no vacuum first. What it committed is counted in pgbench_history.
    this.child = spawn(`${PG_BIN}/pgbench`, ['-n', '-c', String(clients), '-j', '1', '-T', '600', '-h', socketDir, database], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [this.child.stdout!, this.child.stderr!]) s.on('data', (c: Buffer) => (this.output = (this.output + c.toString()).slice(-4000)));
    this.exit = new Promise((r) => this.child.once('exit', (code) => r(code)));
  }

  /** Its output so far (errors, if a transaction failed). */
  get log(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
    await this.exit;
  }
}
