/**
 * The wizard's form controls: a label, the input, and one line below it that
 * is either the hint or, when the field has a problem, the problem (linked
 * with aria-describedby and aria-invalid, as the Freeze dialog does).
 */
import { useId, type ReactNode } from 'react';

interface FieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: ReactNode;
  problem?: string;
  placeholder?: string;
  /** A textarea of this many rows instead of a one-line input. */
  rows?: number;
  inputMode?: 'numeric' | 'decimal' | 'text';
  className?: string;
}

export function TextField({ label, value, onChange, hint, problem, placeholder, rows, inputMode, className }: FieldProps) {
  const id = useId();
  const common = {
    id,
    value,
    placeholder,
    spellCheck: false,
    autoComplete: 'off',
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': hint || problem ? `${id}-hint` : undefined,
  } as const;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {rows ? (
        <textarea {...common} rows={rows} className="wizard__textarea" onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input {...common} type="text" inputMode={inputMode} onChange={(event) => onChange(event.target.value)} />
      )}
      {hint || problem ? (
        <p id={`${id}-hint`} className={problem ? 'field__problem' : 'field__hint'}>
          {problem ?? hint}
        </p>
      ) : null}
    </div>
  );
}

/** Seconds, as text (so a half-typed value stays on screen). */
export function SecondsField(props: Omit<FieldProps, 'rows' | 'inputMode'>) {
  return <TextField {...props} inputMode="decimal" className="field--short" />;
}

interface CheckProps {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: ReactNode;
}

export function CheckField({ label, checked, onChange, hint }: CheckProps) {
  const id = useId();
  return (
    <div className="field field--check">
      <label className="check">
        <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} aria-describedby={hint ? `${id}-hint` : undefined} />
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A problem that belongs to no single field. */
export function FormProblem({ problem }: { problem?: string }) {
  if (!problem) return null;
  return (
    <p className="field__problem" role="alert">
      {problem}
    </p>
  );
}
