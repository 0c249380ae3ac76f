/** Search, the pseudo-filesystem toggle, the theme choice, the row count and About. */
import { selectVisibleIds } from '../store/selectors';
import { useApp } from '../store/store';
import type { ThemeChoice } from '../store/types';

/**
 * `onAbout`, `onSessions`: App opens the About or Sessions dialog (it makes
 * the page behind it inert, as for every dialog). Sessions: web mode only.
 */
export function Toolbar({ onAbout, onSessions }: { onAbout?: () => void; onSessions?: () => void } = {}) {
  const search = useApp((s) => s.search);
  const setSearch = useApp((s) => s.setSearch);
  const showPseudo = useApp((s) => s.showPseudo);
  const setShowPseudo = useApp((s) => s.setShowPseudo);
  const theme = useApp((s) => s.theme);
  const setTheme = useApp((s) => s.setTheme);
  const shown = useApp((s) => selectVisibleIds(s).length);
  const total = useApp((s) => s.mountOrder.length);
  // Search and count belong to the Filesystems view; the rest of the toolbar stays.
  const filesystems = useApp((s) => s.view === 'filesystems');
  const web = useApp((s) => s.appInfo?.frontDoor === 'web');

  return (
    <div className="toolbar">
      <div role="search" className="toolbar__search-group" hidden={!filesystems}>
        <input
          type="search"
          className="toolbar__search"
          aria-label="Search mounts"
          placeholder="Search mountpoint, source or type"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        <label className="toolbar__toggle">
          <input type="checkbox" checked={showPseudo} onChange={(event) => setShowPseudo(event.target.checked)} />
          Show pseudo filesystems
        </label>
      </div>
      <span className="toolbar__count muted" hidden={!filesystems}>
        {shown} of {total} mounts
      </span>
      <label className="toolbar__theme">
        Theme
        <select value={theme} onChange={(event) => setTheme(event.target.value as ThemeChoice)}>
          <option value="system">System</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      {web && onSessions && (
        <button type="button" className="button" aria-haspopup="dialog" onClick={onSessions}>
          Sessions
        </button>
      )}
      {onAbout && (
        <button type="button" className="button" aria-haspopup="dialog" onClick={onAbout}>
          About
        </button>
      )}
    </div>
  );
}
