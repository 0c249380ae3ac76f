/** A native message box, modal to `window` when there is one, free-standing otherwise. */
import { dialog, type BrowserWindow, type MessageBoxOptions, type MessageBoxReturnValue } from 'electron';

export function showMessageBoxOn(window: BrowserWindow | undefined, options: MessageBoxOptions): Promise<MessageBoxReturnValue> {
  return window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options);
}
