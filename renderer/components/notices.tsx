/**
 * Toasts (polite live region): an auto-thaw, a failure with no row to sit on.
 * A second, visually hidden region reads out failures shown in place on rows.
 */
import { humanMessage } from '../../app/error-messages';
import { isErrorCode } from '../../app/errors';
import { useApp } from '../store/store';
import type { Toast } from '../store/types';

function noticeText(notice: Toast): string {
  // Main's own text is already meant for people; the code only adds a hint when the text is empty.
  if (notice.message) return notice.message;
  return notice.code && isErrorCode(notice.code) ? humanMessage({ code: notice.code, message: '' }) : '';
}

export function Notices() {
  const notices = useApp((s) => s.notices);
  const dismiss = useApp((s) => s.dismissNotice);
  const announcement = useApp((s) => s.announcement);
  return (
    <>
      <div className="notices" role="region" aria-label="Notices">
        <ul aria-live="polite" aria-relevant="additions text" className="notices__list">
          {notices.map((notice) => (
            <li key={notice.id} className={`notice notice--${notice.level}`} data-level={notice.level}>
              <span className="notice__text">{noticeText(notice)}</span>
              <button type="button" className="icon-button" aria-label="Dismiss notice" onClick={() => dismiss(notice.id)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div className="sr-only" aria-live="polite" role="status">
        {announcement}
      </div>
    </>
  );
}
