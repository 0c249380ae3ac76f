/** Extend: a new auto-thaw timeout, counted from now (the helper resets the deadline). */
import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { selectRow, selectTimeoutLimits } from '../../store/selectors';
import { useApp } from '../../store/store';
import { Dialog } from './dialog';
import { DANGEROUS_MAX_TIMEOUT_MS } from '../../../app/limits';
import { GoneDialog } from './gone-dialog';
import { TimeoutField, timeoutProblem } from './timeout-field';

export function ExtendDialog({ id }: { id: string }) {
  const row = useApp(selectRow(id));
  const limits = useApp(useShallow(selectTimeoutLimits));
  const extend = useApp((s) => s.extend);
  const close = useApp((s) => s.closeDialog);
  const unsafe = row?.danger.some((d) => d.kind === 'root' || d.kind === 'helper') ?? false;
  const maxMs = unsafe ? Math.min(limits.maxMs, DANGEROUS_MAX_TIMEOUT_MS) : limits.maxMs;
  const [seconds, setSeconds] = useState(() => String(Math.round(Math.min(row?.freeze.timeoutMs ?? limits.defaultMs, maxMs) / 1000)));
  if (!row) return <GoneDialog onClose={close} />;

  const valid = timeoutProblem(seconds, maxMs) === null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    close();
    void extend(id, Number(seconds.trim()) * 1000);
  };

  return (
    <Dialog title={`Extend ${row.path}`} onClose={close}>
      <form onSubmit={submit} noValidate>
        <p>
          Keep <strong>{row.path}</strong> frozen longer. The new timeout counts from now; the helper may refuse a total hold longer than its limit.
        </p>
        <TimeoutField value={seconds} onChange={setSeconds} maxMs={maxMs} label="Auto-thaw after (seconds)" hint="Counted from now." />
        <div className="dialog__buttons">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={!valid}>
            Extend
          </button>
        </div>
      </form>
    </Dialog>
  );
}
