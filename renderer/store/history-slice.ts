/** This session's freeze windows, for the timeline. */
import { describeError } from '../../app/error-messages';
import type { HistorySlice, SliceCreator } from './types';

export const createHistorySlice: SliceCreator<HistorySlice> = (set, get, deps) => ({
  history: [],

  applyHistory(windows) {
    set({ history: windows });
  },

  async loadHistory() {
    const result = await deps.api['history.list']({});
    if (result.ok) get().applyHistory(result.value);
    else get().pushNotice({ level: 'error', code: result.error.code, message: `Could not read the freeze history: ${describeError(result.error)}` });
  },
});
