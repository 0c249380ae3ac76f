/**
 * The shape of the one store, slice by slice. Each slice keeps its actions
 * beside its state; the slices meet only through AppState.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { FreezeframeApi } from '../../app/contract';
import type { AppInfo, FreezeInfo, FreezeWindow, HelperStatus, MountRow, MountsSnapshot, Notice, WebSessionInfo } from '../../app/domain';
import type { AppErrorShape } from '../../app/errors';
import type { DraftCheck } from './backup-draft';
import type { BackupSlice } from './backup-types';
import type { SortColumn, SortOrder } from './sort-rows';

export type RowAction = 'freeze' | 'thaw' | 'extend' | 'probe';

/** A failed action, kept on its row until the next action there. */
export interface RowError extends AppErrorShape {
  action: RowAction;
}

export interface MountsSlice {
  mountsById: Readonly<Record<string, MountRow>>;
  mountOrder: readonly string[];
  /** The generation of the last snapshot applied; -1 before the first. */
  generation: number;
  mountsLoaded: boolean;
  /** performance.now() when each row's freeze info (its remainingMs) arrived. */
  receivedAt: Readonly<Record<string, number>>;
  applySnapshot(snapshot: MountsSnapshot): void;
  applyRow(row: MountRow): void;
  /** A method's reply carries the new freeze info of one row. */
  applyFreezeInfo(id: string, freeze: FreezeInfo): void;
  loadMounts(): Promise<void>;
}

export interface FreezeActionsSlice {
  pending: Readonly<Record<string, RowAction>>;
  rowErrors: Readonly<Record<string, RowError>>;
  thawAllPending: boolean;
  /** Each resolves true when the call succeeded. */
  freeze(id: string, timeoutMs: number, confirm?: string): Promise<boolean>;
  thaw(id: string, force?: boolean): Promise<boolean>;
  extend(id: string, timeoutMs: number): Promise<boolean>;
  probe(id: string): Promise<boolean>;
  thawAll(): Promise<boolean>;
  clearRowError(id: string): void;
}

export interface HelperSlice {
  helper: HelperStatus | null;
  appInfo: AppInfo | null;
  helperStarting: boolean;
  applyHelper(status: HelperStatus): void;
  loadHelper(): Promise<void>;
  loadAppInfo(): Promise<void>;
  startHelper(): Promise<boolean>;
}

export interface HistorySlice {
  history: readonly FreezeWindow[];
  applyHistory(windows: FreezeWindow[]): void;
  loadHistory(): Promise<void>;
}

export interface Toast extends Notice {
  id: number;
}

export interface NoticesSlice {
  notices: readonly Toast[];
  /** Read by screen readers only: a row's failure, which is shown in place on the row. */
  announcement: string;
  announce(text: string): void;
  pushNotice(notice: Omit<Notice, 'at'> & { at?: number }): void;
  dismissNotice(id: number): void;
}

export type DialogKind = 'freeze' | 'extend' | 'probe' | 'force-thaw';
export type ThemeChoice = 'system' | 'light' | 'dark';

export interface UiSlice {
  search: string;
  showPseudo: boolean;
  selectedId: string | null;
  dialog: { kind: DialogKind; id: string } | null;
  theme: ThemeChoice;
  /** Rows whose blocked-writer list is open (kept here: virtualized rows unmount). */
  expanded: Readonly<Record<string, true>>;
  /** Rows whose list of danger reasons is open (same reason). */
  dangerExpanded: Readonly<Record<string, true>>;
  /** The column the table is sorted by; null: the mount table's own order. */
  sort: SortOrder | null;
  setSearch(text: string): void;
  setShowPseudo(show: boolean): void;
  select(id: string | null): void;
  openDialog(kind: DialogKind, id: string): void;
  closeDialog(): void;
  setTheme(theme: ThemeChoice): void;
  toggleExpanded(id: string): void;
  toggleDangerExpanded(id: string): void;
  /** Sort by this column: ascending, then descending, then back to the table's order. */
  toggleSort(column: SortColumn): void;
}

/** The web mode's browser sessions (null until listed). */
export interface SessionsSlice {
  sessions: readonly WebSessionInfo[] | null;
  loadSessions(): Promise<void>;
  revokeSession(id: string): Promise<void>;
}

export type AppState = MountsSlice & FreezeActionsSlice & HelperSlice & HistorySlice & NoticesSlice & UiSlice & BackupSlice & SessionsSlice;
export type AppStore = StoreApi<AppState>;

/** The store's collaborators: tests pass fakes, main.tsx passes the real ones. */
export interface StoreDeps {
  api: FreezeframeApi;
  /** Monotonic milliseconds (performance.now). */
  now: () => number;
  setTimer: (fn: () => void, ms: number) => unknown;
  /** The wizard's full check of a draft (with the plan schema, so with zod): loaded on demand. */
  loadDraftCheck: () => Promise<DraftCheck>;
}

export type SliceCreator<T> = (set: AppStore['setState'], get: AppStore['getState'], deps: StoreDeps) => T;
