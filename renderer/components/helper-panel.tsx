/**
 * The helper's state in words, with the one action that makes sense for it.
 * Hidden while the helper runs normally: then only a short status shows in
 * the header (HelperStatusChip).
 */
import type { HelperStateName, HelperStatus } from '../../app/domain';
import { HELPER_STATE_GUIDANCE, HELPER_STATE_TITLES } from '../../app/error-messages';
import { assertNever } from '../../app/errors';
import { formatClock } from '../format';
import { useApp } from '../store/store';

/** The button each state offers, if any. */
function actionFor(state: HelperStateName): string | null {
  switch (state) {
    case 'not-started':
    case 'exited':
      return 'Start helper';
    case 'dismissed':
    case 'not-authorized':
    case 'failed':
      return 'Try again';
    case 'starting':
    case 'authenticating':
    case 'running':
    case 'pkexec-missing':
    case 'helper-missing':
      return null;
    default:
      return assertNever(state, 'helper state');
  }
}

function exitDetail(status: HelperStatus): string | null {
  if (status.state !== 'exited') return null;
  const how = status.exitSignal ? `killed by ${status.exitSignal}` : status.exitCode !== undefined && status.exitCode !== null ? `exit status ${status.exitCode}` : null;
  const when = status.exitedAt !== undefined ? `at ${formatClock(status.exitedAt)}` : null;
  return [how, when].filter(Boolean).join(', ') || null;
}

export function HelperPanel() {
  const status = useApp((s) => s.helper);
  const starting = useApp((s) => s.helperStarting);
  const startHelper = useApp((s) => s.startHelper);
  if (!status || status.state === 'running') return null;
  const action = actionFor(status.state);
  const detail = exitDetail(status);
  const tone = status.state === 'not-started' || status.state === 'starting' || status.state === 'authenticating' ? 'info' : 'warning';

  return (
    <section className={`helper-panel helper-panel--${tone}`} role="region" aria-labelledby="helper-panel-title" data-helper-state={status.state}>
      <h2 id="helper-panel-title" className="helper-panel__title">
        {HELPER_STATE_TITLES[status.state]}
      </h2>
      <p className="helper-panel__guidance">{HELPER_STATE_GUIDANCE[status.state]}</p>
      {status.message ? <p className="helper-panel__detail">{status.message}</p> : null}
      {detail ? <p className="helper-panel__detail">The helper ended: {detail}.</p> : null}
      {action ? (
        <button type="button" className="button button--primary" onClick={() => void startHelper()} aria-disabled={starting || undefined}>
          {action}
        </button>
      ) : null}
    </section>
  );
}

export function HelperStatusChip() {
  const status = useApp((s) => s.helper);
  if (!status) return <span className="chip muted">Helper: …</span>;
  const details = [status.mode, status.pid !== undefined ? `pid ${status.pid}` : null, status.helperVersion ? `v${status.helperVersion}` : null].filter(Boolean).join(', ');
  return (
    <span className="chip" data-helper-state={status.state} title={details || undefined}>
      <span className={`dot dot--${status.state === 'running' ? 'ok' : 'off'}`} aria-hidden="true" />
      {HELPER_STATE_TITLES[status.state]}
    </span>
  );
}
