/**
 * A host's mount table, read from the holder's /proc/PID/mountinfo as
 * bytes: other tests mount paths that are not UTF-8 (the path corpus), and
 * the lab must still be able to name them to umount.
 */
import { readFileSync } from 'node:fs';
import { mustRun } from './exec';

export interface MountLine {
  id: number;
  majorMinor: string;
  /** For display and comparison with our own (ASCII) paths. */
  target: string;
  /** The exact bytes of the mountpoint. */
  targetBytes: Buffer;
  fsType: string;
  source: string;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo; everything else is raw. */
function unescapeBytes(field: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < field.length; i++) {
    const octal = field[i] === 0x5c ? /^[0-7]{3}$/.exec(field.subarray(i + 1, i + 4).toString('latin1')) : null;
    if (octal) {
      out.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      out.push(field[i]!);
    }
  }
  return Buffer.from(out);
}

export function hostMountTable(holderPid: number): MountLine[] {
  const lines: MountLine[] = [];
  for (const line of readFileSync(`/proc/${holderPid}/mountinfo`).toString('latin1').split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 0 || fields.length < 5) continue;
    const targetBytes = unescapeBytes(Buffer.from(fields[4]!, 'latin1'));
    lines.push({
      id: Number(fields[0]),
      majorMinor: fields[2]!,
      target: targetBytes.toString('utf8'),
      targetBytes,
      fsType: fields[dash + 1] ?? '',
      source: unescapeBytes(Buffer.from(fields[dash + 2] ?? '', 'latin1')).toString('utf8'),
    });
  }
  return lines;
}

/**
 * The new mount namespace is a copy of the controller's, so it holds
 * references to whatever was mounted there: other tests' loop mounts and
 * namespace files (/run/netns/*). Drop them inside the host (private
 * propagation: the controller keeps its own), so the host sees only its own
 * filesystems and keeps nothing of anyone else's alive.
 */
export async function pruneForeignMounts(enter: readonly string[], holderPid: number, ownDevices: ReadonlySet<string>): Promise<void> {
  const isForeign = (m: MountLine): boolean => m.fsType === 'nsfs' || (/^\/dev\/loop\d+$/.test(m.source) && !ownDevices.has(m.source));
  const foreign = hostMountTable(holderPid)
    .filter(isForeign)
    .sort((a, b) => b.targetBytes.length - a.targetBytes.length);
  // Paths go through printf as octal escapes: argv strings are UTF-8, a
  // mountpoint need not be. The trailing x keeps a final newline.
  const script = foreign
    .map((m) => {
      const escaped = [...m.targetBytes].map((byte) => `\\${byte.toString(8).padStart(3, '0')}`).join('');
      return `p="$(printf '${escaped}x')"; umount -l "\${p%x}" 2>/dev/null || true`;
    })
    .join('\n');
  if (script) await mustRun('nsenter', [...enter, 'sh', '-c', script]);
  const left = hostMountTable(holderPid).filter(isForeign);
  if (left.length > 0) throw new Error(`could not drop other mounts from the host: ${left.map((m) => `${m.target} (${m.source})`).join(', ')}`);
}
