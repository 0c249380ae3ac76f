/**
 * Toasts: notices from main (an auto-thaw, a failure) and the renderer's own
 * failures that have no row to sit on. Each dismisses itself after a while;
 * errors stay longer, because they are the ones worth reading.
 */
import type { Notice } from '../../app/domain';
import type { NoticesSlice, SliceCreator, Toast } from './types';

export const NOTICE_LIFETIME_MS: Record<Notice['level'], number> = { info: 6_000, warning: 10_000, error: 20_000 };
const MAX_NOTICES = 5;

export const createNoticesSlice: SliceCreator<NoticesSlice> = (set, get, deps) => {
  let nextId = 1;
  return {
    notices: [],
    announcement: '',

    announce(text) {
      set({ announcement: text });
    },

    pushNotice(notice) {
      const toast: Toast = { ...notice, at: notice.at ?? Date.now(), id: nextId++ };
      set((s) => ({ notices: [...s.notices, toast].slice(-MAX_NOTICES) }));
      deps.setTimer(() => get().dismissNotice(toast.id), NOTICE_LIFETIME_MS[toast.level] ?? NOTICE_LIFETIME_MS.info);
    },

    dismissNotice(id) {
      set((s) => (s.notices.some((n) => n.id === id) ? { notices: s.notices.filter((n) => n.id !== id) } : s));
    },
  };
};
