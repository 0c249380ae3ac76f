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

/**
 * Each field's example, as an argv (one argument per line) and as a shell
 * script: a correct use of that role, with no product's name in it.
 */
const EXAMPLES: Record<CommandRole, { argv: string; shell: string }> = {
  // An LVM snapshot of the logical volume holding the filesystem (lvcreate freezes it itself if it is not already).
  snapshot: { argv: '/usr/sbin/lvcreate\n--snapshot\n--name\ndata-snap\n--size\n1G\nvg0/data', shell: 'lvcreate --snapshot --name "data-$(date +%Y%m%d-%H%M)" --size 1G vg0/data' },
  'pre-freeze': { argv: '/usr/bin/systemctl\nstop\nmy-app.service', shell: 'systemctl stop my-app.service' },
  // Holds the lock while it runs: READY once taken, then waits for stdin to close.
  hold: { argv: '/usr/bin/flock\n/run/lock/my-app.lock\n--command\necho READY; cat', shell: 'flock /run/lock/my-app.lock --command "echo READY; cat"' },
  'post-thaw': { argv: '/usr/bin/systemctl\nstart\nmy-app.service', shell: 'systemctl start my-app.service' },
};

export type CommandRole = 'snapshot' | 'pre-freeze' | 'hold' | 'post-thaw';

interface Props {
  /** "Snapshot command", "Pre-freeze hook", ...: prefixes every label so each is unique on the page. */
  name: string;
  /** Which example the empty field shows. */
  role: CommandRole;
  value: CommandValue;
  onChange: (patch: Partial<CommandValue>) => void;
  problem?: string;
  timeoutProblem?: string;
  timeoutLabel?: string;
  timeoutHint?: string;
}

export function CommandFields({ name, role, value, onChange, problem, timeoutProblem, timeoutLabel, timeoutHint }: Props) {
  return (
    <div className="command-fields">
      <TextField
        label={value.shell ? `${name}: shell script` : `${name}: program and arguments`}
        value={value.argv}
        onChange={(argv) => onChange({ argv })}
        rows={value.shell ? 3 : 4}
        placeholder={value.shell ? EXAMPLES[role].shell : EXAMPLES[role].argv}
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
