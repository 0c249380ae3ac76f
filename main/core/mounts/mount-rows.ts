/**
 * MountRow = the kernel's table (MountBase) + size + freeze state. A row
 * object is rebuilt only when one of its three parts is a new object, so
 * an unchanged row keeps its identity and only changed rows are sent as
 * mount.updated.
 */
import type { FreezeInfo, MountRow, MountSize } from '../../../app/domain';
import type { MountBase } from './mount-table';

export interface RowSources {
  rows(): readonly MountBase[];
  rowsOfSuperblock(key: string): readonly MountBase[];
  size(base: MountBase): MountSize;
  freeze(base: MountBase): FreezeInfo;
  /** The freeze info with remainingMs as of now (a new object while frozen). */
  freshFreeze(base: MountBase): FreezeInfo;
}

interface Entry {
  base: MountBase;
  size: MountSize;
  freeze: FreezeInfo;
  row: MountRow;
}

export class MountRows {
  private readonly cache = new Map<string, Entry>();

  constructor(private readonly sources: RowSources) {}

  /** Every row, in table order; forgets rows that are gone. */
  all(): MountRow[] {
    const bases = this.sources.rows();
    const rows = bases.map((base) => this.compose(base).row);
    if (this.cache.size > bases.length) {
      const live = new Set(bases.map((b) => b.id));
      for (const id of this.cache.keys()) if (!live.has(id)) this.cache.delete(id);
    }
    return rows;
  }

  /** Rows of one superblock whose object changed since last composed. */
  changedIn(key: string): MountRow[] {
    const changed: MountRow[] = [];
    for (const base of this.sources.rowsOfSuperblock(key)) {
      const before = this.cache.get(base.id)?.row;
      const { row } = this.compose(base);
      if (row !== before) changed.push(row);
    }
    return changed;
  }

  /** What goes on the wire: remainingMs counted from now. */
  toSend(row: MountRow): MountRow {
    if (row.freeze.remainingMs === undefined) return row;
    const base = this.cache.get(row.id)?.base;
    return base ? { ...row, freeze: this.sources.freshFreeze(base) } : row;
  }

  private compose(base: MountBase): Entry {
    const size = this.sources.size(base);
    const freeze = this.sources.freeze(base);
    const old = this.cache.get(base.id);
    if (old && old.base === base && old.size === size && old.freeze === freeze) return old;
    const entry: Entry = { base, size, freeze, row: { ...base, size, freeze } };
    this.cache.set(base.id, entry);
    return entry;
  }
}
