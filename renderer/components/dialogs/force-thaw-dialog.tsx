/** Thaw a filesystem someone else froze: allowed, but it may spoil their snapshot. */
import { selectRow } from '../../store/selectors';
import { useApp } from '../../store/store';
import { Dialog } from './dialog';
import { GoneDialog } from './gone-dialog';

export function ForceThawDialog({ id }: { id: string }) {
  const row = useApp(selectRow(id));
  const thaw = useApp((s) => s.thaw);
  const close = useApp((s) => s.closeDialog);
  if (!row) return <GoneDialog onClose={close} />;

  return (
    <Dialog title={`Thaw ${row.path}?`} onClose={close} alert>
      <p>
        Another program froze <strong>{row.path}</strong>; Freezeframe does not hold it. Thawing it now may spoil that program&apos;s snapshot or
        backup.
      </p>
      <p>Thaw it only if you know that program is done, or stuck.</p>
      <div className="dialog__buttons">
        <button type="button" className="button" data-autofocus="" onClick={close}>
          Cancel
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={() => {
            close();
            void thaw(id, true);
          }}
        >
          Thaw anyway
        </button>
      </div>
    </Dialog>
  );
}
