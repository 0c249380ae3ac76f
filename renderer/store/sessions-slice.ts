/** The web mode's browser sessions, as the Sessions dialog lists them (sessions.list / sessions.revoke). */
import { describeError } from '../../app/error-messages';
import type { SessionsSlice, SliceCreator } from './types';

export const createSessionsSlice: SliceCreator<SessionsSlice> = (set, get, deps) => ({
  sessions: null,

  async loadSessions() {
    const result = await deps.api['sessions.list']({});
    if (result.ok) set({ sessions: result.value });
    else get().pushNotice({ level: 'error', code: result.error.code, message: `Could not list the sessions: ${describeError(result.error)}` });
  },

  async revokeSession(id) {
    const result = await deps.api['sessions.revoke']({ id });
    if (!result.ok) get().pushNotice({ level: 'error', code: result.error.code, message: `Could not revoke the session: ${describeError(result.error)}` });
    else if (!result.value.revoked) get().pushNotice({ level: 'info', message: 'That session had ended already.' });
    // This browser's own session ends with its socket: nothing more to list then.
    if (result.ok && get().sessions?.some((s) => s.id === id && s.current)) return set({ sessions: [] });
    await get().loadSessions();
  },
});
