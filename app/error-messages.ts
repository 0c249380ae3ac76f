/**
 * Human words for the closed sets that reach the user: every error code and
 * every helper state. Typed as Records so that adding a code or a state to
 * app/errors.ts or app/domain.ts fails the type check until it has words here.
 */
import type { HelperStateName } from './domain';
import type { AppErrorShape, ErrorCode } from './errors';
import { isErrorCode } from './errors';

export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  // From the helper (docs/helper-protocol.md).
  BAD_REQUEST: 'The helper rejected the request as malformed. This is a bug in Freezeframe; please report it.',
  UNKNOWN_OP: 'The helper does not know this operation: the app and the helper are probably different versions.',
  NOT_FOUND: 'The mountpoint no longer exists.',
  NOT_A_MOUNTPOINT: 'The path is no longer a mountpoint (it was unmounted, or replaced by a symbolic link).',
  MOUNT_CHANGED:
    'The mount changed since the list was read (something was mounted over it, or it was remounted). Check the list and try again.',
  HOLD_LIMIT: 'The freeze cannot be extended that far: it would be held longer than the helper allows in total.',
  UNSUPPORTED_FS: 'This filesystem type cannot be frozen.',
  ALREADY_FROZEN: 'Freezeframe already holds this filesystem frozen.',
  FROZEN_ELSEWHERE:
    'Another program froze this filesystem (fsfreeze, a backup tool, a hypervisor agent). It stays frozen until that program thaws it.',
  NOT_FROZEN: 'The filesystem is not frozen (any more: its deadline or a thaw came first), so there is nothing to thaw or extend.',
  NOT_HELD:
    'Freezeframe does not hold this freeze: someone else froze it. Thaw it anyway only if you know that program is done with it.',
  REFUSED_UNSAFE:
    'The helper refuses to freeze this filesystem: it holds the root filesystem or the helper itself, and freezing it can hang the system.',
  TIMEOUT_OUT_OF_RANGE: 'The auto-thaw timeout is outside the range the helper allows.',
  PERMISSION_DENIED: 'The kernel refused permission to freeze or thaw this filesystem.',
  IO_ERROR: 'The kernel reported an error while freezing or thawing this filesystem.',
  // About the helper process.
  HELPER_MISSING: 'The helper program is not installed where Freezeframe looks for it. Reinstall Freezeframe.',
  PKEXEC_MISSING: 'pkexec (polkit) is not installed, so Freezeframe cannot ask for administrator rights.',
  AUTH_DISMISSED: 'The authentication dialog was dismissed. Nothing was frozen or thawed.',
  NOT_AUTHORIZED: 'The system policy did not allow the helper to run as administrator.',
  HELPER_SPAWN_FAILED: 'The helper could not be started.',
  PROTOCOL_MISMATCH: 'The helper speaks another protocol version than this app: reinstall Freezeframe so both match.',
  PROTOCOL_ERROR: 'The helper answered with something unreadable; it was stopped, and its guardian thawed what it held.',
  HELPER_EXITED: 'The helper exited before answering. Its guardian thawed every filesystem it held.',
  HELPER_NOT_RUNNING: 'The helper is not running. Start it and try again.',
  CALL_TIMEOUT:
    'The helper did not answer in time. The filesystem may be hung; auto-thaw deadlines still apply in the helper.',
  // Between the window and the app.
  INVALID_ARGUMENT: 'The app sent a request the service does not accept. This is a bug in Freezeframe; please report it.',
  UNKNOWN_MOUNT: 'This filesystem is no longer mounted.',
  DANGER_NOT_CONFIRMED: 'This filesystem is marked dangerous: type its mountpoint to confirm the freeze.',
  BUSY: 'Another action on this filesystem is still running. Wait for it to finish.',
  UNAUTHORIZED: 'This browser session is not authorized. Open the address that `npm run serve` printed again.',
  INTERNAL: 'Freezeframe failed unexpectedly. This is a bug; please report it with the log.',
  PLAN_INVALID: 'The backup plan is not valid: fix the fields named in the details.',
  PLAN_NOT_FOUND: 'There is no saved backup plan with that name.',
  COMMANDS_NOT_CONFIRMED: 'This plan runs commands you have not confirmed yet (or they changed). Review them and confirm.',
  BACKUP_RUNNING: 'A backup is already running. Wait for it to finish or cancel it.',
  RUN_NOT_FOUND: 'That backup run is not running (it finished, or the app restarted).',
  HOOK_FAILED: 'A hook failed (non-zero exit, timeout, or no ready line). Nothing stays frozen; see its output.',
  SNAPSHOT_FAILED: 'The snapshot failed. The filesystems were thawed; see the output for why.',
  WINDOW_EXCEEDED:
    'A window ran out before the snapshot was done. The filesystems were thawed and the snapshot is marked untrustworthy: retry.',
  ACCESS_DENIED:
    'You may not read this backing file or snapshot this subvolume. Use the command method (which may use sudo itself), or fix the permissions.',
  METHOD_UNSUPPORTED: 'This snapshot method cannot capture one of the filesystems (image clone needs a loop-backed filesystem, btrfs a btrfs one).',
  VERIFY_FAILED: 'The snapshot did not verify clean: do not back up from it.',
  DESTINATION_FULL: 'The export destination is full. The partial export was removed; free space or choose another folder.',
  EXPORT_FAILED: 'The export failed. The partial export was removed.',
  CANCELLED: 'Cancelled. Everything was thawed and partial files were removed.',
  PLAN_UNSAFE: 'An unattended plan run as root must be owned by root and writable by no one else (chown root, chmod go-w).',
  RUN_INTERRUPTED:
    "Freezeframe stopped during this backup run (it was killed or the machine went down). The helper's deadline and guardian thawed the filesystems; the snapshot, if any, is untrustworthy.",
  OPERATOR_REQUIRED:
    'This plan uses the manual method: someone must take the storage snapshot while the filesystems are frozen and confirm it, and nobody can answer here (no terminal, as under cron). Nothing was frozen. Run it from a terminal, where the command line asks, or from the Backups view; unattended, use the command method.',
  FOLDER_UNSAFE:
    'A folder this run writes to or removes from can be changed by another user, who could redirect what it writes or removes: it was refused, and nothing was written there.',
  DISCONNECTED: "Lost the connection to Freezeframe's server. Reconnecting; if the server was restarted, open the new URL it printed.",
};

export const HELPER_STATE_TITLES: Record<HelperStateName, string> = {
  'not-started': 'Helper not started',
  starting: 'Starting the helper',
  authenticating: 'Asking for authentication',
  running: 'Helper running',
  dismissed: 'Authentication dismissed',
  'not-authorized': 'Not authorized',
  'pkexec-missing': 'pkexec is missing',
  'helper-missing': 'Helper is missing',
  exited: 'Helper exited',
  failed: 'Helper failed to start',
};

export const HELPER_STATE_GUIDANCE: Record<HelperStateName, string> = {
  'not-started':
    'The privileged helper starts the first time you freeze, thaw or probe a filesystem, and asks for your password then. You can also start it now.',
  starting: 'The helper is starting. This takes a moment.',
  authenticating:
    'Answer the system authentication dialog to let the helper run as administrator. In web mode, answer the prompt in the terminal that runs the server.',
  running: 'The helper is running. Every freeze it holds thaws by itself at its deadline, whatever happens to this window.',
  dismissed: 'The authentication dialog was closed without an answer, so nothing was frozen. Try again when you are ready.',
  'not-authorized':
    'The system policy (polkit) did not allow the helper to run as administrator. Ask your administrator to allow Freezeframe, or check that its polkit policy is installed.',
  'pkexec-missing':
    'pkexec is not installed, so Freezeframe cannot ask for administrator rights. Install polkit (package "polkit" or "policykit-1"), or start the web mode with sudo.',
  'helper-missing':
    'The helper program was not found where Freezeframe expects it. Reinstall Freezeframe; in a development checkout, run `npm run build:helper`.',
  exited:
    'The helper exited. Its guardian thawed every filesystem the helper had frozen, so nothing stays frozen. The next action starts it again.',
  failed: 'The helper could not be started. The details are below; try again, or check the system log.',
};

/**
 * The message to show for a failure. Codes arrive over IPC or a socket, so an
 * unknown one is possible at run time: fall back to the sender's own text.
 */
export function humanMessage(error: AppErrorShape): string {
  return isErrorCode(error.code) ? ERROR_MESSAGES[error.code] : error.message;
}

/** Codes whose sender's text carries what the person needs (which errno, which spawn error, which failure, which run). */
const DETAIL_WORTH_SHOWING: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['IO_ERROR', 'HELPER_SPAWN_FAILED', 'PROTOCOL_MISMATCH', 'INTERNAL', 'BACKUP_RUNNING']);

/** The human message, with the sender's own text added where it says more. */
export function describeError(error: AppErrorShape): string {
  const human = humanMessage(error);
  if (!isErrorCode(error.code) || !DETAIL_WORTH_SHOWING.has(error.code) || !error.message || error.message === human) return human;
  return `${human} (${error.message})`;
}
