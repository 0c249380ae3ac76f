/**
 * The storage-array method's moment: the filesystems are frozen, the hold
 * window is counting, and the operator works through the checklist, then
 * says "Snapshot taken" (the time is recorded, with the notes).
 */
import { useState } from 'react';
import { useApp } from '../../store/store';
import { TextField } from './fields';

export function ManualSnapshot() {
  const checklist = useApp((s) => s.run?.checklist ?? []);
  const confirmSnapshot = useApp((s) => s.confirmSnapshot);
  const confirming = useApp((s) => s.runAction === 'confirm');
  const [notes, setNotes] = useState('');
  const [ticked, setTicked] = useState<ReadonlySet<number>>(new Set());
  const tick = (i: number, on: boolean) =>
    setTicked((prev) => {
      const next = new Set(prev);
      if (on) next.add(i);
      else next.delete(i);
      return next;
    });

  return (
    <section className="manual-snapshot" aria-label="Take the snapshot">
      <p className="manual-snapshot__title">The filesystems are frozen: take the snapshot now, before the hold window runs out.</p>
      {checklist.length > 0 ? (
        <ul className="manual-snapshot__checklist" aria-label="Checklist">
          {checklist.map((item, i) => (
            <li key={i}>
              <label className="check">
                <input type="checkbox" checked={ticked.has(i)} onChange={(e) => tick(i, e.target.checked)} />
                {item}
              </label>
            </li>
          ))}
        </ul>
      ) : null}
      <TextField label="Notes" rows={3} value={notes} onChange={setNotes} hint="For the report: the snapshot’s name, the array’s job id, who took it." />
      <button type="button" className="button button--primary" disabled={confirming} onClick={() => void confirmSnapshot(notes)}>
        Snapshot taken
      </button>
    </section>
  );
}
