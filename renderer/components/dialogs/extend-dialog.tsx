/**
 * Extend: a new auto-thaw timeout, counted from now (the helper resets the
 * deadline). The dialog may stay open past the deadline: once the
 * filesystem is no longer frozen by this app (or the Extend is refused for
 * that reason), it says what happened instead, and offers Freeze again.
 */
import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MountRow } from '../../../app/domain';
import { THAW_CAUSE_LABELS, formatClock } from '../../format';
import { selectLastWindow, selectRow, selectTimeoutLimits } from '../../store/selectors';
import { useApp, useAppStoreApi } from '../../store/store';
import { Dialog } from './dialog';
import { DANGEROUS_MAX_TIMEOUT_MS } from '../../../app/limits';
import { GoneDialog } from './gone-dialog';
import { TimeoutField, timeoutProblem } from './timeout-field';

/** The Extend was refused because this app holds no freeze there (any more). */
const NOTHING_TO_EXTEND: ReadonlySet<string> = new Set(['NOT_FROZEN', 'NOT_HELD']);

export function ExtendDialog({ id }: { id: string }) {
  const store = useAppStoreApi();
  const row = useApp(selectRow(id));
  const limits = useApp(useShallow(selectTimeoutLimits));
  const extend = useApp((s) => s.extend);
  const close = useApp((s) => s.closeDialog);
  const unsafe = row?.danger.some((d) => d.kind === 'root' || d.kind === 'helper') ?? false;
  const maxMs = unsafe ? Math.min(limits.maxMs, DANGEROUS_MAX_TIMEOUT_MS) : limits.maxMs;
  const [seconds, setSeconds] = useState(() => String(Math.round(Math.min(row?.freeze.timeoutMs ?? limits.defaultMs, maxMs) / 1000)));
  const [sending, setSending] = useState(false);
  const [refused, setRefused] = useState(false);
  if (!row) return <GoneDialog onClose={close} />;
  if (refused || row.freeze.state !== 'frozen') return <NoLongerFrozen row={row} onClose={close} />;

  const valid = timeoutProblem(seconds, maxMs) === null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid || sending) return;
    setSending(true);
    const ok = await extend(id, Number(seconds.trim()) * 1000);
    const { dialog, rowErrors } = store.getState();
    const code = rowErrors[id]?.code;
    if (!ok && code !== undefined && NOTHING_TO_EXTEND.has(code)) {
      setRefused(true);
      return;
    }
    // Other failures stay on the row, as for every action; close only the dialog this Extend came from.
    if (dialog?.kind === 'extend' && dialog.id === id) close();
  };

  return (
    <Dialog title={`Extend ${row.path}`} onClose={close}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <p>
          Keep <strong>{row.path}</strong> frozen longer. The new timeout counts from now; the helper may refuse a total hold longer than its limit.
        </p>
        <TimeoutField value={seconds} onChange={setSeconds} maxMs={maxMs} label="Auto-thaw after (seconds)" hint="Counted from now." />
        <div className="dialog__buttons">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={!valid} aria-disabled={sending || undefined}>
            Extend
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** What became of the freeze the dialog was opened for: its end, from this session's history. */
function NoLongerFrozen({ row, onClose }: { row: MountRow; onClose: () => void }) {
  const last = useApp(selectLastWindow(row.majorMinor));
  const openDialog = useApp((s) => s.openDialog);
  const state = row.freeze.state;
  let what: string;
  if (state === 'frozen-elsewhere') what = 'is frozen by another program now, not by Freezeframe: there is no deadline of ours to move.';
  else if (state === 'thawing') what = 'is being thawed.';
  else if (last?.endedBy && last.thawedAt !== null) what = `is not frozen any more: it ${THAW_CAUSE_LABELS[last.endedBy]} at ${formatClock(last.thawedAt)}.`;
  else what = 'is not frozen any more: it thawed before the Extend arrived.';
  const canFreeze = state === 'thawed' && row.freezable;

  return (
    <Dialog title={`Extend ${row.path}`} onClose={onClose}>
      <p role="status">
        <strong>{row.path}</strong> {what} Nothing was extended.
      </p>
      {canFreeze ? <p>Freeze it again if you still need it frozen.</p> : null}
      <div className="dialog__buttons">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
        {canFreeze ? (
          <button type="button" className="button button--primary" data-autofocus="" onClick={() => openDialog('freeze', row.id)}>
            Freeze again
          </button>
        ) : null}
      </div>
    </Dialog>
  );
}
