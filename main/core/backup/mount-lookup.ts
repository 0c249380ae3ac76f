/**
 * Which mount a path lives on, from main's own mount table: the deepest
 * mountpoint that contains the path's real location (the nearest existing
 * ancestor, for a directory the run will create). Used to refuse a
 * snapshot directory on a filesystem the run freezes, which would block
 * the clone forever.
 */
import { realpath } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MountBase } from '../mounts/mount-table';

/** The real path of `path`, or of its nearest existing ancestor. */
export async function nearestExisting(path: string): Promise<string> {
  for (let p = path; ; p = dirname(p)) {
    try {
      return await realpath(p);
    } catch {
      if (p === '/') return '/';
    }
  }
}

export function mountContaining(path: string, rows: readonly MountBase[]): MountBase | undefined {
  let best: MountBase | undefined;
  for (const row of rows) {
    const inside = row.path === '/' || path === row.path || path.startsWith(`${row.path}/`);
    // Later rows are mounted over earlier ones at the same point: take the last.
    if (inside && (!best || row.path.length >= best.path.length)) best = row;
  }
  return best;
}

/** The current (topmost) mount at exactly this mountpoint. */
export function mountAt(mountpoint: string, rows: readonly MountBase[]): MountBase | undefined {
  let found: MountBase | undefined;
  for (const row of rows) if (row.path === mountpoint) found = row;
  return found;
}
