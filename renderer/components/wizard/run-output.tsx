/**
 * Hooks', commands' and checkers' output, live; it follows the end unless you
 * scrolled up to read. A line reads as main classed it: stderr in red, but a
 * checker's progress plainly, an expected finding muted and marked
 * "expected", and Freezeframe's own notes as notes.
 */
import { useLayoutEffect, useRef } from 'react';
import type { BackupOutputLine } from '../../../app/backup';
import { useApp } from '../../store/store';

function lineClass(line: BackupOutputLine): string {
  switch (line.kind) {
    case 'note':
      return 'run-output__line is-note';
    case 'expected':
      return 'run-output__line is-expected';
    case 'progress':
      return 'run-output__line';
    default:
      return line.stream === 'stderr' ? 'run-output__line is-stderr' : 'run-output__line';
  }
}

export function RunOutput() {
  const lines = useApp((s) => s.runOutput);
  const ref = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);

  useLayoutEffect(() => {
    const box = ref.current;
    if (box && atEnd.current) box.scrollTop = box.scrollHeight;
  }, [lines]);

  return (
    <div
      ref={ref}
      className="run-output"
      role="log"
      aria-label="Output"
      tabIndex={0}
      onScroll={(e) => {
        const box = e.currentTarget;
        atEnd.current = box.scrollHeight - box.scrollTop - box.clientHeight < 24;
      }}
    >
      {lines.length === 0 ? <p className="muted">No output yet.</p> : null}
      {lines.map((line, i) => (
        <div key={i} className={lineClass(line)} data-kind={line.kind}>
          <span className="run-output__source">[{line.source}]</span>{' '}
          {line.kind === 'expected' || line.kind === 'note' ? <span className="run-output__tag">{line.kind}:</span> : null}
          {line.kind === 'expected' || line.kind === 'note' ? ' ' : null}
          {line.text}
        </div>
      ))}
    </div>
  );
}
