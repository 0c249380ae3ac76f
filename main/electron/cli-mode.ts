/**
 * `freezeframe backup --plan plan.json`: the packaged app runs a plan
 * unattended, headless (no window, no tray, no single-instance lock: a
 * GUI may be open meanwhile), with the same code as `npm run backup`.
 */
import { app } from 'electron';
import { runBackupCli } from '../cli/backup';
import { locateHelper } from '../helper/helper-path';

/** The arguments after `backup`, when the app was started as `freezeframe backup ...`. */
export function backupCliArgs(argv: readonly string[], packaged: boolean): string[] | undefined {
  // Packaged: [app, ...args]; from a checkout: [electron, '.', ...args].
  const args = argv.slice(packaged ? 1 : 2);
  return args[0] === 'backup' ? args.slice(1) : undefined;
}

export function runCliMode(args: readonly string[]): void {
  const helper = locateHelper(app.getAppPath(), undefined, { packaged: app.isPackaged, appImage: process.env.APPIMAGE !== undefined });
  runBackupCli(args, {
    helperPath: helper.helperPath,
    development: helper.development,
    helperSource: helper.source,
    appVersion: app.getVersion(),
    defaultConfigDir: app.getPath('userData'),
  }).then(
    (code) => app.exit(code),
    (error: unknown) => {
      process.stderr.write(`freezeframe backup: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      app.exit(1);
    },
  );
}
