/**
 * The backup wizard's slice: plans and the draft (backup-plans-slice.ts),
 * the run and its reports (backup-run-slice.ts), built together so the
 * store gains one slice.
 */
import { createBackupPlansSlice } from './backup-plans-slice';
import { createBackupRunSlice } from './backup-run-slice';
import type { BackupSlice } from './backup-types';
import type { SliceCreator } from './types';

export const createBackupSlice: SliceCreator<BackupSlice> = (set, get, deps) => ({
  ...createBackupPlansSlice(set, get, deps),
  ...createBackupRunSlice(set, get, deps),
});
