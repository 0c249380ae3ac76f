/**
 * Main's own confirmation of a plan's commands (CoreOptions.confirmCommands):
 * a native dialog, which the renderer can neither draw nor answer, listing
 * each command's role and its argv exactly as it will run (a JSON array, so
 * spaces and quotes inside an argument are visible). Cancel is the default.
 */
import { userInfo } from 'node:os';
import type { MessageBoxOptions, MessageBoxReturnValue } from 'electron';
import type { CommandsConfirmationRequest } from '../core/api';

const ROLES: Record<CommandsConfirmationRequest['commands'][number]['role'], string> = {
  'pre-freeze': 'Pre-freeze hook (before the freeze)',
  hold: 'Hold hook (keeps running through the freeze)',
  command: 'Snapshot command (while frozen)',
  'post-thaw': 'Post-thaw hook (after the thaw)',
};

const RUN_BUTTON = 0;
export const CANCEL_BUTTON = 1;

export function commandsMessageBox(request: CommandsConfirmationRequest, user: string = currentUser()): MessageBoxOptions {
  const n = request.commands.length;
  const lines = request.commands.map((c, i) => `${i + 1}. ${ROLES[c.role]}${c.shell ? ', through /bin/sh -c' : ''}:\n${JSON.stringify(c.argv)}`);
  return {
    type: 'warning',
    title: 'Run these commands?',
    message: `The backup plan "${request.planName}" runs ${n === 1 ? 'this command' : `these ${n} commands`}:`,
    detail: `${lines.join('\n\n')}\n\nThey run as ${user} (not as root), at each run of this plan, until one of them changes: then you are asked again.`,
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

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'your user';
  }
}
