/** Words for the backup vocabulary's closed sets (typed as Records: a new member fails the type check). */
import { displayCommand } from '../../../app/command-display';
import type { BackupPhase, BackupReport, HookRecord, PreflightMember, RunStatus, SnapshotMethod } from '../../../app/backup';

export const METHOD_LABELS: Record<SnapshotMethod, string> = {
  manual: 'Storage array (manual)',
  command: 'Command',
  'image-clone': 'Image clone',
  btrfs: 'btrfs',
};

export const METHOD_HINTS: Record<SnapshotMethod, string> = {
  manual: 'You take the snapshot with the storage’s own tool while the countdown runs, then press “Snapshot taken”. The backup happens elsewhere.',
  command: 'A command of yours takes the snapshot (e.g. a storage CLI); the members’ mountpoints are in its environment and its exit status decides.',
  'image-clone': 'For loop-backed filesystems and file-backed disks: the backing file is cloned while frozen (reflink where the host allows, else a sparse copy).',
  btrfs: 'A read-only subvolume snapshot. It needs a transaction, so btrfs members are snapshotted (atomically) rather than frozen.',
};

export const PHASE_LABELS: Record<BackupPhase, string> = {
  preflight: 'Pre-flight',
  'pre-freeze-hook': 'Pre-freeze hook',
  'hold-hook': 'Hold hook (lock taken)',
  sync: 'Sync',
  freeze: 'Freeze',
  snapshot: 'Snapshot',
  thaw: 'Thaw',
  'release-hold': 'Release the hold hook',
  'post-thaw-hook': 'Post-thaw hook',
  verify: 'Verify',
  export: 'Export',
  retention: 'Retention',
};

export const STATUS_LABELS: Record<RunStatus, string> = {
  running: 'Running',
  'waiting-for-operator': 'Waiting for you: take the snapshot',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const OUTCOME_LABELS: Record<BackupReport['outcome'], string> = {
  succeeded: 'Backup succeeded',
  failed: 'Backup failed',
  cancelled: 'Backup cancelled',
};

export const CAPTURE_LABELS: Record<PreflightMember['capture'] | 'not-captured', string> = {
  frozen: 'frozen',
  'atomic-snapshot': 'atomic snapshot (not frozen)',
  'not-captured': 'not captured',
};

export const ROLE_LABELS: Record<HookRecord['role'], string> = {
  'pre-freeze': 'Pre-freeze hook',
  hold: 'Hold hook',
  command: 'Snapshot command',
  'post-thaw': 'Post-thaw hook',
};

/** How a command will be run: each argument quoted, hidden characters escaped, long ones elided visibly (app/command-display.ts). */
export function commandLine(argv: readonly string[], shell: boolean): string {
  return displayCommand(argv, shell).text;
}

/** As whom a plan's hooks and commands run, truthfully: the user Freezeframe runs as, which may be root. */
export function runsAsWords(runsAs: { user: string; uid: number } | undefined): string {
  if (!runsAs) return 'Hooks and commands run as the user Freezeframe runs as.';
  if (runsAs.uid === 0) return 'Hooks and commands run as root: this Freezeframe runs as root, so they can do anything on this machine.';
  return `Hooks and commands run as ${runsAs.user}, the user Freezeframe runs as, never as root; a plan that needs more can call sudo itself.`;
}
