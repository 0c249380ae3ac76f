/**
 * A command the plan runs: its argv, one argument per line (no shell, so no
 * quoting surprises), unless the user ticks "run through /bin/sh"; and its
 * timeout. The review step shows the exact argv again for confirmation.
 */
import { CheckField, SecondsField, TextField } from './fields';

export interface CommandValue {
  argv: string;
  shell: boolean;
  timeoutS: string;
}

interface Props {
  /** "Snapshot command", "Pre-freeze hook", ...: prefixes every label so each is unique on the page. */
  name: string;
  value: CommandValue;
  onChange: (patch: Partial<CommandValue>) => void;
  problem?: string;
  timeoutProblem?: string;
  timeoutLabel?: string;
  timeoutHint?: string;
}

export function CommandFields({ name, value, onChange, problem, timeoutProblem, timeoutLabel, timeoutHint }: Props) {
  return (
    <div className="command-fields">
      <TextField
        label={value.shell ? `${name}: shell script` : `${name}: program and arguments`}
        value={value.argv}
        onChange={(argv) => onChange({ argv })}
        rows={value.shell ? 3 : 4}
        placeholder={value.shell ? 'pg_dump mydb | gzip > /backup/db.gz' : '/usr/bin/mysql\n--execute\nFLUSH TABLES'}
        hint={value.shell ? 'Run as /bin/sh -c with this text: quoting and pipes are the shell’s.' : 'One argument per line, the program first; no shell, so nothing needs quoting. Blank lines are ignored.'}
        problem={problem}
      />
      <CheckField label={`${name}: run through /bin/sh`} checked={value.shell} onChange={(shell) => onChange({ shell })} />
      <SecondsField
        label={timeoutLabel ?? `${name}: timeout (seconds)`}
        value={value.timeoutS}
        onChange={(timeoutS) => onChange({ timeoutS })}
        hint={timeoutHint ?? 'Stopped (and counted as failed) after this long.'}
        problem={timeoutProblem}
      />
    </div>
  );
}
