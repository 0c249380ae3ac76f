/**
 * The live mount table: /proc/self/mountinfo, re-read whenever the watcher
 * signals a change (bursts coalesced into one read), turned into the parts
 * of MountRow that come from the kernel's table. A row object keeps its
 * identity while nothing in it changed, so consumers can compare by
 * reference and re-render or re-send only what changed.
 */
import { readFile } from 'node:fs/promises';
import type { DangerMark, MountRow } from '../../../app/domain';
import { mountIdFor } from '../../../app/schemas';
import { dangerBySuperblock, type DangerContext } from './danger-marks';
import { isFreezableFs, isPseudoFs } from './fs-types';
import { displayOptions, groupBySuperblock, isReadOnly, parseMountinfo, type MountRecord, type SkippedLine } from './mountinfo';
import { watchMountChanges, type MountWatcher, type WatchMounts } from './mount-watcher';

/** What the kernel's table says about a mount; sizes and freeze state are added elsewhere. */
export type MountBase = Omit<MountRow, 'size' | 'freeze'>;

export interface BuiltTable {
  rows: MountBase[];
  byId: Map<string, MountBase>;
  bySuperblock: Map<string, MountBase[]>;
}

const NO_MARKS: readonly DangerMark[] = Object.freeze([]);
const NO_SIBLINGS: readonly string[] = Object.freeze([]);

/** Records -> rows, reusing previous row objects that did not change (and allocating nothing for them). */
export function buildBaseRows(records: readonly MountRecord[], danger: DangerContext, previous?: ReadonlyMap<string, MountBase>): BuiltTable {
  const groups = groupBySuperblock(records);
  const marks = dangerBySuperblock(records, danger);
  const byId = new Map<string, MountBase>();
  const bySuperblock = new Map<string, MountBase[]>();
  for (const [majorMinor, group] of groups) {
    const ids = group.length === 1 ? [mountIdFor(group[0]!.mountId)] : group.map((r) => mountIdFor(r.mountId));
    const sbMarks = (marks.get(majorMinor) ?? NO_MARKS) as DangerMark[];
    const sbRows: MountBase[] = [];
    for (let i = 0; i < group.length; i++) {
      const record = group[i]!;
      const id = ids[i]!;
      const siblings = group.length === 1 ? (NO_SIBLINGS as string[]) : ids.filter((other) => other !== id);
      const old = previous?.get(id);
      const row = old && sameAsRecord(old, record, siblings, sbMarks) ? old : toBase(id, record, siblings, sbMarks);
      byId.set(id, row);
      sbRows.push(row);
    }
    bySuperblock.set(majorMinor, sbRows);
  }
  // Table order, as the kernel lists them (roughly mount order).
  const rows: MountBase[] = [];
  for (const record of records) rows.push(byId.get(mountIdFor(record.mountId))!);
  return { rows: records.length === byId.size ? rows : [...new Set(rows)], byId, bySuperblock };
}

function toBase(id: string, record: MountRecord, bindSiblings: string[], danger: DangerMark[]): MountBase {
  return {
    id,
    mountId: record.mountId,
    path: record.mountpoint,
    source: record.source,
    fsType: record.fsType,
    majorMinor: record.majorMinor,
    options: displayOptions(record),
    readOnly: isReadOnly(record),
    pseudo: isPseudoFs(record.fsType),
    freezable: isFreezableFs(record.fsType),
    bindSiblings,
    danger,
  };
}

function sameAsRecord(a: MountBase, r: MountRecord, bindSiblings: readonly string[], danger: readonly DangerMark[]): boolean {
  return (
    a.mountId === r.mountId &&
    a.path === r.mountpoint &&
    a.source === r.source &&
    a.fsType === r.fsType &&
    a.majorMinor === r.majorMinor &&
    a.options === displayOptions(r) &&
    a.readOnly === isReadOnly(r) &&
    sameList(a.bindSiblings, bindSiblings) &&
    sameList(a.danger, danger, (x, y) => x.kind === y.kind && x.reason === y.reason)
  );
}

function sameList<T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean = (x, y) => x === y): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!eq(a[i]!, b[i]!)) return false;
  return true;
}

export interface MountTableChange {
  generation: number;
  added: string[];
  removed: string[];
  /** Ids whose row object was replaced (something in it changed). */
  changed: string[];
}

export interface MountTableOptions {
  danger: DangerContext;
  readMountinfo?: () => Promise<string>;
  watch?: WatchMounts;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Wait this long after a signal before reading, so a burst is one read. */
  coalesceMs?: number;
  /** A slow re-read regardless of signals, in case one was missed. */
  safetyRereadMs?: number;
}

export class MountTable {
  private built: BuiltTable = { rows: [], byId: new Map(), bySuperblock: new Map() };
  private gen = 0;
  private readonly listeners = new Set<(change: MountTableChange) => void>();
  private watcher: MountWatcher | undefined;
  private safetyTimer: NodeJS.Timeout | undefined;
  private readTimer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private dirty = false;
  private lastSkipped = '';
  private stopped = false;
  private readonly log: NonNullable<MountTableOptions['log']>;

  constructor(private readonly options: MountTableOptions) {
    this.log = options.log ?? (() => undefined);
  }

  /** First read, then watch. Resolves when the table is filled. */
  async start(): Promise<void> {
    await this.readNow();
    const watch = this.options.watch ?? ((onSignal) => watchMountChanges(onSignal, { log: this.log }));
    this.watcher = watch(() => this.signal());
    const every = this.options.safetyRereadMs ?? 10_000;
    if (every > 0) {
      this.safetyTimer = setInterval(() => this.signal(), every);
      this.safetyTimer.unref();
    }
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.stop();
    if (this.safetyTimer) clearInterval(this.safetyTimer);
    if (this.readTimer) clearTimeout(this.readTimer);
  }

  get generation(): number {
    return this.gen;
  }

  get watchMode(): MountWatcher['mode'] | undefined {
    return this.watcher?.mode;
  }

  rows(): readonly MountBase[] {
    return this.built.rows;
  }

  row(id: string): MountBase | undefined {
    return this.built.byId.get(id);
  }

  rowsOfSuperblock(majorMinor: string): readonly MountBase[] {
    return this.built.bySuperblock.get(majorMinor) ?? [];
  }

  superblocks(): IterableIterator<string> {
    return this.built.bySuperblock.keys();
  }

  onChange(listener: (change: MountTableChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** "Something changed": read soon, once for a burst of signals. */
  signal(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.dirty = true;
      return;
    }
    this.readTimer ??= setTimeout(() => {
      this.readTimer = undefined;
      void this.readNow();
    }, this.options.coalesceMs ?? 15);
  }

  /** Read and diff now (joins a read already under way, then reads again). */
  async readNow(): Promise<void> {
    if (this.reading) {
      this.dirty = true;
      return this.reading;
    }
    this.reading = this.readOnce().finally(() => {
      this.reading = undefined;
      if (this.dirty && !this.stopped) {
        this.dirty = false;
        this.signal();
      }
    });
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    let text: string;
    try {
      text = await (this.options.readMountinfo ?? (() => readFile('/proc/self/mountinfo', 'utf8')))();
    } catch (error) {
      this.log('error', `mount table: cannot read /proc/self/mountinfo: ${(error as Error).message}`);
      return;
    }
    const { records, skipped } = parseMountinfo(text);
    this.reportSkipped(skipped);
    const before = this.built.byId;
    const next = buildBaseRows(records, this.options.danger, before);
    const added: string[] = [];
    const changed: string[] = [];
    for (const [id, row] of next.byId) {
      const old = before.get(id);
      if (!old) added.push(id);
      else if (old !== row) changed.push(id);
    }
    const removed = [...before.keys()].filter((id) => !next.byId.has(id));
    const orderChanged = !sameList(this.built.rows, next.rows);
    this.built = next;
    if (added.length === 0 && removed.length === 0 && changed.length === 0 && !orderChanged) return;
    const change: MountTableChange = { generation: ++this.gen, added, removed, changed };
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.log('error', `mount table: a listener threw: ${(error as Error).stack ?? String(error)}`);
      }
    }
  }

  private reportSkipped(skipped: SkippedLine[]): void {
    const key = skipped.map((s) => `${s.reason}|${s.line}`).join('\n');
    if (key === this.lastSkipped) return; // once per distinct set, not once a second
    this.lastSkipped = key;
    for (const s of skipped) this.log('warn', `mount table: skipped mountinfo line ${s.lineNumber} (${s.reason}): ${JSON.stringify(s.line)}`);
  }
}
