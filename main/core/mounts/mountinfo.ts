/**
 * /proc/self/mountinfo, parsed (proc(5)):
 *
 *   36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2)(3)   (4)   (5)         (6)        (7...)  (-) (8)  (9)       (10)
 *
 * The kernel escapes space, tab, newline and backslash in paths as \ooo
 * octal, so splitting on single spaces is exact. A line we cannot read is
 * skipped with a reason, never thrown on: one odd mount (a future kernel's
 * new field, a truncated read) must not blank the whole list.
 */

export interface MountRecord {
  mountId: number;
  parentId: number;
  /** st_dev of the superblock: every mount of one filesystem shares it (bind mounts, btrfs subvolumes). */
  majorMinor: string;
  /** The directory of the filesystem that is mounted here ("/" unless a bind mount or a subvolume). */
  root: string;
  mountpoint: string;
  /** Per-mount options (rw/ro, nosuid, relatime, ...). */
  mountOptions: string;
  /** shared:N, master:N, propagate_from:N, unbindable: zero or more. */
  optionalFields: string[];
  fsType: string;
  source: string;
  /** Per-superblock options. */
  superOptions: string;
}

export interface SkippedLine {
  /** 1-based. */
  lineNumber: number;
  line: string;
  reason: string;
}

export interface ParsedMountinfo {
  records: MountRecord[];
  skipped: SkippedLine[];
}

const MAJOR_MINOR = /^\d+:\d+$/;
const OCTAL_ESCAPE = /\\([0-7]{3})/g;

/** Undo the kernel's \ooo escaping (mangle() in fs/proc_namespace.c). */
export function unescapeMountinfo(field: string): string {
  if (!field.includes('\\')) return field; // the common case, and the fast one
  return field.replace(OCTAL_ESCAPE, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export function parseMountinfo(text: string): ParsedMountinfo {
  const records: MountRecord[] = [];
  const skipped: SkippedLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length === 0) continue;
    const parsed = parseLine(line);
    if (typeof parsed === 'string') skipped.push({ lineNumber: i + 1, line: line.slice(0, 500), reason: parsed });
    else records.push(parsed);
  }
  return { records, skipped };
}

/**
 * A record, or why the line is not one. Scans with indexOf rather than
 * split(' '): several times faster, and the 5,000-mount figure depends on it.
 */
function parseLine(line: string): MountRecord | string {
  const head: string[] = [];
  let pos = 0;
  while (head.length < 6) {
    const end = line.indexOf(' ', pos);
    if (end === -1) return `only ${head.length + 1} fields before the optional fields`;
    head.push(line.slice(pos, end));
    pos = end + 1;
  }
  const [id, parent, majorMinor, root, mountpoint, mountOptions] = head as [string, string, string, string, string, string];
  const mountId = toId(id);
  const parentId = toId(parent);
  if (mountId === undefined || parentId === undefined) return 'mount id or parent id is not a number';
  if (!MAJOR_MINOR.test(majorMinor)) return `"${majorMinor.slice(0, 40)}" is not major:minor`;
  // root is not always a path: an nsfs mount's is "net:[4026532008]".
  if (!mountpoint.startsWith('/')) return 'the mountpoint is not an absolute path';
  // Optional fields never contain a space nor are "-": the first " - " ends them.
  const dash = line.indexOf(' - ', pos - 1);
  if (dash === -1) return line.endsWith(' -') ? 'fewer than two fields after the "-" separator' : 'no "-" separator after the optional fields';
  const afterDash = dash + 3;
  const typeEnd = line.indexOf(' ', afterDash);
  if (typeEnd === -1) return 'fewer than two fields after the "-" separator';
  const fsType = line.slice(afterDash, typeEnd);
  if (fsType.length === 0) return 'empty filesystem type';
  const sourceEnd = line.indexOf(' ', typeEnd + 1);
  const source = sourceEnd === -1 ? line.slice(typeEnd + 1) : line.slice(typeEnd + 1, sourceEnd);
  return {
    mountId,
    parentId,
    majorMinor,
    root: unescapeMountinfo(root),
    mountpoint: unescapeMountinfo(mountpoint),
    mountOptions,
    optionalFields: dash >= pos ? line.slice(pos, dash).split(' ') : [],
    fsType,
    source: unescapeMountinfo(source),
    // Fields past the third after "-" are not defined; keep them rather than lose them.
    superOptions: sourceEnd === -1 ? '' : unescapeMountinfo(line.slice(sourceEnd + 1)),
  };
}

function toId(field: string): number | undefined {
  if (field.length === 0 || field.length > 10) return undefined;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(field);
}

/** Mounts of the same superblock, in table order: the unit the kernel freezes. */
export function groupBySuperblock(records: readonly MountRecord[]): Map<string, MountRecord[]> {
  const groups = new Map<string, MountRecord[]>();
  for (const record of records) {
    const group = groups.get(record.majorMinor);
    if (group) group.push(record);
    else groups.set(record.majorMinor, [record]);
  }
  return groups;
}

/** True when either the mount or its superblock is read-only (the kernel writes rw/ro first in both). */
export function isReadOnly(record: MountRecord): boolean {
  return startsWithOption(record.mountOptions, 'ro') || startsWithOption(record.superOptions, 'ro');
}

function startsWithOption(options: string, name: string): boolean {
  return options.startsWith(name) && (options.length === name.length || options.charCodeAt(name.length) === 44 /* , */);
}

/**
 * Mount options, then the superblock's (less its leading rw/ro, which the
 * mount options already say): what the row shows. Plain concatenation:
 * the two sets hardly overlap, and this runs for every mount on every read.
 */
export function displayOptions(record: MountRecord): string {
  const { mountOptions, superOptions } = record;
  if (superOptions === 'rw' || superOptions === 'ro' || superOptions === '') return mountOptions;
  const rest = startsWithOption(superOptions, 'rw') || startsWithOption(superOptions, 'ro') ? superOptions.slice(3) : superOptions;
  return rest ? `${mountOptions},${rest}` : mountOptions;
}
