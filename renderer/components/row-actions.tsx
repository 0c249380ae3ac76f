/**
 * A row's buttons, named exactly Freeze, Thaw, Extend, Probe. Two fixed slots
 * (primary: Freeze/Thaw; secondary: Probe/Extend) so that React keeps the
 * same button element when the state flips, and keyboard focus stays put
 * after a Freeze or a Thaw. A click while the row's own action is in flight
 * is ignored (aria-disabled keeps focus, where `disabled` would drop it).
 */
import type { MountRow } from '../../app/domain';
import { assertNever } from '../../app/errors';
import { useApp } from '../store/store';
import type { RowAction } from '../store/types';

export function unsupportedReason(row: MountRow): string {
  if (row.pseudo) return `${row.fsType} is a pseudo filesystem: there is nothing on disk to freeze.`;
  return `${row.fsType} does not support freezing.`;
}

function reasonId(id: string): string {
  return `unsupported-${id}`;
}

/**
 * The disabled Freeze button's description, in small print beside it: at
 * most three lines (the row has a fixed height), the whole text in its title.
 */
function UnsupportedReason({ row }: { row: MountRow }) {
  const reason = unsupportedReason(row);
  return (
    <span id={reasonId(row.id)} className="muted reason" title={reason}>
      {reason}
    </span>
  );
}

interface ButtonProps {
  label: 'Freeze' | 'Thaw' | 'Extend' | 'Probe';
  onPress?: () => void;
  busy: boolean;
  disabled?: boolean;
  describedBy?: string;
  tone?: 'primary' | 'secondary';
}

function ActionButton({ label, onPress, busy, disabled = false, describedBy, tone = 'secondary' }: ButtonProps) {
  return (
    <button
      type="button"
      className={`button button--${tone}`}
      disabled={disabled}
      aria-disabled={busy || undefined}
      aria-describedby={describedBy}
      onClick={(event) => {
        event.stopPropagation();
        if (!busy && onPress) onPress();
      }}
    >
      {label}
    </button>
  );
}

export function RowActions({ row, pending }: { row: MountRow; pending: RowAction | undefined }) {
  const openDialog = useApp((s) => s.openDialog);
  const thaw = useApp((s) => s.thaw);
  const busy = pending !== undefined;
  const id = row.id;
  const state = row.freeze.state;

  switch (state) {
    case 'thawed':
    case 'freezing': {
      const cannot = !row.freezable;
      return (
        <div className="row-actions">
          <ActionButton
            key="primary"
            tone="primary"
            label="Freeze"
            busy={busy}
            disabled={state === 'freezing' || cannot}
            describedBy={cannot ? reasonId(id) : undefined}
            onPress={() => openDialog('freeze', id)}
          />
          {cannot ? (
            <UnsupportedReason key="secondary" row={row} />
          ) : (
            <ActionButton key="secondary" label="Probe" busy={busy} disabled={state === 'freezing'} onPress={() => openDialog('probe', id)} />
          )}
        </div>
      );
    }
    case 'frozen':
    case 'thawing':
      return (
        <div className="row-actions">
          <ActionButton key="primary" tone="primary" label="Thaw" busy={busy} disabled={state === 'thawing'} onPress={() => void thaw(id)} />
          <ActionButton key="secondary" label="Extend" busy={busy} disabled={state === 'thawing'} onPress={() => openDialog('extend', id)} />
        </div>
      );
    case 'frozen-elsewhere':
      return (
        <div className="row-actions">
          <ActionButton key="primary" tone="primary" label="Thaw" busy={busy} onPress={() => openDialog('force-thaw', id)} />
          <ActionButton key="secondary" label="Probe" busy={busy} onPress={() => openDialog('probe', id)} />
        </div>
      );
    case 'unsupported':
      return (
        <div className="row-actions">
          <ActionButton key="primary" tone="primary" label="Freeze" busy={busy} disabled describedBy={reasonId(id)} />
          <UnsupportedReason key="secondary" row={row} />
        </div>
      );
    default:
      return assertNever(state, 'freeze state');
  }
}
