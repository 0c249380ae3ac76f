/** Hooks', commands' and checkers' output, live; it follows the end unless you scrolled up to read. */
import { useLayoutEffect, useRef } from 'react';
import { useApp } from '../../store/store';

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
        <div key={i} className={line.stream === 'stderr' ? 'run-output__line is-stderr' : 'run-output__line'}>
          <span className="run-output__source">[{line.source}]</span> {line.text}
        </div>
      ))}
    </div>
  );
}
