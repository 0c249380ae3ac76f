/**
 * The web mode's browser sessions: one per login link used (each link
 * works once), with when it started and was last seen, its browser and
 * open tabs, this browser marked. Revoke ends one at once: its cookie is
 * refused and its tabs are disconnected. All end when the server stops.
 */
import { useEffect } from 'react';
import { formatDateTime } from '../format';
import { useApp } from '../store/store';
import { Dialog } from './dialogs/dialog';

export function SessionsDialog({ onClose }: { onClose: () => void }) {
  const sessions = useApp((s) => s.sessions);
  const loadSessions = useApp((s) => s.loadSessions);
  const revokeSession = useApp((s) => s.revokeSession);
  useEffect(() => {
    void loadSessions();
  }, [loadSessions]);

  return (
    <Dialog title="Browser sessions" onClose={onClose}>
      <p className="muted">Each login link of the server works once and starts a session of its own. All sessions end when the server stops.</p>
      {sessions === null ? (
        <p className="muted">Reading the sessions…</p>
      ) : sessions.length === 0 ? (
        <p className="muted">No sessions.</p>
      ) : (
        <table className="sessions" aria-label="Browser sessions">
          <thead>
            <tr>
              <th scope="col">Browser</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last seen</th>
              <th scope="col">Tabs</th>
              <th scope="col">
                <span className="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id} aria-label={s.current ? 'This browser' : `Session ${s.id}`} data-current={s.current}>
                <td>
                  {s.current ? <strong>This browser: </strong> : null}
                  {s.userAgent}
                </td>
                <td>{formatDateTime(s.createdAt)}</td>
                <td>{formatDateTime(s.lastSeenAt)}</td>
                <td>{s.connections}</td>
                <td>
                  <button type="button" className="button button--danger" onClick={() => void revokeSession(s.id)}>
                    {s.current ? 'Sign out this browser' : 'Revoke'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="dialog__buttons">
        <button type="button" className="button button--primary" data-autofocus="" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
