/** Shown when the row a dialog was opened for was unmounted meanwhile. */
import { Dialog } from './dialog';

export function GoneDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Filesystem unmounted" onClose={onClose}>
      <p>This filesystem is no longer mounted, so there is nothing to do.</p>
      <div className="dialog__buttons">
        <button type="button" className="button button--primary" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
