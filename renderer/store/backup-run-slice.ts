/**
 * The run in progress and the reports. Progress arrives as events (and from
 * backup.current after a reload); the clocks count down from the moment the
 * last one arrived, on this renderer's monotonic clock. When a run ends its
 * report opens as soon as main has written it (reports.get now, or when
 * reports.changed lists it).
 */
import type { BackupRunState, RunStatus } from '../../app/backup';
import { settle } from './settle';
import type { BackupRunSlice } from './backup-types';
import type { SliceCreator } from './types';

/** Lines of live output kept for the run on screen (the report keeps the rest). */
export const MAX_OUTPUT_LINES = 2000;

export function isActive(status: RunStatus): boolean {
  return status === 'running' || status === 'waiting-for-operator';
}

export const createBackupRunSlice: SliceCreator<BackupRunSlice> = (set, get, deps) => {
  async function fetchEndedReport(runId: string): Promise<void> {
    const result = await settle(() => deps.api['reports.get']({ runId }));
    // Not written yet (or another run took over meanwhile): reports.changed will say when.
    if (!result.ok || get().awaitingReport !== runId) return;
    set((s) => ({ report: result.value, reportError: null, awaitingReport: null, backupScreen: s.backupScreen === 'run' ? 'report' : s.backupScreen }));
  }

  async function runAction(action: 'confirm' | 'cancel', call: (runId: string) => ReturnType<typeof deps.api['backup.cancel']>): Promise<boolean> {
    const run = get().run;
    if (!run || get().runAction) return false;
    set({ runAction: action, runError: null });
    const result = await settle(() => call(run.runId));
    set({ runAction: null });
    if (!result.ok) {
      set({ runError: result.error });
      return false;
    }
    get().applyProgress(result.value);
    return true;
  }

  return {
    run: null,
    runReceivedAt: 0,
    runOutput: [],
    runError: null,
    runAction: null,
    reports: [],
    report: null,
    reportError: null,
    awaitingReport: null,

    applyProgress(state: BackupRunState) {
      const previous = get().run;
      const sameRun = previous?.runId === state.runId;
      set((s) => ({ run: state, runReceivedAt: deps.now(), runOutput: sameRun ? s.runOutput : s.runOutput.filter((l) => l.runId === state.runId) }));
      const ended = !isActive(state.status);
      const alreadyHandled = get().awaitingReport === state.runId || get().report?.runId === state.runId;
      if (ended && !alreadyHandled) {
        set({ awaitingReport: state.runId });
        void fetchEndedReport(state.runId);
      }
    },

    applyOutput(line) {
      const run = get().run;
      if (run && run.runId !== line.runId && isActive(run.status)) return;
      set((s) => {
        const next = s.runOutput.length >= MAX_OUTPUT_LINES ? s.runOutput.slice(-(MAX_OUTPUT_LINES - 1)) : s.runOutput.slice();
        next.push(line);
        return { runOutput: next };
      });
    },

    applyReports(reports) {
      set({ reports });
      const waiting = get().awaitingReport;
      if (waiting && reports.some((r) => r.runId === waiting)) void fetchEndedReport(waiting);
    },

    async loadCurrentRun() {
      const result = await settle(() => deps.api['backup.current']({}));
      if (!result.ok) {
        set({ runError: result.error });
        return;
      }
      if (!result.value) return;
      get().applyProgress(result.value);
      // A reloaded window goes back to the run it was showing.
      if (isActive(result.value.status)) set({ view: 'backups', backupScreen: 'run' });
    },

    async loadReports() {
      const result = await settle(() => deps.api['reports.list']({}));
      if (result.ok) get().applyReports(result.value);
      else set({ listError: result.error });
    },

    async startRun(name, confirmCommands) {
      if (get().runAction) return false;
      set({ runAction: 'start', runError: null });
      const params = confirmCommands === undefined ? { name } : { name, confirmCommands };
      const result = await settle(() => deps.api['backup.start'](params));
      set({ runAction: null });
      if (!result.ok) {
        set({ runError: result.error });
        return false;
      }
      set({ runOutput: [], report: null, backupScreen: 'run' });
      get().applyProgress(result.value);
      return true;
    },

    confirmSnapshot(notes) {
      const trimmed = notes.trim();
      return runAction('confirm', (runId) => deps.api['backup.confirmSnapshot'](trimmed ? { runId, notes: trimmed } : { runId }));
    },

    cancelRun() {
      return runAction('cancel', (runId) => deps.api['backup.cancel']({ runId }));
    },

    async openReport(runId) {
      const result = await settle(() => deps.api['reports.get']({ runId }));
      if (!result.ok) {
        set({ reportError: result.error });
        return false;
      }
      set({ report: result.value, reportError: null, view: 'backups', backupScreen: 'report' });
      return true;
    },

    async exportReport(runId, format) {
      const result = await settle(() => deps.api['reports.export']({ runId, format }));
      if (!result.ok) {
        set({ reportError: result.error });
        return null;
      }
      set({ reportError: null });
      return result.value;
    },
  };
};
