/**
 * What the user confirms before a run: the exact argv of every command (the
 * first time, or when they changed), and each dangerous member by typing its
 * mountpoint (kept in the plan's confirmDangerous, so main checks it again).
 */
import { useId, useState } from 'react';
import type { Preflight, PreflightMember } from '../../../app/backup';
import { useApp } from '../../store/store';
import { MountpointConfirm } from '../mountpoint-confirm';
import { displayCommand, displayNotes } from '../../../app/command-display';
import { ROLE_LABELS, runsAsWords } from './labels';

export function CommandsConfirm({ preflight, checked, onChange }: { preflight: Preflight; checked: boolean; onChange: (checked: boolean) => void }) {
  const runsAs = useApp((s) => s.appInfo?.runsAs);
  if (preflight.commands.length === 0) return null;
  const shown = preflight.commands.map((c) => displayCommand(c.argv, c.shell));
  return (
    <section className="confirm-box" aria-label="Commands">
      <h4 className="wizard__subtitle">Commands this plan runs, exactly</h4>
      <ul className="command-list">
        {preflight.commands.map((c, i) => (
          <li key={i}>
            <span className="command-list__role">{ROLE_LABELS[c.role]}</span>
            <code className="command-list__argv">{shown[i]!.text}</code>
          </li>
        ))}
      </ul>
      {displayNotes(shown).map((note) => (
        <p key={note} className="field__hint" role="note">
          {note}
        </p>
      ))}
      <p className="field__hint">{runsAsWords(runsAs)}</p>
      {preflight.approval === 'changed' ? (
        <p className="field__problem" role="alert">
          This plan changed since you approved it here ({(preflight.changedSinceApproval ?? []).join(', ') || 'its file was edited'}): review it and confirm again.
        </p>
      ) : null}
      {preflight.commandsConfirmed ? (
        <p className="field__hint">You approved this plan, exactly as it is now, before.</p>
      ) : (
        <label className="check">
          <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
          Run these commands as shown
        </label>
      )}
    </section>
  );
}

function DangerConfirm({ member }: { member: PreflightMember }) {
  const confirmDanger = useApp((s) => s.confirmDanger);
  const [typed, setTyped] = useState('');
  const id = useId();
  return (
    <div className="danger-box">
      <p className="danger-box__title">⚠ Freezing {member.mountpoint} is dangerous:</p>
      <ul className="danger-box__reasons">
        {member.danger.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
      <MountpointConfirm
        id={id}
        mountpoint={member.mountpoint}
        value={typed}
        onChange={(value) => {
          setTyped(value);
          if (value === member.mountpoint) void confirmDanger(member.mountpoint);
        }}
        hint="The mountpoint, exactly. It is saved in the plan."
      />
    </div>
  );
}

/** Dangerous members not confirmed in the saved plan yet. */
export function unconfirmedDangers(preflight: Preflight, confirmed: readonly string[]): PreflightMember[] {
  return preflight.members.filter((m) => m.danger.length > 0 && !confirmed.includes(m.mountpoint));
}

export function DangerConfirms({ members }: { members: PreflightMember[] }) {
  if (members.length === 0) return null;
  return (
    <section aria-label="Dangerous filesystems">
      {members.map((m) => (
        <DangerConfirm key={m.mountpoint} member={m} />
      ))}
    </section>
  );
}
