/**
 * The mount table as main last described it: rows by id, their order, the
 * snapshot generation, and when each row's countdown figure arrived.
 */
import type { FreezeInfo, MountRow, MountsSnapshot } from '../../app/domain';
import { describeError } from '../../app/error-messages';
import { sameRow } from './same-row';
import type { AppState, MountsSlice, SliceCreator } from './types';

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/** The next mounts state for a snapshot, reusing every unchanged row object. */
export function mergeSnapshot(
  state: Pick<AppState, 'mountsById' | 'mountOrder' | 'receivedAt'>,
  snapshot: MountsSnapshot,
  now: number,
): Pick<AppState, 'mountsById' | 'mountOrder' | 'receivedAt'> {
  const byId: Record<string, MountRow> = {};
  const receivedAt: Record<string, number> = {};
  const order: string[] = [];
  let rowsChanged = snapshot.mounts.length !== state.mountOrder.length;
  for (const incoming of snapshot.mounts) {
    const old = state.mountsById[incoming.id];
    const oldAt = state.receivedAt[incoming.id];
    if (old && oldAt !== undefined && sameRow(old, oldAt, incoming, now)) {
      byId[incoming.id] = old;
      receivedAt[incoming.id] = oldAt;
    } else {
      byId[incoming.id] = incoming;
      receivedAt[incoming.id] = now;
      rowsChanged = true;
    }
    order.push(incoming.id);
  }
  return {
    mountsById: rowsChanged ? byId : state.mountsById,
    receivedAt: rowsChanged ? receivedAt : state.receivedAt,
    mountOrder: sameOrder(order, state.mountOrder) ? state.mountOrder : order,
  };
}

export const createMountsSlice: SliceCreator<MountsSlice> = (set, get, deps) => ({
  mountsById: {},
  mountOrder: [],
  generation: -1,
  mountsLoaded: false,
  receivedAt: {},

  applySnapshot(snapshot) {
    // Events arrive in order, so an event's snapshot always wins, even one with a
    // lower generation: that is main restarted (a bridge reconnect resyncs this way).
    set((state) => ({ ...mergeSnapshot(state, snapshot, deps.now()), generation: snapshot.generation, mountsLoaded: true }));
  },

  applyRow(row) {
    set((state) => {
      const old = state.mountsById[row.id];
      // An update for a mount no longer listed is late news: the next snapshot is the truth.
      if (!old) return state;
      const now = deps.now();
      const oldAt = state.receivedAt[row.id] ?? now;
      if (sameRow(old, oldAt, row, now)) return state;
      return {
        mountsById: { ...state.mountsById, [row.id]: row },
        receivedAt: { ...state.receivedAt, [row.id]: now },
      };
    });
  },

  applyFreezeInfo(id, freeze: FreezeInfo) {
    const row = get().mountsById[id];
    if (row) get().applyRow({ ...row, freeze });
  },

  async loadMounts() {
    const result = await deps.api['mounts.list']({});
    // A reply can arrive after a newer mounts.changed event: then it is stale.
    if (result.ok && result.value.generation < get().generation) return;
    if (result.ok) get().applySnapshot(result.value);
    else get().pushNotice({ level: 'error', code: result.error.code, message: `Could not read the mount table: ${describeError(result.error)}` });
  },
});
