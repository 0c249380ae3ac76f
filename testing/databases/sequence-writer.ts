/**
 * The committed-sequence writer: several clients, each one session of the
 * database's own command-line client, committing numbered rows one at a
 * time (autocommit): client c inserts (c, 1), (c, 2), ... and sends the
 * next only after the server acknowledged the previous (INSERT ...
 * RETURNING prints the number once the commit returned). Each client
 * records what was acknowledged and when, and each commit's latency.
 *
 * A restore of a consistent snapshot then holds, for each client, exactly
 * the numbers 1..k with no hole, every number acknowledged before the
 * freeze among them, and k at most the last number sent.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface Ack {
  n: number;
  /** Date.now() when the acknowledgement arrived (comparable with a report's frozenAt). */
  ackAt: number;
  /** Commit latency seen by the client, ms. */
  ms: number;
}

export interface SequenceClient {
  id: number;
  acks: Ack[];
  /** The last number sent (acknowledged or not). */
  sent: number;
  error?: string;
}

/** The writer's table; one per run, so that each run's numbers start at 1. */
export function sequenceTableSql(table: string): string {
  return `CREATE TABLE ${table} (client int NOT NULL, n int NOT NULL, PRIMARY KEY (client, n))`;
}

export class SequenceWriter {
  readonly clients: SequenceClient[] = [];
  private readonly children: ChildProcessWithoutNullStreams[] = [];
  private readonly loops: Array<Promise<void>> = [];
  private stopping = false;

  /** `clientArgv`: the client reading statements from stdin, printing one bare value per result (psql -qAt, mariadb --batch -N --unbuffered). */
  static start(clientArgv: readonly string[], clients: number, table: string): SequenceWriter {
    const writer = new SequenceWriter();
    for (let id = 1; id <= clients; id++) writer.startClient(clientArgv, id, table);
    return writer;
  }

  private startClient(argv: readonly string[], id: number, table: string): void {
    const client: SequenceClient = { id, acks: [], sent: 0 };
    this.clients.push(client);
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'pipe', env: { ...process.env, LC_ALL: 'C' } });
    this.children.push(child);
    const lines: string[] = [];
    let wake: (() => void) | undefined;
    let pending = '';
    let ended = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const parts = (pending + chunk).split('\n');
      pending = parts.pop()!;
      lines.push(...parts.filter(Boolean));
      wake?.();
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
    child.stdin.on('error', () => undefined);
    child.once('exit', () => {
      ended = true;
      wake?.();
    });
    const nextLine = async (): Promise<string | undefined> => {
      while (lines.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
      return lines.shift();
    };
    this.loops.push(
      (async () => {
        while (!this.stopping) {
          const n = client.sent + 1;
          const sentAt = performance.now();
          client.sent = n;
          child.stdin.write(`INSERT INTO ${table} (client, n) VALUES (${id}, ${n}) RETURNING n;\n`);
          const line = await nextLine();
          if (line === undefined || line.trim() !== String(n)) {
            client.error = `client ${id}: expected ${n}, got ${line ?? 'end of output'}: ${stderr.trim()}`;
            break;
          }
          client.acks.push({ n, ackAt: Date.now(), ms: performance.now() - sentAt });
        }
        child.stdin.end();
      })(),
    );
  }

  /** Stop after each client's current commit; the clients exit. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
    await Promise.all(this.children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
  }

  /** Kill the clients at once (cleanup after a failure). */
  kill(): void {
    this.stopping = true;
    for (const child of this.children) child.kill('SIGKILL');
  }

  errors(): string[] {
    return this.clients.flatMap((c) => (c.error ? [c.error] : []));
  }

  totalAcks(): number {
    return this.clients.reduce((sum, c) => sum + c.acks.length, 0);
  }

  /** Commit latencies of acknowledgements that arrived in [from, to] (Date.now() times). */
  latenciesBetween(from: number, to: number): number[] {
    return this.clients.flatMap((c) => c.acks.filter((a) => a.ackAt >= from && a.ackAt <= to).map((a) => a.ms));
  }
}

/**
 * Check a restored copy's rows (client, n) against what the writer saw:
 * per client the numbers 1..k with no hole, every number acknowledged
 * before `cutAt` present, none beyond the last sent. Returns the problems
 * (empty: consistent) and, per client, k and how many acks were before the cut.
 */
export function checkSequence(writer: SequenceWriter, rows: ReadonlyArray<readonly [number, number]>, cutAt: number): { problems: string[]; perClient: Array<{ id: number; restored: number; ackedBeforeCut: number; sent: number }> } {
  const problems: string[] = [];
  const perClient: Array<{ id: number; restored: number; ackedBeforeCut: number; sent: number }> = [];
  for (const client of writer.clients) {
    const ns = rows.filter(([c]) => c === client.id).map(([, n]) => n).sort((a, b) => a - b);
    const k = ns.length;
    ns.forEach((n, i) => {
      if (n !== i + 1) problems.push(`client ${client.id}: a hole: position ${i + 1} holds ${n}`);
    });
    const ackedBeforeCut = client.acks.filter((a) => a.ackAt < cutAt).length;
    if (k < ackedBeforeCut) problems.push(`client ${client.id}: ${ackedBeforeCut} acknowledged before the freeze, only ${k} restored`);
    if (k > client.sent) problems.push(`client ${client.id}: ${k} restored, but only ${client.sent} were ever sent`);
    perClient.push({ id: client.id, restored: k, ackedBeforeCut, sent: client.sent });
  }
  return { problems: [...new Set(problems)].slice(0, 20), perClient };
}
