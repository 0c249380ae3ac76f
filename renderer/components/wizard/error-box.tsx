/**
 * A failure from the contract, in words: the human message for its code,
 * the sender's own detail when it says more, and the typed code underneath
 * (for a bug report, or a search in the docs).
 */
import { humanMessage } from '../../../app/error-messages';
import type { AppErrorShape } from '../../../app/errors';

/** The sender's text, when it adds something to the human message. */
export function errorDetail(error: AppErrorShape): string | null {
  const detail = error.message?.trim();
  return detail && detail !== humanMessage(error) ? detail : null;
}

export function errorText(error: AppErrorShape): string {
  const detail = errorDetail(error);
  return detail ? `${humanMessage(error)} Details: ${detail}` : humanMessage(error);
}

export function ErrorBox({ error, title }: { error: AppErrorShape; title: string }) {
  const detail = errorDetail(error);
  return (
    <div className="error-box" role="alert" data-code={error.code}>
      <p className="error-box__title">{title}</p>
      <p className="error-box__text">{humanMessage(error)}</p>
      {detail ? <p className="error-box__detail">Details: {detail}</p> : null}
      <p className="error-box__code">
        Code: <code>{error.code}</code>
      </p>
    </div>
  );
}
