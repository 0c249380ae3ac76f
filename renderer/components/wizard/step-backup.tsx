/** Step 3: back up from the snapshot: where to, whether to verify it first, and how many to keep. */
import { useApp } from '../../store/store';
import { CheckField, TextField } from './fields';

export function StepBackup() {
  const draft = useApp((s) => s.draft);
  const problems = useApp((s) => s.draftProblems);
  const update = useApp((s) => s.updateDraft);
  if (draft.method === 'manual') {
    return (
      <>
        <p className="wizard__note">
          With the storage array method the backup happens elsewhere, from the array’s snapshot. When you press “Snapshot taken” you can add notes (the snapshot’s
          name, the array’s job id); they go into the report.
        </p>
        <KeepField value={draft.keep} problem={problems.keep} onChange={(keep) => update({ keep })} />
      </>
    );
  }
  return (
    <>
      <TextField
        label="Destination folder"
        value={draft.destination}
        onChange={(destination) => update({ destination })}
        problem={problems.destination}
        placeholder="/srv/backups"
        hint="The snapshot is exported here with a SHA-256 manifest, after the thaw. Leave empty to keep only the snapshot."
      />
      <CheckField
        label="Verify the snapshot before exporting"
        checked={draft.verify}
        onChange={(verify) => update({ verify })}
        hint="A read-only check of each image (e2fsck -fn, xfs_repair -n, btrfs check --readonly). A snapshot that does not check clean is not exported."
      />
      <KeepField value={draft.keep} problem={problems.keep} onChange={(keep) => update({ keep })} />
    </>
  );
}

function KeepField({ value, problem, onChange }: { value: string; problem?: string; onChange: (v: string) => void }) {
  return (
    <TextField
      label="Keep last (backups)"
      value={value}
      onChange={onChange}
      problem={problem}
      inputMode="numeric"
      className="field--short"
      hint="Older snapshots and exports of this plan are removed after a successful run, and the report lists them. Empty keeps all."
    />
  );
}
