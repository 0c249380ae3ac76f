/** The phases of this run, in order, the current one highlighted. */
import type { BackupPhase } from '../../../app/backup';
import { phasesOf, selectRunActive, selectRunPlan } from '../../store/backup-selectors';
import { useApp } from '../../store/store';
import { PHASE_LABELS } from './labels';

type Mark = 'done' | 'current' | 'pending';

export function RunPhases() {
  const plan = useApp(selectRunPlan);
  const phase = useApp((s) => s.run?.phase);
  const active = useApp(selectRunActive);
  const phases: BackupPhase[] = phasesOf(plan);
  if (phase && !phases.includes(phase)) phases.push(phase);
  const at = phase ? phases.indexOf(phase) : -1;
  const markOf = (i: number): Mark => (i < at ? 'done' : i === at ? 'current' : 'pending');
  return (
    <ol className="run-phases" aria-label="Phases">
      {phases.map((p, i) => {
        const mark = markOf(i);
        return (
          <li key={p} className={`run-phases__phase is-${mark}`} aria-current={mark === 'current' ? 'step' : undefined} data-phase={p}>
            <span aria-hidden="true">{mark === 'done' ? '✓ ' : mark === 'current' ? (active ? '▶ ' : '■ ') : '○ '}</span>
            {PHASE_LABELS[p]}
          </li>
        );
      })}
    </ol>
  );
}
