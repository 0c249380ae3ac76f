/** Renders the one open dialog, if any (which one lives in the ui slice). */
import { assertNever } from '../../../app/errors';
import { useApp } from '../../store/store';
import { ExtendDialog } from './extend-dialog';
import { ForceThawDialog } from './force-thaw-dialog';
import { FreezeDialog } from './freeze-dialog';
import { ProbeDialog } from './probe-dialog';

export function DialogHost() {
  const dialog = useApp((s) => s.dialog);
  if (!dialog) return null;
  // Keyed by row and kind, so a dialog reopened for another row starts fresh.
  const key = `${dialog.kind}:${dialog.id}`;
  switch (dialog.kind) {
    case 'freeze':
      return <FreezeDialog key={key} id={dialog.id} />;
    case 'extend':
      return <ExtendDialog key={key} id={dialog.id} />;
    case 'probe':
      return <ProbeDialog key={key} id={dialog.id} />;
    case 'force-thaw':
      return <ForceThawDialog key={key} id={dialog.id} />;
    default:
      return assertNever(dialog.kind, 'dialog kind');
  }
}
