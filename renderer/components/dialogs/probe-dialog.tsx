/**
 * Probe: the kernel keeps no record of who froze what, so the only way to
 * learn whether another program froze a filesystem is to try. Say so first.
 */
import { selectRow } from '../../store/selectors';
import { useApp } from '../../store/store';
import { Dialog } from './dialog';
import { GoneDialog } from './gone-dialog';

export function ProbeDialog({ id }: { id: string }) {
  const row = useApp(selectRow(id));
  const probe = useApp((s) => s.probe);
  const close = useApp((s) => s.closeDialog);
  if (!row) return <GoneDialog onClose={close} />;

  return (
    <Dialog title={`Probe ${row.path}`} onClose={close}>
      <p>Probe finds out whether another program (fsfreeze, a backup tool, a hypervisor agent) has frozen this filesystem.</p>
      <p>
        If nobody has, the helper freezes it and thaws it again at once to find out: writers to <strong>{row.path}</strong> may pause for a
        moment.
      </p>
      <div className="dialog__buttons">
        <button type="button" className="button" onClick={close}>
          Cancel
        </button>
        <button
          type="button"
          className="button button--primary"
          data-autofocus=""
          onClick={() => {
            close();
            void probe(id);
          }}
        >
          Probe
        </button>
      </div>
    </Dialog>
  );
}
