/**
 * Entry of dist/main/backup.mjs (`npm run backup -- --plan plan.json`):
 * finds the helper like `npm run serve` does, runs the plan, exits with
 * the run's status.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateHelper } from '../helper/helper-path';
import { runBackupCli } from './backup';

declare const __FREEZEFRAME_VERSION__: string | undefined;

const helper = locateHelper(dirname(fileURLToPath(import.meta.url)));
runBackupCli(process.argv.slice(2), {
  helperPath: helper.helperPath,
  development: helper.development,
  helperSource: helper.source,
  appVersion: typeof __FREEZEFRAME_VERSION__ === 'string' ? __FREEZEFRAME_VERSION__ : 'dev',
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`freezeframe backup: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
