/** The auto-thaw timeout, in whole seconds, with its limit and inline validation. */
import { useId } from 'react';
import { formatSpan } from '../../format';

/** Null when valid, else the message to show. */
export function timeoutProblem(text: string, maxMs: number): string | null {
  const maxSeconds = Math.floor(maxMs / 1000);
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return `Enter a whole number of seconds, from 1 to ${maxSeconds}.`;
  const seconds = Number(trimmed);
  if (seconds < 1) return 'The timeout must be at least 1 second.';
  if (seconds > maxSeconds) return `At most ${maxSeconds} seconds (${formatSpan(maxMs)}): the helper's limit.`;
  return null;
}

interface Props {
  value: string;
  onChange: (value: string) => void;
  maxMs: number;
  label: string;
  hint: string;
}

export function TimeoutField({ value, onChange, maxMs, label, hint }: Props) {
  const id = useId();
  const problem = timeoutProblem(value, maxMs);
  const seconds = Number(value);
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={1}
        max={Math.floor(maxMs / 1000)}
        step={1}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-hint`}
        data-autofocus=""
      />
      <p id={`${id}-hint`} className={problem ? 'field__problem' : 'field__hint'}>
        {problem ?? `${hint} ${Number.isFinite(seconds) && seconds >= 120 ? `(${formatSpan(seconds * 1000)}) ` : ''}Limit: ${formatSpan(maxMs)}.`}
      </p>
    </div>
  );
}
