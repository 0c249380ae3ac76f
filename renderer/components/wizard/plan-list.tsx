/** Saved plans, each with Edit, Run (which goes through the review first) and Delete (asked once more, in place). */
import { useState } from 'react';
import type { BackupPlan } from '../../../app/backup';
import { formatSpan } from '../../format';
import { selectRunActive } from '../../store/backup-selectors';
import { useApp } from '../../store/store';
import { METHOD_LABELS } from './labels';

function PlanRow({ plan, running }: { plan: BackupPlan; running: boolean }) {
  const editPlan = useApp((s) => s.editPlan);
  const deletePlan = useApp((s) => s.deletePlan);
  const [asking, setAsking] = useState(false);
  return (
    <tr aria-label={plan.name}>
      <th scope="row">{plan.name}</th>
      <td>{METHOD_LABELS[plan.method]}</td>
      <td className="mono">{plan.mounts.join(', ')}</td>
      <td>{formatSpan(plan.holdWindowMs)}</td>
      <td className="plan-list__actions">
        {asking ? (
          <>
            <span className="warn">Delete plan {plan.name}?</span>
            <button type="button" className="button button--danger" onClick={() => void deletePlan(plan.name)}>
              Delete plan
            </button>
            <button type="button" className="button" onClick={() => setAsking(false)}>
              Keep
            </button>
          </>
        ) : (
          <>
            <button type="button" className="button" onClick={() => editPlan(plan.name)}>
              Edit
            </button>
            <button type="button" className="button button--primary" disabled={running} onClick={() => editPlan(plan.name, 'review')}>
              Run
            </button>
            <button type="button" className="button" onClick={() => setAsking(true)}>
              Delete
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

/** Where the plans are, and the command that runs one unattended (a packaged app's, or the source tree's). */
function PlansFolder() {
  const plansDir = useApp((s) => s.appInfo?.plansDir);
  const development = useApp((s) => s.appInfo?.development ?? false);
  if (!plansDir) return null;
  const command = development ? 'npm run backup -- --plan' : 'freezeframe backup --plan';
  return (
    <p className="muted plan-list__folder">
      Saved in <code className="mono">{plansDir}</code>, one file per plan; <code className="mono">{`${command} ${plansDir}/NAME.json`}</code> runs one
      unattended.
    </p>
  );
}

export function PlanList() {
  const plans = useApp((s) => s.plans);
  const newPlan = useApp((s) => s.newPlan);
  const running = useApp(selectRunActive);
  return (
    <section className="backups__section" aria-labelledby="plans-heading">
      <div className="backups__section-header">
        <h2 id="plans-heading" className="section-title">
          Backup plans
        </h2>
        <button type="button" className="button button--primary" onClick={newPlan}>
          New plan
        </button>
      </div>
      <PlansFolder />
      {plans.length === 0 ? (
        <p className="muted">No plans yet. A plan says what to freeze together, how to snapshot it, and where the backup goes; it also runs unattended from the command line.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" aria-labelledby="plans-heading">
            <thead>
              <tr>
                <th scope="col">Plan</th>
                <th scope="col">Method</th>
                <th scope="col">Filesystems</th>
                <th scope="col">Hold window</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {plans.map((plan) => (
                <PlanRow key={plan.name} plan={plan} running={running} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
