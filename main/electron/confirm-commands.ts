/**
 * Main's own confirmation of a plan's commands (CoreOptions.confirmCommands):
 * a native dialog, which the renderer can neither draw nor answer, listing
 * each command's role and its argv as it will run: each argument quoted,
 * invisible and direction-changing characters escaped, long ones elided
 * visibly (app/command-display.ts), and as whom they run, truthfully.
 * Cancel is the default.
 */
import { userInfo } from 'node:os';
import type { MessageBoxOptions, MessageBoxReturnValue } from 'electron';
import { displayCommand, displayNotes, visibleText } from '../../app/command-display';
import type { CommandsConfirmationRequest } from '../core/api';

const ROLES: Record<CommandsConfirmationRequest['commands'][number]['role'], string> = {
  'pre-freeze': 'Pre-freeze hook (before the freeze)',
  hold: 'Hold hook (keeps running through the freeze)',
  command: 'Snapshot command (while frozen)',
  'post-thaw': 'Post-thaw hook (after the thaw)',
};

const RUN_BUTTON = 0;
export const CANCEL_BUTTON = 1;

export function commandsMessageBox(request: CommandsConfirmationRequest, runsAs: { user: string; uid: number } = currentUser()): MessageBoxOptions {
  const n = request.commands.length;
  const shown = request.commands.map((c) => displayCommand(c.argv, c.shell));
  const lines = request.commands.map((c, i) => `${i + 1}. ${ROLES[c.role]}${c.shell ? ', through /bin/sh -c' : ''}:\n${shown[i]!.text}`);
  const notes = displayNotes(shown).map((note) => `${note}\n\n`).join('');
  const who = runsAs.uid === 0 ? 'They run as root (Freezeframe runs as root)' : `They run as ${runsAs.user} (not as root)`;
  return {
    type: 'warning',
    title: 'Run these commands?',
    message: `The backup plan "${visibleText(request.planName)}" runs ${n === 1 ? 'this command' : `these ${n} commands`}:`,
    detail: `${lines.join('\n\n')}\n\n${notes}${who}, at each run of this plan, until the plan changes: then you are asked again.`,
    buttons: ['Run these commands', 'Cancel'],
    defaultId: CANCEL_BUTTON,
    cancelId: CANCEL_BUTTON,
    noLink: true,
  };
}

/** The confirmCommands option, showing the dialog through `show` (dialog.showMessageBox on the window). */
export function confirmCommandsWith(show: (options: MessageBoxOptions) => Promise<MessageBoxReturnValue>): (request: CommandsConfirmationRequest) => Promise<boolean> {
  return async (request) => (await show(commandsMessageBox(request))).response === RUN_BUTTON;
}

function currentUser(): { user: string; uid: number } {
  const uid = process.geteuid?.() ?? -1;
  try {
    return { user: userInfo().username, uid };
  } catch {
    return { user: 'your user', uid };
  }
}
