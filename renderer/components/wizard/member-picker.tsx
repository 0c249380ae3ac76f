/**
 * Step 1's members: filesystems from the current mount table that can be
 * frozen. Several make a consistency group, frozen together, all or nothing.
 * A plan names them by mountpoint; main resolves them again at run time.
 */
import { useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { memberCandidates } from '../../store/backup-selectors';
import { useApp } from '../../store/store';
import { DANGER_LABELS } from '../../format';

/** Rows shown at once; the filter finds the rest on a machine with many mounts. */
const SHOWN = 200;

export function MemberPicker({ problem }: { problem?: string }) {
  const candidates = useApp(useShallow(memberCandidates));
  const mounts = useApp((s) => s.draft.mounts);
  const updateDraft = useApp((s) => s.updateDraft);
  const [filter, setFilter] = useState('');
  const id = useId();
  const needle = filter.trim().toLowerCase();
  const matching = needle ? candidates.filter((r) => r.path.toLowerCase().includes(needle) || r.fsType.toLowerCase().includes(needle)) : candidates;
  const known = new Set(candidates.map((r) => r.path));
  const missing = mounts.filter((m) => !known.has(m));

  const toggle = (path: string, on: boolean) => updateDraft({ mounts: on ? [...mounts, path] : mounts.filter((m) => m !== path) });

  return (
    <fieldset className="wizard__fieldset" aria-describedby={`${id}-hint`}>
      <legend className="field__label">Filesystems to freeze</legend>
      <p id={`${id}-hint`} className={problem ? 'field__problem' : 'field__hint'}>
        {problem ??
          'Pick one, or several for a consistency group (e.g. a database’s data and log volumes): a group is frozen together, all or nothing — if one member cannot be frozen, none stays frozen.'}
      </p>
      <input type="search" aria-label="Filter filesystems" placeholder="Filter by mountpoint or type" value={filter} onChange={(e) => setFilter(e.target.value)} />
      <ul className="member-list">
        {missing.map((path) => (
          <li key={path}>
            <label className="check">
              <input type="checkbox" checked onChange={() => toggle(path, false)} />
              {path}
            </label>
            <span className="field__problem"> not mounted now</span>
          </li>
        ))}
        {matching.slice(0, SHOWN).map((row) => (
          <li key={row.id}>
            <label className="check">
              <input type="checkbox" checked={mounts.includes(row.path)} onChange={(e) => toggle(row.path, e.target.checked)} aria-describedby={`${id}-${row.id}`} />
              {row.path}
            </label>
            <span id={`${id}-${row.id}`} className="muted member-list__detail">
              {row.fsType} · {row.source}
              {row.danger.length > 0 ? <span className="member-list__danger"> ⚠ dangerous: {row.danger.map((d) => DANGER_LABELS[d.kind]).join(', ')}</span> : null}
            </span>
          </li>
        ))}
      </ul>
      {matching.length > SHOWN ? <p className="field__hint">{matching.length - SHOWN} more: filter to find them.</p> : null}
      {matching.length === 0 && missing.length === 0 ? <p className="field__hint">No freezable filesystem matches.</p> : null}
      {mounts.length > 1 ? (
        <p className="wizard__note" role="status">
          Consistency group of {mounts.length} filesystems: frozen together, all or nothing.
        </p>
      ) : null}
    </fieldset>
  );
}
