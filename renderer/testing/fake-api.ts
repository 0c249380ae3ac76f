/**
 * A small fake FreezeframeApi: the renderer's only collaborator, so tests
 * drive the store and the components through it. Each method answers from a
 * handler the test may replace; `emit` plays an event from main.
 */
import type { ContractEvents, EventName, FreezeframeApi, MethodName, Params, Result, ResultOf } from '../../app/contract';
import type { AppInfo, FreezeInfo, HelperStatus, MountRow, MountsSnapshot, WebSessionInfo } from '../../app/domain';
import type { AppErrorShape } from '../../app/errors';
import { createBackupHandlers, type FakeBackupStore } from './fake-backup';

type Handler<M extends MethodName> = (params: Params<M>) => Result<ResultOf<M>> | Promise<Result<ResultOf<M>>>;
type Handlers = { [M in MethodName]: Handler<M> };

export interface FakeApi extends FreezeframeApi {
  handlers: Handlers;
  calls: Array<{ method: MethodName; params: unknown }>;
  /** The backup methods' plans and reports (fake-backup.ts). */
  backup: FakeBackupStore;
  /** The web mode's sessions that sessions.list answers and sessions.revoke removes from. */
  webSessions: WebSessionInfo[];
  emit<E extends EventName>(event: E, payload: ContractEvents[E]): void;
  listenerCount(): number;
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: AppErrorShape['code'], message = `${code} from the fake`): Result<never> => ({ ok: false, error: { code, message } });

export const APP_INFO: AppInfo = {
  appVersion: '0.1.0',
  frontDoor: 'web',
  development: true,
  kernel: '6.8.0',
  nodeVersion: '20.19.0',
  helperSource: 'development',
  helperPath: '/usr/libexec/freezeframe-helper',
  defaultTimeoutMs: 60_000,
  maxTimeoutMs: 900_000,
  plansDir: '/home/ada/.config/freezeframe/plans',
  runsAs: { user: 'alice', uid: 1000 },
};

export function makeRow(id: string, overrides: Partial<MountRow> = {}, freeze: Partial<FreezeInfo> = {}): MountRow {
  const n = Number(id.replace(/\D/g, '')) || 1;
  return {
    id,
    mountId: n,
    path: `/mnt/fs${n}`,
    source: `/dev/loop${n}`,
    fsType: 'ext4',
    majorMinor: `7:${n}`,
    options: 'rw,relatime',
    readOnly: false,
    pseudo: false,
    freezable: true,
    size: { state: 'ok', totalBytes: 1 << 30, usedBytes: 1 << 28, availableBytes: 3 << 28 },
    bindSiblings: [],
    danger: [],
    ...overrides,
    freeze: { state: 'thawed', writers: [], ...freeze },
  };
}

export function frozenInfo(remainingMs: number, extra: Partial<FreezeInfo> = {}): FreezeInfo {
  return { state: 'frozen', frozenAt: Date.UTC(2025, 0, 1, 12), remainingMs, timeoutMs: 60_000, writers: [], ...extra };
}

export function createFakeApi(snapshot: MountsSnapshot = { generation: 1, mounts: [] }, helper: HelperStatus = { state: 'running', maxTimeoutMs: 900_000 }): FakeApi {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const calls: FakeApi['calls'] = [];
  const backup: FakeBackupStore = { plans: new Map(), reports: new Map() };
  const webSessions: WebSessionInfo[] = [];
  const handlers: Handlers = {
    'app.info': () => ok(APP_INFO),
    'mounts.list': () => ok(snapshot),
    'freeze.start': (p) => ok(frozenInfo(p.timeoutMs)),
    'freeze.thaw': () => ok({ state: 'thawed', writers: [] }),
    'freeze.extend': (p) => ok(frozenInfo(p.timeoutMs)),
    'freeze.probe': () => ok({ frozen: false, intrusive: true, freeze: { state: 'thawed', writers: [] } }),
    'freeze.thawAll': () => ok({ thawed: [] }),
    'helper.status': () => ok(helper),
    'helper.start': () => ok({ ...helper, state: 'running' }),
    'history.list': () => ok([]),
    'sessions.list': () => ok(webSessions.map((s) => ({ ...s }))),
    'sessions.revoke': ({ id }) => {
      const index = webSessions.findIndex((s) => s.id === id);
      if (index >= 0) webSessions.splice(index, 1);
      return ok({ revoked: index >= 0 });
    },
    ...createBackupHandlers(backup),
  };
  const call =
    <M extends MethodName>(method: M) =>
    async (params: Params<M>): Promise<Result<ResultOf<M>>> => {
      calls.push({ method, params });
      return (handlers[method] as Handler<M>)(params);
    };
  const methods = Object.fromEntries(
    (Object.keys(handlers) as MethodName[]).map((method) => [method, call(method)]),
  ) as unknown as { [M in MethodName]: (params: Params<M>) => Promise<Result<ResultOf<M>>> };

  return {
    ...methods,
    handlers,
    calls,
    backup,
    webSessions,
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: never) => void);
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) (listener as (p: typeof payload) => void)(payload);
    },
    listenerCount() {
      return [...listeners.values()].reduce((n, set) => n + set.size, 0);
    },
  };
}
