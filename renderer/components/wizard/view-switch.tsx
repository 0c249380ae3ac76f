/** Filesystems | Backups: tabs in the header (arrow keys move between them, as tabs do). */
import type { KeyboardEvent } from 'react';
import { useApp } from '../../store/store';
import type { AppView } from '../../store/backup-types';

const VIEWS: Array<{ view: AppView; label: string }> = [
  { view: 'filesystems', label: 'Filesystems' },
  { view: 'backups', label: 'Backups' },
];

export function ViewSwitch() {
  const current = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const i = VIEWS.findIndex((v) => v.view === current);
    const next = VIEWS[(i + (event.key === 'ArrowRight' ? 1 : VIEWS.length - 1)) % VIEWS.length]!;
    setView(next.view);
    event.currentTarget.querySelector<HTMLElement>(`[data-view="${next.view}"]`)?.focus();
  };
  return (
    <div className="view-switch" role="tablist" aria-label="Views" onKeyDown={onKeyDown}>
      {VIEWS.map(({ view, label }) => (
        <button
          key={view}
          type="button"
          role="tab"
          data-view={view}
          aria-selected={view === current}
          aria-controls="view-panel"
          tabIndex={view === current ? 0 : -1}
          className={view === current ? 'view-switch__tab is-current' : 'view-switch__tab'}
          onClick={() => setView(view)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
