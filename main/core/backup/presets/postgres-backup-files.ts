/**
 * What a backup-start snapshot needs beside the clone: the backup label
 * and tablespace map pg_backup_stop returned, and the WAL segments from
 * the one pg_backup_start began in to the one pg_backup_stop ended in,
 * copied out of the live pg_wal right after the release (a later
 * checkpoint may recycle them). A restore writes the label into the copy's
 * data directory and the segments into its pg_wal (restore-postgres.ts).
 */
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WAL_FILE, type HookLine } from './hook-lines';
import { PresetError } from './preset-error';
import type { PostgresBackupFiles } from './restore-postgres';

type Start = Extract<HookLine, { kind: 'backup-start' }>;
type Stop = Extract<HookLine, { kind: 'backup-stop' }>;

/** Segment files of the start's timeline from start to stop, inclusive (names sort as their positions). */
export function walSegmentsBetween(names: readonly string[], startFile: string, stopFile: string): string[] {
  const timeline = startFile.slice(0, 8);
  return names.filter((n) => WAL_FILE.test(n) && n.startsWith(timeline) && n >= startFile && n <= stopFile).sort();
}

/**
 * Copy the WAL range and write the label into `dest` (created; the
 * segments under dest/pg_wal). The range must still be there: a recycled
 * segment makes the snapshot unrestorable (RESTORE_UNSAFE).
 */
export async function keepBackupFiles(liveWalDir: string, start: Start, stop: Stop, dest: string): Promise<PostgresBackupFiles & { segments: string[] }> {
  const walDir = join(dest, 'pg_wal');
  await mkdir(walDir, { recursive: true, mode: 0o700 });
  const segments = walSegmentsBetween(await readdir(liveWalDir), start.walFile, stop.walFile);
  // Checkpoints recycle the oldest segments first (renamed to names past the stop): with the first there, all are.
  if (segments[0] !== start.walFile || segments.at(-1) !== stop.walFile) {
    throw new PresetError('RESTORE_UNSAFE', `The WAL from ${start.walFile} to ${stop.walFile} is no longer all in ${liveWalDir}: this backup cannot be restored.`);
  }
  for (const name of segments) await copyFile(join(liveWalDir, name), join(walDir, name));
  await writeFile(join(dest, 'backup_label'), stop.backupLabel, { mode: 0o600 });
  if (stop.tablespaceMap) await writeFile(join(dest, 'tablespace_map'), stop.tablespaceMap, { mode: 0o600 });
  return { backupLabel: stop.backupLabel, tablespaceMap: stop.tablespaceMap, walDir, segments };
}
