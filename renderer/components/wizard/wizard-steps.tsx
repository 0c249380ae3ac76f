/** The wizard's step list: where you are, and a way back to any step before it. */
import { WIZARD_STEPS, type WizardStep } from '../../store/backup-draft';
import { useApp } from '../../store/store';

export const STEP_TITLES: Record<WizardStep, string> = {
  choose: 'Choose',
  hooks: 'Hooks',
  backup: 'Backup',
  review: 'Review',
};

export function WizardSteps() {
  const current = useApp((s) => s.wizardStep);
  const goToStep = useApp((s) => s.goToStep);
  const currentIndex = WIZARD_STEPS.indexOf(current);
  return (
    <ol className="wizard-steps" aria-label="Steps">
      {WIZARD_STEPS.map((step, i) => (
        <li key={step} className={step === current ? 'wizard-steps__step is-current' : 'wizard-steps__step'} aria-current={step === current ? 'step' : undefined}>
          {i < currentIndex ? (
            <button type="button" className="link-button" onClick={() => void goToStep(step)}>
              {i + 1}. {STEP_TITLES[step]}
            </button>
          ) : (
            <span>
              {i + 1}. {STEP_TITLES[step]}
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}
