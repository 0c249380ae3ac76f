/**
 * Blocked writers of a frozen filesystem: a count that opens the list (pid,
 * command, system call, file). The list sits in the row's extra height,
 * below the main line; its height is accounted for in row-layout.ts.
 */
import type { BlockedWriter, FreezeState } from '../../app/domain';
import { useApp } from '../store/store';
import { writersTop } from './row-layout';

const SHOWS_WRITERS: ReadonlySet<FreezeState> = new Set(['freezing', 'frozen', 'thawing', 'frozen-elsewhere']);

export function writersListId(id: string): string {
  return `writers-${id}`;
}

interface Props {
  id: string;
  writers: readonly BlockedWriter[];
  state: FreezeState;
  expanded: boolean;
  hasMessage: boolean;
}

export function Writers({ id, writers, state, expanded, hasMessage }: Props) {
  const toggle = useApp((s) => s.toggleExpanded);
  if (!SHOWS_WRITERS.has(state) && writers.length === 0) return <span className="muted">—</span>;
  if (writers.length === 0) return <span>0</span>;
  const noun = writers.length === 1 ? 'blocked writer' : 'blocked writers';
  return (
    <>
      <button
        type="button"
        className="link-button"
        aria-expanded={expanded}
        aria-controls={expanded ? writersListId(id) : undefined}
        aria-label={`${writers.length} ${noun}`}
        onClick={(event) => {
          event.stopPropagation();
          toggle(id);
        }}
      >
        {writers.length} <span aria-hidden="true">{expanded ? '▾' : '▸'}</span>
      </button>
      {expanded ? (
        <div className="row-extra writers-list" id={writersListId(id)} style={{ top: writersTop(hasMessage) }}>
          <table>
            <caption className="sr-only">Processes blocked writing to this filesystem</caption>
            <thead>
              <tr>
                <th scope="col">PID</th>
                <th scope="col">Command</th>
                <th scope="col">System call</th>
                <th scope="col">File</th>
              </tr>
            </thead>
            <tbody>
              {writers.map((w) => (
                <tr key={`${w.pid}:${w.tid ?? ''}`}>
                  <td>{w.tid !== undefined && w.tid !== w.pid ? `${w.pid} (thread ${w.tid})` : w.pid}</td>
                  <td>{w.comm}</td>
                  <td>{w.syscall}</td>
                  <td className="writers-list__path">{w.path ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
