/**
 * Freeze, Thaw, Extend, Probe and Thaw all. Each calls window.freezeframe
 * (through deps.api) and turns a failure into words in place: on its row
 * when the action had one, as a notice otherwise.
 */
import type { Result } from '../../app/contract';
import { describeError } from '../../app/error-messages';
import type { AppErrorShape } from '../../app/errors';
import type { FreezeActionsSlice, RowAction, SliceCreator } from './types';

function without<T>(record: Readonly<Record<string, T>>, key: string): Readonly<Record<string, T>> {
  if (!(key in record)) return record;
  const copy = { ...record };
  delete copy[key];
  return copy;
}

const ACTION_NAMES: Record<RowAction, string> = { freeze: 'Freeze', thaw: 'Thaw', extend: 'Extend', probe: 'Probe' };

/** A bridge that throws (a dropped socket) must not leave a row stuck "pending". */
async function settle<T>(call: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await call();
  } catch (error) {
    const shape: AppErrorShape = { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
    return { ok: false, error: shape };
  }
}

export const createFreezeActionsSlice: SliceCreator<FreezeActionsSlice> = (set, get, deps) => {
  async function runOnRow<T>(id: string, action: RowAction, call: () => Promise<Result<T>>, onOk: (value: T) => void): Promise<boolean> {
    if (get().pending[id]) return false;
    set((s) => ({ pending: { ...s.pending, [id]: action }, rowErrors: without(s.rowErrors, id) }));
    const result = await settle(call);
    set((s) => ({ pending: without(s.pending, id) }));
    if (result.ok) {
      onOk(result.value);
      return true;
    }
    const row = get().mountsById[id];
    if (row) {
      set((s) => ({ rowErrors: { ...s.rowErrors, [id]: { ...result.error, action } } }));
      get().announce(`${ACTION_NAMES[action]} of ${row.path} failed: ${describeError(result.error)}`);
    } else get().pushNotice({ level: 'error', code: result.error.code, message: describeError(result.error) });
    return false;
  }

  return {
    pending: {},
    rowErrors: {},
    thawAllPending: false,

    freeze(id, timeoutMs, confirm) {
      const params = confirm === undefined ? { id, timeoutMs } : { id, timeoutMs, confirm };
      return runOnRow(id, 'freeze', () => deps.api['freeze.start'](params), (info) => get().applyFreezeInfo(id, info));
    },

    thaw(id, force) {
      const params = force ? { id, force: true } : { id };
      return runOnRow(id, 'thaw', () => deps.api['freeze.thaw'](params), (info) => get().applyFreezeInfo(id, info));
    },

    extend(id, timeoutMs) {
      return runOnRow(id, 'extend', () => deps.api['freeze.extend']({ id, timeoutMs }), (info) => get().applyFreezeInfo(id, info));
    },

    probe(id) {
      return runOnRow(id, 'probe', () => deps.api['freeze.probe']({ id }), (value) => {
        get().applyFreezeInfo(id, value.freeze);
        const path = get().mountsById[id]?.path ?? id;
        let message: string;
        if (!value.frozen) message = `${path} is not frozen.${value.intrusive ? ' It was frozen and thawed for a moment to find out.' : ''}`;
        else if (value.freeze.state === 'frozen') message = `${path} is frozen by Freezeframe.`;
        else message = `${path} is frozen by another program.`;
        get().pushNotice({ level: value.frozen ? 'warning' : 'info', message });
      });
    },

    async thawAll() {
      if (get().thawAllPending) return false;
      set({ thawAllPending: true });
      const result = await settle(() => deps.api['freeze.thawAll']({}));
      set({ thawAllPending: false });
      if (!result.ok) {
        get().pushNotice({ level: 'error', code: result.error.code, message: `Thaw all failed: ${describeError(result.error)}` });
        return false;
      }
      const { thawed } = result.value;
      const message = thawed.length === 0 ? 'Nothing was left to thaw.' : `Thawed ${thawed.length === 1 ? thawed[0] : `${thawed.length} filesystems: ${thawed.join(', ')}`}.`;
      get().pushNotice({ level: 'info', message });
      return true;
    },

    clearRowError(id) {
      set((s) => ({ rowErrors: without(s.rowErrors, id) }));
    },
  };
};
