/** The command line of `npm run backup` / `freezeframe backup`. */

export type BackupArgs =
  | { kind: 'run'; planFile: string; json: boolean; configDir?: string }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export const BACKUP_USAGE = `Usage: npm run backup -- --plan plan.json [--json] [--config-dir DIR]
       freezeframe backup --plan plan.json [--json] [--config-dir DIR]

Runs a backup plan unattended (for cron): freeze, snapshot, thaw, verify,
export, as the plan says. Progress goes to stderr; the report (Markdown, or
JSON with --json) to stdout, and into the config dir's reports/.

  --plan FILE        the plan (JSON, as the wizard saves it); run as root, it
                     must be owned by root and writable by no one else
  --json             print the report as JSON
  --config-dir DIR   where the Backups view's plans (DIR/plans) and reports
                     (DIR/reports) live; the report is saved there
                     (default $XDG_CONFIG_HOME/freezeframe or ~/.config/freezeframe)

A manual-method plan (a storage array's snapshot taken by hand) needs
someone to take it while the filesystems are frozen: from a terminal, the
command line shows the checklist and waits for "taken" (Ctrl-C cancels and
thaws); without a terminal (cron) it is refused before anything is frozen,
with OPERATOR_REQUIRED and exit status 2.

Exit status: 0 success, 1 any failure (untrustworthy snapshot, hook,
verification, export), 2 unusable plan or arguments (or a manual plan with
no terminal), 130/143 after SIGINT/SIGTERM (the run is cancelled and
everything thawed first).`;

export function parseBackupArgs(argv: readonly string[]): BackupArgs {
  let planFile: string | undefined;
  let configDir: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        return { kind: 'help' };
      case '--json':
        if (inline !== undefined) return { kind: 'error', message: '--json takes no value.' };
        json = true;
        break;
      case '--plan':
        planFile = value();
        if (!planFile) return { kind: 'error', message: '--plan needs a file.' };
        break;
      case '--config-dir':
        configDir = value();
        if (!configDir) return { kind: 'error', message: '--config-dir needs a directory.' };
        break;
      default:
        return { kind: 'error', message: `Unknown argument ${JSON.stringify(arg)}.\n\n${BACKUP_USAGE}` };
    }
  }
  if (!planFile) return { kind: 'error', message: `--plan is required.\n\n${BACKUP_USAGE}` };
  return { kind: 'run', planFile, json, ...(configDir !== undefined && { configDir }) };
}
