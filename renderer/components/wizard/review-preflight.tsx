/** What the saved plan would do now, from backup.preflight: members, dirty data, steps, the longest freeze, warnings, blockers. */
import type { Preflight, PreflightMember } from '../../../app/backup';
import { formatBytes, formatSpan } from '../../format';
import { CAPTURE_LABELS } from './labels';

function yesNo(value: boolean | undefined): string {
  return value === undefined ? '—' : value ? 'yes' : 'no';
}

function MemberRow({ member }: { member: PreflightMember }) {
  return (
    <tr aria-label={member.mountpoint}>
      <th scope="row">{member.mountpoint}</th>
      <td>
        {member.fsType}
        <span className="muted"> · {member.device}</span>
        {member.mounted ? null : <strong className="field__problem"> not mounted</strong>}
      </td>
      <td className={member.freezable ? undefined : 'field__problem'}>{member.freezable ? 'yes' : 'no'}</td>
      <td>{member.danger.length > 0 ? <span className="member-list__danger">⚠ {member.danger.join(' ')}</span> : 'none'}</td>
      <td>{CAPTURE_LABELS[member.capture]}</td>
      <td className="mono">{member.backingFile ?? '—'}</td>
      <td>{member.allocatedBytes === undefined ? '—' : formatBytes(member.allocatedBytes)}</td>
      <td>{yesNo(member.reflink)}</td>
      <td>{member.estimatedCopyMs === undefined ? '—' : member.estimatedCopyMs < 120_000 ? `${(member.estimatedCopyMs / 1000).toFixed(1)} s` : formatSpan(member.estimatedCopyMs)}</td>
    </tr>
  );
}

/**
 * The longest anything stays frozen, in one sentence. btrfs members of a
 * btrfs plan are snapshotted atomically, not frozen: say so, rather than
 * "frozen for at most 0 s".
 */
function MaxFrozen({ preflight }: { preflight: Preflight }) {
  const atomic = preflight.members.filter((m) => m.capture === 'atomic-snapshot').map((m) => m.mountpoint);
  const frozen = preflight.members.filter((m) => m.capture === 'frozen').map((m) => m.mountpoint);
  const notFrozen =
    atomic.length === 0 ? null : `${atomic.join(', ')} ${atomic.length === 1 ? 'is' : 'are'} btrfs, snapshotted atomically, not frozen (a btrfs snapshot needs no freeze).`;
  if (frozen.length === 0) {
    return (
      <p className="preflight__max">
        <strong>Nothing is frozen:</strong> {notFrozen ?? 'no member is captured by a freeze.'}
      </p>
    );
  }
  return (
    <p className="preflight__max">
      Frozen for at most <strong>{formatSpan(preflight.maxFrozenMs)}</strong>: the hold window, which is also the helper’s auto-thaw deadline.
      {notFrozen ? ` Frozen: ${frozen.join(', ')}; ${notFrozen}` : null}
    </p>
  );
}

export function PreflightView({ preflight, preSync }: { preflight: Preflight; preSync: boolean }) {
  return (
    <div className="preflight">
      <MaxFrozen preflight={preflight} />
      <div className="table-scroll">
        <table className="data-table">
          <caption>Members</caption>
          <thead>
            <tr>
              <th scope="col">Mountpoint</th>
              <th scope="col">Type</th>
              <th scope="col">Freezable</th>
              <th scope="col">Danger</th>
              <th scope="col">Captured as</th>
              <th scope="col">Backing file</th>
              <th scope="col">Allocated</th>
              <th scope="col">Reflink</th>
              <th scope="col">Copy estimate</th>
            </tr>
          </thead>
          <tbody>
            {preflight.members.map((m) => (
              <MemberRow key={m.mountpoint} member={m} />
            ))}
          </tbody>
        </table>
      </div>
      <p>
        Dirty data waiting to be written (whole system): <strong>{formatBytes(preflight.dirtyBytes)}</strong>
        {preSync ? ', synced before the freeze.' : ': the freeze writes it, which lengthens the freeze (turn on the pre-sync to avoid it).'}
      </p>
      <h4 className="wizard__subtitle">What will happen</h4>
      <ol className="preflight__steps">
        {preflight.steps.map((step, i) => (
          <li key={i}>{step}</li>
        ))}
      </ol>
      {preflight.warnings.length > 0 ? (
        <div className="warn-box" role="region" aria-label="Warnings">
          <p className="warn-box__title">Warnings</p>
          <ul>
            {preflight.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {preflight.blockers.length > 0 ? (
        <div className="danger-box" role="region" aria-label="Blockers">
          <p className="danger-box__title">This plan cannot run now:</p>
          <ul className="danger-box__reasons">
            {preflight.blockers.map((b, i) => (
              <li key={i}>{b}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
