/**
 * The helper's status (with the app's own info, which carries the Freeze
 * dialog's defaults until the helper reports its limits).
 */
import { describeError } from '../../app/error-messages';
import type { HelperSlice, SliceCreator } from './types';

export const createHelperSlice: SliceCreator<HelperSlice> = (set, get, deps) => ({
  helper: null,
  appInfo: null,
  helperStarting: false,

  applyHelper(status) {
    set({ helper: status });
  },

  async loadHelper() {
    const result = await deps.api['helper.status']({});
    if (result.ok) get().applyHelper(result.value);
    else get().pushNotice({ level: 'error', code: result.error.code, message: `Could not read the helper status: ${describeError(result.error)}` });
  },

  async loadAppInfo() {
    const result = await deps.api['app.info']({});
    if (result.ok) set({ appInfo: result.value });
    else get().pushNotice({ level: 'error', code: result.error.code, message: `Could not read the app info: ${describeError(result.error)}` });
  },

  async startHelper() {
    if (get().helperStarting) return false;
    set({ helperStarting: true });
    try {
      const result = await deps.api['helper.start']({});
      if (result.ok) {
        get().applyHelper(result.value);
        return true;
      }
      get().pushNotice({ level: 'error', code: result.error.code, message: describeError(result.error) });
      return false;
    } catch (error) {
      get().pushNotice({ level: 'error', code: 'INTERNAL', message: `Could not start the helper: ${String(error)}` });
      return false;
    } finally {
      set({ helperStarting: false });
    }
  },
});
