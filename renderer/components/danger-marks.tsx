/**
 * Why freezing a filesystem hurts, kept compact in its fixed-height row: one
 * badge (the weightiest mark, and "+N" for the others) that is a button. Its
 * title lists every reason for a pointer; its description (a hidden element)
 * reads them to a screen reader; pressing it opens the list in the row's
 * extra height, below the main line (heights in row-layout.ts), as the
 * blocked-writers count does. The Freeze dialog lists every reason too.
 */
import { DANGER_KINDS, type DangerMark } from '../../app/domain';
import { DANGER_LABELS } from '../format';
import { useApp } from '../store/store';

export function dangerListId(id: string): string {
  return `danger-${id}`;
}

function dangerDescriptionId(id: string): string {
  return `danger-desc-${id}`;
}

/** Marks in the order of DANGER_KINDS: the root filesystem first, another user's home last. */
export function byWeight(marks: readonly DangerMark[]): DangerMark[] {
  return [...marks].sort((a, b) => DANGER_KINDS.indexOf(a.kind) - DANGER_KINDS.indexOf(b.kind));
}

function sentence(mark: DangerMark): string {
  return `${DANGER_LABELS[mark.kind]}: ${mark.reason}`;
}

interface Props {
  id: string;
  marks: readonly DangerMark[];
  expanded: boolean;
  /** Where the open list goes, from the top of the row. */
  listTop: number;
}

export function DangerMarks({ id, marks, expanded, listTop }: Props) {
  const toggle = useApp((s) => s.toggleDangerExpanded);
  if (marks.length === 0) return null;
  const sorted = byWeight(marks);
  const [first] = sorted;
  const more = sorted.length - 1;
  const labels = sorted.map((mark) => DANGER_LABELS[mark.kind]);
  const name = sorted.length === 1 ? `Danger: ${labels[0]}` : `${sorted.length} dangers: ${labels.join(', ')}`;

  return (
    <>
      <button
        type="button"
        className="danger-badge"
        aria-label={name}
        aria-expanded={expanded}
        aria-controls={expanded ? dangerListId(id) : undefined}
        aria-describedby={expanded ? dangerListId(id) : dangerDescriptionId(id)}
        title={sorted.map(sentence).join('\n')}
        onClick={(event) => {
          event.stopPropagation();
          toggle(id);
        }}
      >
        <span aria-hidden="true" className="danger-badge__icon">
          ⚠
        </span>
        <span className="danger-badge__label">{DANGER_LABELS[first!.kind]}</span>
        {more > 0 ? <span className="danger-badge__more">+{more}</span> : null}
      </button>
      {expanded ? (
        <ul className="row-extra danger-list" id={dangerListId(id)} style={{ top: listTop }} aria-label="Why freezing it is dangerous">
          {sorted.map((mark) => (
            <li key={mark.kind} className="danger-list__item" title={mark.reason}>
              <span className="danger-list__label">
                <span aria-hidden="true">⚠ </span>
                {DANGER_LABELS[mark.kind]}:
              </span>{' '}
              {mark.reason}
            </li>
          ))}
        </ul>
      ) : (
        // Hidden, not merely off-screen: it is the button's description, not read a second time as cell text.
        <span hidden id={dangerDescriptionId(id)}>
          {sorted.map(sentence).join(' ')}
        </span>
      )}
    </>
  );
}
