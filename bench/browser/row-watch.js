/* global window, document, MutationObserver */
/**
 * Injected into the web-mode page (addInitScript): window.__benchWatchRow(path)
 * records, on this machine's wall clock (Date.now(), the same clock as the
 * bench process), when the row labelled `path` enters the DOM and when it
 * leaves it again, in window.__benchRows[path] = { appearedAt, goneAt }.
 */
(function () {
  'use strict';
  window.__benchRows = {};
  window.__benchWatchRow = function (path) {
    const times = (window.__benchRows[path] = { appearedAt: null, goneAt: null });
    const present = () => Array.from(document.querySelectorAll('[role=row][aria-label]')).some((el) => el.getAttribute('aria-label') === path);
    const check = () => {
      const now = Date.now();
      const here = present();
      if (here && times.appearedAt === null) times.appearedAt = now;
      else if (!here && times.appearedAt !== null && times.goneAt === null) {
        times.goneAt = now;
        observer.disconnect();
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-label'] });
    check();
  };
})();
