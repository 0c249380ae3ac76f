/**
 * The backup wizard: choose, hooks, backup, review. Each step is checked as
 * you leave it; the review saves the plan and shows what it would do. The
 * draft lives in the store, so switching views keeps it.
 */
import { useEffect, useRef, type FormEvent } from 'react';
import { WIZARD_STEPS, type WizardStep } from '../../store/backup-draft';
import { useApp } from '../../store/store';
import { StepBackup } from './step-backup';
import { StepChoose } from './step-choose';
import { StepHooks } from './step-hooks';
import { StepReview } from './step-review';
import { STEP_TITLES, WizardSteps } from './wizard-steps';

const STEP_HEADINGS: Record<WizardStep, string> = {
  choose: 'Step 1: what to freeze, and how to snapshot it',
  hooks: 'Step 2: quiesce hooks (optional)',
  backup: 'Step 3: back up from the snapshot',
  review: 'Step 4: review and run',
};

function StepBody({ step }: { step: WizardStep }) {
  if (step === 'choose') return <StepChoose />;
  if (step === 'hooks') return <StepHooks />;
  if (step === 'backup') return <StepBackup />;
  return <StepReview />;
}

export function Wizard() {
  const step = useApp((s) => s.wizardStep);
  const editing = useApp((s) => s.draft.originalName);
  const goToStep = useApp((s) => s.goToStep);
  const showHome = useApp((s) => s.showHome);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const index = WIZARD_STEPS.indexOf(step);
  const next = WIZARD_STEPS[index + 1];
  const previous = WIZARD_STEPS[index - 1];

  // A new step: move focus to its heading, so a screen reader starts there.
  useEffect(() => headingRef.current?.focus(), [step]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (next) void goToStep(next);
  };

  return (
    <section className="wizard" aria-labelledby="wizard-title">
      <div className="wizard__header">
        <h2 id="wizard-title" className="section-title">
          {editing ? `Backup plan ${editing}` : 'New backup plan'}
        </h2>
        <button type="button" className="button" onClick={showHome}>
          Close wizard
        </button>
      </div>
      <WizardSteps />
      <form className="wizard__form" onSubmit={submit} noValidate aria-labelledby="wizard-step-title">
        <h3 id="wizard-step-title" className="wizard__step-title" tabIndex={-1} ref={headingRef}>
          {STEP_HEADINGS[step]}
        </h3>
        <StepBody step={step} />
        <div className="wizard__buttons">
          {previous ? (
            <button type="button" className="button" onClick={() => void goToStep(previous)}>
              Back
            </button>
          ) : null}
          {next ? (
            <button type="submit" className="button button--primary">
              {next === 'review' ? 'Review' : `Next: ${STEP_TITLES[next]}`}
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}
