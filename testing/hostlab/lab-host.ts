/**
 * Building one lab host, in an order that teardown can always undo: every
 * resource is written into the host's record before the next is made.
 */
import { mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FixtureFsType, LoopFixture } from '../loop-mounts';
import { mustRun } from './exec';
import { hostMountTable, pruneForeignMounts } from './host-mounts';
import { createNetns, enterArgs, HOST_MOUNT_ROOT, layOutHost, startHolder, type HostRecord } from './host-namespace';
import { createLabUser, labUserName, type LabUser } from './lab-users';
import { generateHostKey, keyFingerprint, readPublicKey, sshdFiles, startSshd, writeAuthorizedKeys, writeSshdConfig, type SshdFiles } from './sshd';

export interface HostFilesystem {
  fsType: FixtureFsType;
  /** Its directory under /srv in the host; defaults to the type ("ext4"). */
  name?: string;
  sizeMb?: number;
}

export interface HostSpec {
  /** The host's name: its ssh_config alias, its hostname, part of its netns name. */
  name: string;
  filesystems?: Array<FixtureFsType | HostFilesystem>;
  /**
   * A directory holding freezeframe-helper (and its guardian), bound at
   * /usr/local/lib/freezeframe in the host; false: the host has no helper.
   * Defaults to native-helper/build.
   */
  helper?: string | false;
  /** Extra sshd_config lines for this host (e.g. ClientAliveInterval 2). */
  sshdConfig?: string[];
}

export interface HostMount {
  name: string;
  fsType: FixtureFsType;
  /** The mountpoint as the host sees it: /srv/<name>. */
  path: string;
  device: string;
  majorMinor: string;
  /** The mount id in the host's own mount table (not the controller's). */
  mountId: number;
  image: string;
}

export interface LabHost {
  name: string;
  netns: string;
  /** A process whose namespaces are the host's (`nsenter -t PID -m -u -n`). */
  holderPid: number;
  sshdPid: number;
  hostKeyFingerprint: string;
  mounts: HostMount[];
  /** The host's non-root SSH user (its key is the lab's identity too). */
  user: LabUser;
  helperDir: string | null;
  /** Internal: the host's sshd files. */
  readonly sshd: SshdFiles;
}

export interface BuildContext {
  labId: string;
  labDir: string;
  fixture: LoopFixture;
  usrLocalLayer: string;
  identityPublicKey: string;
  save: () => void;
}

export const HOST_NAME_PATTERN = /^[a-z][a-z0-9-]{0,11}$/;

export async function buildHost(spec: HostSpec, helperDir: string | null, record: HostRecord, ctx: BuildContext): Promise<LabHost> {
  record.netNs = await createNetns(record.netns);
  ctx.save();

  // The loop-mount fixture makes each filesystem in the controller's mount
  // namespace; the host's namespace is copied from it right after.
  const wanted = (spec.filesystems ?? []).map((f) => (typeof f === 'string' ? { fsType: f } : f));
  const made = [];
  for (const fs of wanted) {
    const name = fs.name ?? fs.fsType;
    const loop = await ctx.fixture.mount(fs.fsType, { name: `${spec.name}-${name}`, sizeMb: fs.sizeMb });
    made.push({ name, loop });
  }
  const holder = await startHolder(record.netns);
  record.holderPid = holder.pid;
  record.mntNs = holder.mntNs;
  record.mountPaths = made.map((m) => `${HOST_MOUNT_ROOT}/${m.name}`);
  ctx.save();

  await pruneForeignMounts(enterArgs(holder.pid), holder.pid, new Set(made.map((m) => m.loop.device)));
  await layOutHost(holder.pid, {
    hostname: spec.name,
    moves: made.map((m) => ({ from: m.loop.mountpoint, name: m.name })),
    usrLocalLayer: ctx.usrLocalLayer,
    helperDir,
  });
  // Now only the host has them: drop the controller's copies, and their
  // directories, so the fixture's cleanup finds nothing there to thaw.
  for (const m of made) {
    await mustRun('umount', [m.loop.mountpoint]);
    rmdirSync(m.loop.mountpoint);
  }
  const table = hostMountTable(holder.pid);
  const mounts = made.map((m): HostMount => {
    const path = `${HOST_MOUNT_ROOT}/${m.name}`;
    const line = table.filter((l) => l.target === path).pop();
    if (!line) throw new Error(`${spec.name}: ${path} is not mounted inside the host`);
    return { name: m.name, fsType: m.loop.fsType, path, device: m.loop.device, majorMinor: line.majorMinor, mountId: line.id, image: m.loop.image };
  });

  const userName = labUserName(ctx.labId, spec.name);
  record.user = userName;
  ctx.save();
  const user = await createLabUser(userName, join(ctx.labDir, 'home', userName));

  const hostDir = join(ctx.labDir, 'hosts', spec.name);
  const files = sshdFiles(hostDir);
  mkdirSync(files.authorizedKeysDir, { recursive: true, mode: 0o755 });
  await generateHostKey(files, `hostlab-${spec.name}`);
  writeSshdConfig(files, ['root', user.name], spec.sshdConfig ?? []);
  writeAuthorizedKeys(files, 'root', ctx.identityPublicKey);
  writeAuthorizedKeys(files, user.name, ctx.identityPublicKey);
  const sshdPid = await startSshd(files, holder.pid);

  return {
    name: spec.name,
    netns: record.netns,
    holderPid: holder.pid,
    sshdPid,
    hostKeyFingerprint: await keyFingerprint(`${files.hostKey}.pub`),
    mounts,
    user,
    helperDir,
    sshd: files,
  };
}

export function hostPublicKey(host: LabHost): string {
  return readPublicKey(`${host.sshd.hostKey}.pub`);
}
