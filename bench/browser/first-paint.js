/* global window, document, MutationObserver, requestAnimationFrame */
/**
 * Times first paint on any Freezeframe page (added with addInitScript, so
 * it runs before the page's own scripts): a MutationObserver waits for the
 * first [role=row][data-id] element, then one requestAnimationFrame later
 * records performance.now() (ms since navigation start) in
 * window.__benchFirstPaint, with the row elements in the DOM and the row
 * count the table announces.
 */
(function () {
  'use strict';
  const ROW = '[role=row][data-id]';
  const observer = new MutationObserver(() => {
    if (!document.querySelector(ROW)) return;
    observer.disconnect();
    requestAnimationFrame(() => {
      const table = document.querySelector('[role=table]');
      window.__benchFirstPaint = {
        ms: performance.now(),
        domRows: document.querySelectorAll(ROW).length,
        ariaRowCount: Number(table ? table.getAttribute('aria-rowcount') : NaN) - 1,
      };
    });
  });
  observer.observe(document, { childList: true, subtree: true });
})();
