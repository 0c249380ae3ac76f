/**
 * The manual method from a terminal: when the run waits for the storage
 * snapshot, the command line shows the checklist and the hold window left,
 * then reads a line; "taken" (and any notes after it, for the report)
 * confirms, as the Backups view's "Snapshot taken" does. Ctrl-C cancels,
 * and everything thaws. Without a terminal there is nobody to ask: the
 * command line refuses such a plan before it freezes anything.
 */
import { createInterface, type Interface } from 'node:readline';
import type { BackupRunState } from '../../app/backup';
import type { Result } from '../../app/contract';

/** "taken", then optional notes: "taken LUN3 snap 0412 by ada". */
const CONFIRMATION = /^\s*taken\b\s*(.*)$/i;

export function parseConfirmation(line: string): { notes: string | undefined } | null {
  const match = CONFIRMATION.exec(line);
  if (!match) return null;
  const notes = match[1]!.trim();
  return { notes: notes || undefined };
}

export class OperatorPrompt {
  private askedRun: string | undefined;
  private reader: Interface | undefined;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly say: (text: string) => void,
    private readonly confirm: (runId: string, notes: string | undefined) => Promise<Result<unknown>>,
  ) {}

  /** Each progress of the run: ask once when it starts waiting, stop reading when it no longer does. */
  onProgress(state: BackupRunState): void {
    if (state.status === 'waiting-for-operator') {
      if (this.askedRun !== state.runId) this.ask(state);
    } else {
      this.close();
    }
  }

  close(): void {
    this.reader?.close();
    this.reader = undefined;
  }

  private ask(state: BackupRunState): void {
    this.askedRun = state.runId;
    const left = state.holdRemainingMs === null ? '' : ` (${(state.holdRemainingMs / 1000).toFixed(1)} s of the hold window left)`;
    this.say(`the filesystems are frozen: take the storage snapshot now${left}.`);
    state.checklist.forEach((item, i) => this.say(`  ${i + 1}. ${item}`));
    this.say('type "taken" and Enter once the snapshot is taken (words after "taken" go into the report as notes); Ctrl-C cancels, and everything thaws.');
    const reader = createInterface({ input: this.input, terminal: false });
    this.reader = reader;
    reader.on('line', (line) => {
      const confirmation = parseConfirmation(line);
      if (!confirmation) {
        this.say('not confirmed: type "taken" and Enter once the snapshot is taken, or Ctrl-C to cancel.');
        return;
      }
      this.close();
      void this.confirm(state.runId, confirmation.notes).then((result) => {
        if (!result.ok) this.say(`${result.error.code}: ${result.error.message}`);
      });
    });
  }
}
