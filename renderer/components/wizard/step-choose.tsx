/** Step 1: the plan's name, its members, the snapshot method and its options, the two windows, the pre-sync. */
import { SNAPSHOT_METHODS, type SnapshotMethod } from '../../../app/backup';
import { assertNever } from '../../../app/errors';
import { useApp } from '../../store/store';
import { CommandFields } from './command-fields';
import { CheckField, SecondsField, TextField } from './fields';
import { METHOD_HINTS, METHOD_LABELS } from './labels';
import { MemberPicker } from './member-picker';

export function StepChoose() {
  const draft = useApp((s) => s.draft);
  const problems = useApp((s) => s.draftProblems);
  const update = useApp((s) => s.updateDraft);
  const manual = draft.method === 'manual';

  return (
    <>
      <TextField label="Plan name" value={draft.name} onChange={(name) => update({ name })} problem={problems.name} hint='Letters, digits, ".", "_" or "-": the file name of the plan and its reports.' />
      <MemberPicker problem={problems.mounts} />
      <fieldset className="wizard__fieldset">
        <legend className="field__label">Snapshot method</legend>
        {SNAPSHOT_METHODS.map((method: SnapshotMethod) => (
          <div key={method} className="method-choice">
            <label className="check">
              <input type="radio" name="method" value={method} checked={draft.method === method} onChange={() => update({ method })} aria-describedby={`method-${method}-hint`} />
              {METHOD_LABELS[method]}
            </label>
            <p id={`method-${method}-hint`} className="field__hint">
              {METHOD_HINTS[method]}
            </p>
          </div>
        ))}
      </fieldset>
      <MethodOptions />
      <div className="wizard__row">
        <SecondsField
          label="Hold window (seconds)"
          value={draft.holdS}
          onChange={(holdS) => update({ holdS })}
          problem={problems.hold}
          hint={
            manual
              ? 'Required: how long you need to take the snapshot by hand. Writes wait this long at most; then everything thaws and the snapshot is marked untrustworthy.'
              : 'From the freeze to the thaw; writes wait at most this long, and the helper thaws by itself at this deadline. Default 10 s.'
          }
        />
        <SecondsField
          label="Quiesce window (seconds)"
          value={draft.quiesceS}
          onChange={(quiesceS) => update({ quiesceS })}
          problem={problems.quiesce}
          hint="From the pre-freeze hook’s start to the thaw, hooks included. Default 60 s."
        />
      </div>
      <CheckField label="Sync before the freeze" checked={draft.preSync} onChange={(preSync) => update({ preSync })} hint="Writes dirty data out first, so the freeze itself (and the hold) is short." />
    </>
  );
}

function MethodOptions() {
  const draft = useApp((s) => s.draft);
  const problems = useApp((s) => s.draftProblems);
  const update = useApp((s) => s.updateDraft);
  switch (draft.method) {
    case 'manual':
      return (
        <TextField
          label="Checklist"
          rows={4}
          value={draft.checklist}
          onChange={(checklist) => update({ checklist })}
          problem={problems.checklist}
          hint="One step per line, shown beside the countdown (e.g. “Take the array snapshot of LUN 3”)."
        />
      );
    case 'command':
      return (
        <CommandFields
          name="Snapshot command"
          role="snapshot"
          value={draft.command}
          onChange={(patch) => update({ command: { ...draft.command, ...patch } })}
          problem={problems.command}
          timeoutProblem={problems.commandTimeout}
          timeoutHint="It runs while the filesystems are frozen: the hold window ends it anyway."
        />
      );
    case 'image-clone':
      return (
        <div className="wizard__row">
          <TextField
            label="Snapshot folder"
            value={draft.snapshotDir}
            onChange={(snapshotDir) => update({ snapshotDir })}
            problem={problems.snapshotDir}
            placeholder="/var/backups/freezeframe"
            hint="Where the clones of the backing files go: a folder on the host, not on a member (it is frozen while the clone is written)."
          />
          <div className="field">
            <label className="field__label" htmlFor="reflink-choice">
              Reflink
            </label>
            <select id="reflink-choice" value={draft.reflink} onChange={(e) => update({ reflink: e.target.value as typeof draft.reflink })}>
              <option value="auto">Where the host filesystem can (else copy)</option>
              <option value="always">Always (fail if it cannot)</option>
              <option value="never">Never (always copy)</option>
            </select>
          </div>
        </div>
      );
    case 'btrfs':
      return (
        <>
          <p className="wizard__note">
            A btrfs snapshot needs a transaction, so it cannot be taken while that filesystem is frozen; it is atomic anyway. btrfs members are therefore
            snapshotted, not frozen; in a mixed group the other members are frozen and the btrfs snapshots are taken inside their hold window. The report says
            which members were captured atomically rather than frozen.
          </p>
          <TextField
            label="Snapshot folder (optional)"
            value={draft.btrfsDir}
            onChange={(btrfsDir) => update({ btrfsDir })}
            problem={problems.btrfsDir}
            hint="Inside the btrfs filesystem; by default <mountpoint>/.freezeframe-snapshots."
          />
        </>
      );
    default:
      return assertNever(draft.method, 'snapshot method');
  }
}
