/**
 * Reports of finished runs, one file each (`<configDir>/reports/<runId>.json`),
 * written once after the thaw. The list is newest first by run id (which
 * sorts by time); a damaged file is skipped in the list, not fatal.
 */
import { join } from 'node:path';
import { summarize, type BackupReport, type ReportSummary } from '../../../../app/backup';
import { BackupError } from '../backup-error';
import { jsonFileStems, readIfExists, writeFileAtomic } from './config-files';
import { isRunId } from '../run/run-id';

export class ReportStore {
  private readonly dir: string;

  constructor(configDir: string) {
    this.dir = join(configDir, 'reports');
  }

  async save(report: BackupReport): Promise<void> {
    await writeFileAtomic(this.pathOf(report.runId), `${JSON.stringify(report, null, 2)}\n`);
  }

  async get(runId: string): Promise<BackupReport> {
    const text = await readIfExists(this.pathOf(runId));
    if (text === undefined) throw new BackupError('RUN_NOT_FOUND', `There is no report of run ${runId}.`);
    try {
      return JSON.parse(text) as BackupReport;
    } catch {
      throw new BackupError('RUN_NOT_FOUND', `The report of run ${runId} is damaged (not JSON).`);
    }
  }

  /** Every report, newest first. */
  async all(): Promise<BackupReport[]> {
    const ids = (await jsonFileStems(this.dir)).filter(isRunId).reverse();
    const reports: BackupReport[] = [];
    for (const id of ids) {
      try {
        reports.push(await this.get(id));
      } catch {
        // Skipped: reports.get names the damage when asked for this one.
      }
    }
    return reports;
  }

  async list(): Promise<ReportSummary[]> {
    return (await this.all()).map(summarize);
  }

  private pathOf(runId: string): string {
    if (!isRunId(runId)) throw new BackupError('RUN_NOT_FOUND', `"${runId}" is not a run id.`);
    return join(this.dir, `${runId}.json`);
  }
}
