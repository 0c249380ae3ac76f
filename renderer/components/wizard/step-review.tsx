/**
 * Step 4: the plan is saved (plans.save) and pre-flighted (backup.preflight).
 * Run stays disabled, with the reason next to it, until nothing blocks it and
 * the commands and dangerous members are confirmed.
 */
import { useState } from 'react';
import { STEP_OF_FIELD, type DraftField } from '../../store/backup-draft';
import { useApp } from '../../store/store';
import { ErrorBox } from './error-box';
import { PreflightView } from './review-preflight';
import { CommandsConfirm, DangerConfirms, unconfirmedDangers } from './review-confirmations';
import { STEP_TITLES } from './wizard-steps';

export function StepReview() {
  const preflight = useApp((s) => s.preflight);
  const plan = useApp((s) => s.reviewPlan);
  const pending = useApp((s) => s.reviewPending);
  const reviewError = useApp((s) => s.reviewError);
  const runError = useApp((s) => s.runError);
  const starting = useApp((s) => s.runAction === 'start');
  const startRun = useApp((s) => s.startRun);
  // A new digest (the commands changed) needs a new tick.
  const [ticked, setTicked] = useState<string | null>(null);
  const commandsOk = !preflight || preflight.commands.length === 0 || preflight.commandsConfirmed || ticked === preflight.commandsDigest;
  const dangers = preflight && plan ? unconfirmedDangers(preflight, plan.confirmDangerous) : [];

  let reason: string | null = null;
  if (pending) reason = 'Checking the plan…';
  else if (!preflight || !plan) reason = 'The plan could not be saved and checked: see above.';
  else if (preflight.blockers.length > 0) reason = `It cannot run now: ${preflight.blockers.join(' ')}`;
  else if (dangers.length > 0) reason = 'Confirm each dangerous filesystem by typing its mountpoint.';
  else if (!commandsOk) reason = 'Confirm the commands first.';

  const run = () => {
    if (reason || !preflight || !plan) return;
    void startRun(plan.name, preflight.commands.length > 0 ? preflight.commandsDigest : undefined);
  };

  return (
    <>
      <ProblemList />
      {reviewError ? <ErrorBox error={reviewError} title="The plan could not be saved or checked" /> : null}
      {pending ? (
        <p role="status" className="muted">
          Saving and checking the plan…
        </p>
      ) : null}
      {preflight && plan ? (
        <>
          <p className="muted">Saved as plan “{plan.name}”.</p>
          <PreflightView preflight={preflight} preSync={plan.preSync} />
          <CommandsConfirm preflight={preflight} checked={ticked === preflight.commandsDigest} onChange={(on) => setTicked(on ? preflight.commandsDigest : null)} />
          <DangerConfirms members={dangers} />
        </>
      ) : null}
      {runError ? <ErrorBox error={runError} title="The backup did not start" /> : null}
      <div className="wizard__run">
        <button type="button" className="button button--primary" disabled={reason !== null || starting} aria-describedby="run-reason" onClick={run}>
          Run backup
        </button>
        <p id="run-reason" className={reason && !pending ? 'field__problem' : 'field__hint'}>
          {starting ? 'Starting…' : (reason ?? 'Ready: nothing is frozen until you run it.')}
        </p>
      </div>
    </>
  );
}

/** Every problem of the draft (the renderer's and main's), each with the step it is on. */
function ProblemList() {
  const problems = useApp((s) => s.draftProblems);
  const goToStep = useApp((s) => s.goToStep);
  const entries = Object.entries(problems) as Array<[DraftField, string]>;
  if (entries.length === 0) return null;
  return (
    <div className="danger-box" role="alert">
      <p className="danger-box__title">Fix these first:</p>
      <ul className="danger-box__reasons">
        {entries.map(([field, message]) => {
          const step = STEP_OF_FIELD[field];
          return (
            <li key={field}>
              {message}{' '}
              {step !== 'review' ? (
                <button type="button" className="link-button" onClick={() => void goToStep(step)}>
                  Go to {STEP_TITLES[step]}
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
