/**
 * Step 2, optional: the quiesce hooks. Each runs as the user main runs as (said as it is), as an argv,
 * with its own timeout; its output streams live during the run.
 */
import type { CommandDraft, HoldHookDraft } from '../../store/backup-draft';
import { useApp } from '../../store/store';
import { CommandFields, type CommandRole } from './command-fields';
import { CheckField, SecondsField, TextField } from './fields';
import { runsAsWords } from './labels';

export function StepHooks() {
  const draft = useApp((s) => s.draft);
  const problems = useApp((s) => s.draftProblems);
  const update = useApp((s) => s.updateDraft);
  const runsAs = useApp((s) => s.appInfo?.runsAs);
  const setPre = (patch: Partial<CommandDraft>) => update({ preFreeze: { ...draft.preFreeze, ...patch } });
  const setPost = (patch: Partial<CommandDraft>) => update({ postThaw: { ...draft.postThaw, ...patch } });
  const setHold = (patch: Partial<HoldHookDraft>) => update({ hold: { ...draft.hold, ...patch } });

  return (
    <>
      <p className="field__hint">All optional. {runsAsWords(runsAs)}</p>
      <CommandHook
        name="Pre-freeze hook"
        role="pre-freeze"
        hint="Before the freeze, e.g. to flush a database or pause a queue. If it fails, nothing is frozen."
        value={draft.preFreeze}
        onChange={setPre}
        problem={problems.preFreeze}
        timeoutProblem={problems.preFreezeTimeout}
      />
      <section className="hook" aria-label="Hold hook">
        <CheckField
          label="Run a hold hook"
          checked={draft.hold.enabled}
          onChange={(enabled) => setHold({ enabled })}
          hint="For locks that live as long as a session, like MySQL’s FLUSH TABLES WITH READ LOCK: it keeps running, prints the ready line once the lock is taken, and is told to let go after the thaw (stdin closed, then SIGTERM)."
        />
        {draft.hold.enabled ? (
          <>
            <CommandFields
              name="Hold hook"
              role="hold"
              value={draft.hold}
              onChange={setHold}
              problem={problems.holdHook}
              timeoutLabel="Hold hook: ready timeout (seconds)"
              timeoutHint="The freeze waits this long for the ready line; without it, nothing is frozen."
              timeoutProblem={problems.holdHookReadyTimeout}
            />
            <div className="wizard__row">
              <TextField label="Hold hook: ready line" value={draft.hold.readyLine} onChange={(readyLine) => setHold({ readyLine })} problem={problems.holdHookReadyLine} hint="The exact line it prints on stdout when the lock is held." />
              <SecondsField
                label="Hold hook: release timeout (seconds)"
                value={draft.hold.releaseTimeoutS}
                onChange={(releaseTimeoutS) => setHold({ releaseTimeoutS })}
                problem={problems.holdHookReleaseTimeout}
                hint="After the thaw its stdin is closed; SIGTERM follows if it is still running after this long."
              />
            </div>
          </>
        ) : null}
      </section>
      <CommandHook
        name="Post-thaw hook"
        role="post-thaw"
        hint="After the thaw, e.g. to resume what the pre-freeze hook paused. It runs even when the snapshot failed."
        value={draft.postThaw}
        onChange={setPost}
        problem={problems.postThaw}
        timeoutProblem={problems.postThawTimeout}
      />
    </>
  );
}

/** A hook that is one command: a box to turn it on, then its fields. */
interface CommandHookProps {
  name: string;
  role: CommandRole;
  hint: string;
  value: CommandDraft;
  onChange: (patch: Partial<CommandDraft>) => void;
  problem?: string;
  timeoutProblem?: string;
}

function CommandHook({ name, role, hint, value, onChange, problem, timeoutProblem }: CommandHookProps) {
  return (
    <section className="hook" aria-label={name}>
      <CheckField label={`Run a ${name.toLowerCase()}`} checked={value.enabled} onChange={(enabled) => onChange({ enabled })} hint={hint} />
      {value.enabled ? <CommandFields name={name} role={role} value={value} onChange={onChange} problem={problem} timeoutProblem={timeoutProblem} /> : null}
    </section>
  );
}
