/**
 * One lab host: a named network namespace (`ip netns`) with only its own
 * loopback, and a private mount + UTS namespace kept alive by a holder
 * process (`sleep infinity`). Everything of the host runs in them (sshd and
 * its sessions, `runOn`), so the host has its own hostname, its own
 * /run/freezeframe (service socket and lock), its own filesystems under
 * /srv, its own (empty) /root, and `freezeframe-helper` on PATH from an
 * overlay on /usr/local.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { capture, mustRun, trySync, waitFor, waitSync } from './exec';
import { hostMountTable } from './host-mounts';
import { namespaceOf, netnsIdentity, pidsIn, stopProcesses } from './processes';

/** Where the helper directory appears inside a host, and the PATH entry for it. */
export const HOST_HELPER_DIR = '/usr/local/lib/freezeframe';
export const HOST_HELPER_LINK = '/usr/local/bin/freezeframe-helper';
/** Where a host's filesystems are mounted, as that host sees them. */
export const HOST_MOUNT_ROOT = '/srv';

/** What teardown and the sweep of abandoned labs need to know about a host. */
export interface HostRecord {
  name: string;
  netns: string;
  /** "net:[inode]" of the named network namespace. */
  netNs: string | null;
  holderPid: number | null;
  /** "mnt:[inode]" of the host's mount namespace. */
  mntNs: string | null;
  /** The host's own filesystems, as seen inside it. */
  mountPaths: string[];
  user: string | null;
}

/** The argv prefix that runs a command inside the host's namespaces. */
export function enterArgs(holderPid: number): string[] {
  return ['-t', String(holderPid), '-m', '-u', '-n', '--'];
}

export function inHost(holderPid: number, argv: readonly string[], timeoutMs = 60_000): Promise<string> {
  return mustRun('nsenter', [...enterArgs(holderPid), ...argv], { timeoutMs });
}

/** Several commands in one entry into the host (each spawn costs on a busy machine); stops at the first failure. */
export function inHostScript(holderPid: number, commands: ReadonlyArray<readonly string[]>): Promise<string> {
  const script = commands.map((argv) => argv.map(shellQuote).join(' ')).join('\n');
  return inHost(holderPid, ['sh', '-ec', script]);
}

export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export async function createNetns(netns: string): Promise<string> {
  await mustRun('ip', ['netns', 'add', netns]);
  await mustRun('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  const identity = netnsIdentity(netns);
  if (!identity) throw new Error(`ip netns add ${netns} left no /run/netns/${netns}`);
  return identity;
}

/**
 * Start the holder: it enters the network namespace and unshares a private
 * mount namespace (a copy of ours at this moment) and a UTS namespace.
 * Resolves once it is `sleep infinity`, i.e. the propagation is private.
 */
export async function startHolder(netns: string): Promise<{ pid: number; mntNs: string }> {
  const child = spawn(
    'nsenter',
    [`--net=/run/netns/${netns}`, '--', 'unshare', '--mount', '--uts', '--propagation', 'private', '--', 'sleep', 'infinity'],
    { detached: true, stdio: 'ignore' },
  );
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the namespace holder (nsenter)');
  const ready = await waitFor(() => readCmdline(pid) === 'sleep\0infinity\0', 10_000);
  const mntNs = namespaceOf(pid, 'mnt');
  if (!ready || !mntNs || mntNs === namespaceOf(process.pid, 'mnt')) {
    throw new Error(`the namespace holder for ${netns} (pid ${pid}) did not start`);
  }
  return { pid, mntNs };
}

function readCmdline(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return null;
  }
}

export interface HostLayout {
  hostname: string;
  /** Mounts the loop fixture made in the controller's namespace, to move to HOST_MOUNT_ROOT/name. */
  moves: Array<{ from: string; name: string }>;
  /** A directory with bin/freezeframe-helper -> HOST_HELPER_DIR/... and an empty lib/freezeframe. */
  usrLocalLayer: string;
  helperDir: string | null;
}

export async function layOutHost(holderPid: number, layout: HostLayout): Promise<void> {
  // Mountpoints (and sshd's privilege separation directory) on the shared
  // root filesystem: the real service and Debian's sshd make the same ones.
  for (const dir of ['/run/freezeframe', '/run/sshd', HOST_MOUNT_ROOT]) {
    if (!existsSync(dir)) mkdirSync(dir, { mode: 0o755, recursive: true });
  }
  const tmpfs = (mode: string, size: string, name: string, target: string): string[] => ['mount', '-t', 'tmpfs', '-o', `mode=${mode},size=${size}`, `ff-${layout.hostname}-${name}`, target];
  await inHostScript(holderPid, [
    ['hostname', layout.hostname],
    tmpfs('0755', '8m', 'run', '/run/freezeframe'),
    tmpfs('0755', '1m', 'srv', HOST_MOUNT_ROOT),
    // Root's own home, as on a separate machine (and without the controller's
    // shell start-up files, which a non-interactive ssh session runs too).
    tmpfs('0700', '4m', 'root-home', '/root'),
    ...layout.moves.flatMap((move) => [
      ['mkdir', `${HOST_MOUNT_ROOT}/${move.name}`],
      ['mount', '--move', move.from, `${HOST_MOUNT_ROOT}/${move.name}`],
    ]),
    // A read-only overlay: /usr/local as it is, plus the helper's link and mountpoint.
    ['mount', '-t', 'overlay', '-o', `lowerdir=${layout.usrLocalLayer}:/usr/local`, `ff-${layout.hostname}-usr-local`, '/usr/local'],
  ]);
  await setHostHelper(holderPid, layout.helperDir);
}

/** Bind dir (or nothing, for "helper missing") at HOST_HELPER_DIR inside the host. */
export async function setHostHelper(holderPid: number, helperDir: string | null): Promise<void> {
  const table = hostMountTable(holderPid);
  if (table.some((m) => m.target === HOST_HELPER_DIR)) await inHost(holderPid, ['umount', HOST_HELPER_DIR]);
  if (helperDir) await inHost(holderPid, ['mount', '--bind', helperDir, HOST_HELPER_DIR]);
}

/**
 * A partition: the host's only link (lo) goes down. Measured here: an
 * established TCP connection stalls (retransmits with back-off, no reset,
 * no error to either end), a new connect hangs, and both resume on `heal`.
 */
export async function setLinkUp(netns: string, up: boolean): Promise<void> {
  await mustRun('ip', ['-n', netns, 'link', 'set', 'lo', up ? 'up' : 'down']);
}

export async function linkIsUp(netns: string): Promise<boolean> {
  const result = await capture('ip', ['-n', netns, '-o', 'link', 'show', 'lo']);
  return /<[^>]*\bUP\b[^>]*>/.test(result.stdout);
}

/**
 * Undo a host, synchronously (also from an 'exit' handler or for a dead
 * lab): stop every process in its namespaces, thaw and unmount its own
 * filesystems inside it, end the holder (the mount namespace dies with its
 * last process, dropping every mount in it), delete the network namespace.
 */
export function destroyHost(record: HostRecord): void {
  // Namespace inode numbers are reused once a namespace is gone, so a
  // recorded identity is only trusted while something ties it to this host:
  // the netns by its name, the mount namespace by the holder (pid, mount
  // and network namespace all matching) or by a process of the named netns.
  const netNs = netnsIdentity(record.netns);
  const holder =
    record.holderPid !== null &&
    record.mntNs !== null &&
    namespaceOf(record.holderPid, 'mnt') === record.mntNs &&
    namespaceOf(record.holderPid, 'net') === (netNs ?? record.netNs)
      ? record.holderPid
      : null;
  const mntNs = holder !== null || pidsIn([netNs]).some((pid) => namespaceOf(pid, 'mnt') === record.mntNs) ? record.mntNs : null;
  const find = (): number[] => pidsIn([netNs, mntNs]);
  stopProcesses(find, holder, () => {
    const inside = holder ?? find().find((pid) => namespaceOf(pid, 'mnt') === record.mntNs) ?? null;
    if (inside !== null) thawAndUnmount(inside, record.mountPaths);
  });
  if (holder !== null) {
    try {
      process.kill(holder, 'SIGKILL');
    } catch {
      // Already gone.
    }
    waitSync(() => namespaceOf(holder, 'mnt') !== record.mntNs, 5000);
  }
  if (netnsIdentity(record.netns)) trySync('ip', ['netns', 'delete', record.netns]);
}

/** Thaw first (these are the lab's own filesystems), then unmount, deepest first. */
function thawAndUnmount(pidInside: number, mountPaths: string[]): void {
  const enter = enterArgs(pidInside);
  let mounted: Set<string>;
  try {
    mounted = new Set(hostMountTable(pidInside).map((m) => m.target));
  } catch {
    return; // the process is gone, and with it (if it was the last) the namespace
  }
  const ours = mountPaths.filter((p) => mounted.has(p)).sort((a, b) => b.length - a.length);
  for (const path of ours) trySync('nsenter', [...enter, 'fsfreeze', '-u', path], 10_000);
  for (const path of ours) {
    if (!trySync('nsenter', [...enter, 'umount', path], 30_000)) trySync('nsenter', [...enter, 'umount', '-l', path], 30_000);
  }
}
