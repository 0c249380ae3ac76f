/**
 * Freeze one filesystem: the auto-thaw timeout (default 60 s, at most what
 * the helper allows) and, for a filesystem marked dangerous, each reason
 * spelled out and the mountpoint typed to confirm. Main checks the same
 * confirmation again (DANGER_NOT_CONFIRMED): this dialog is for people.
 */
import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { DANGEROUS_MAX_TIMEOUT_MS } from '../../../app/limits';
import { DANGER_LABELS, formatSpan } from '../../format';
import { selectRow, selectTimeoutLimits } from '../../store/selectors';
import { useApp } from '../../store/store';
import { MountpointConfirm } from '../mountpoint-confirm';
import { Dialog } from './dialog';
import { GoneDialog } from './gone-dialog';
import { TimeoutField, timeoutProblem } from './timeout-field';


export function FreezeDialog({ id }: { id: string }) {
  const row = useApp(selectRow(id));
  const limits = useApp(useShallow(selectTimeoutLimits));
  const freeze = useApp((s) => s.freeze);
  const close = useApp((s) => s.closeDialog);
  const unsafe = row?.danger.some((d) => d.kind === 'root' || d.kind === 'helper') ?? false;
  const maxMs = unsafe ? Math.min(limits.maxMs, DANGEROUS_MAX_TIMEOUT_MS) : limits.maxMs;
  const [seconds, setSeconds] = useState(() => String(Math.round(Math.min(limits.defaultMs, maxMs) / 1000)));
  const [confirm, setConfirm] = useState('');
  if (!row) return <GoneDialog onClose={close} />;

  const dangerous = row.danger.length > 0;
  const confirmed = !dangerous || confirm === row.path;
  const valid = timeoutProblem(seconds, maxMs) === null && confirmed;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    close();
    void freeze(id, Number(seconds.trim()) * 1000, dangerous ? confirm : undefined);
  };

  return (
    <Dialog title={`Freeze ${row.path}`} onClose={close} alert={dangerous}>
      <form onSubmit={submit} noValidate>
        <p>
          Writes to <strong>{row.path}</strong> ({row.fsType}) will wait until it thaws. It thaws by itself when the timeout ends, whatever
          happens to this window.
        </p>
        {row.bindSiblings.length > 0 ? <p className="muted">Its bind mounts freeze with it: they are the same filesystem.</p> : null}
        <TimeoutField value={seconds} onChange={setSeconds} maxMs={maxMs} label="Auto-thaw after (seconds)" hint="Thaws by itself after this long." />
        {dangerous ? (
          <div className="danger-box">
            <p className="danger-box__title">
              <span aria-hidden="true">⚠ </span>Freezing this filesystem is dangerous:
            </p>
            <ul className="danger-box__reasons">
              {row.danger.map((mark) => (
                <li key={mark.kind}>
                  <strong>{DANGER_LABELS[mark.kind]}:</strong> {mark.reason}
                </li>
              ))}
            </ul>
            {unsafe ? <p className="muted">The helper allows at most {formatSpan(DANGEROUS_MAX_TIMEOUT_MS)} for this filesystem.</p> : null}
            <MountpointConfirm id={`confirm-${id}`} mountpoint={row.path} value={confirm} onChange={setConfirm} hint="The mountpoint, exactly." />
          </div>
        ) : null}
        <div className="dialog__buttons">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className={dangerous ? 'button button--danger' : 'button button--primary'} disabled={!valid}>
            Freeze
          </button>
        </div>
      </form>
    </Dialog>
  );
}
