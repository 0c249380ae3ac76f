/**
 * A lab of SSH hosts on this machine, for tests of the multi-host work
 * (issue 11). Each host is a network namespace with only its loopback, a
 * private mount and UTS namespace, its own loop-mounted filesystems under
 * /srv, its own /run/freezeframe, a real sshd on its 127.0.0.1:22, and
 * (unless told otherwise) freezeframe-helper on its PATH. The controller
 * reaches hosts only with `ssh -F <lab.sshConfig> <host>`. Root only.
 *
 *   const lab = await HostLab.create({ hosts: [{ name: 'h1', filesystems: ['ext4'] }] });
 *   await lab.ssh('h1', 'findmnt /srv/ext4');
 *   await lab.close();
 */
import { spawn, type ChildProcessWithoutNullStreams, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LoopFixture } from '../loop-mounts';
import { clientFiles, DEFAULT_CLIENT_OPTIONS, generateUserKey, writeClientConfig, writeKnownHosts, type ClientFiles, type ClientOptions } from './client-config';
import { capture, commandPath, waitFor, type ExecOptions, type ExecResult } from './exec';
import { enterArgs, HOST_HELPER_DIR, linkIsUp, setHostHelper, setLinkUp, type HostRecord } from './host-namespace';
import { buildHost, HOST_NAME_PATTERN, hostPublicKey, type HostSpec, type LabHost } from './lab-host';
import { destroyLab, LAB_DIR_PREFIX, saveState, sweepAbandonedLabs, type LabState } from './lab-state';
import { hostLabRequirements } from './requirements';
import { generateHostKey, keyFingerprint, readSshdLog, startSshd, stopSshd, writeAuthorizedKeys } from './sshd';

export type { HostFilesystem, HostMount, HostSpec, LabHost } from './lab-host';
export type { ExecResult } from './exec';
export { hostLabRequirements, HOST_LAB_PACKAGES } from './requirements';
export { HOST_HELPER_DIR, HOST_HELPER_LINK, HOST_MOUNT_ROOT } from './host-namespace';

/** The helper the lab installs by default: this checkout's build. */
export const DEFAULT_HELPER_DIR = resolve(import.meta.dirname, '../../native-helper/build');

export interface HostLabOptions {
  hosts: HostSpec[];
  /** ServerAlive and ConnectTimeout of the lab's ssh_config (defaults 1 s x 3, 10 s). */
  client?: Partial<ClientOptions>;
}

export interface SshCallOptions extends ExecOptions {
  /** Extra ssh arguments before the target (e.g. ['-o', 'BatchMode=no']). */
  sshArgs?: string[];
}

export class HostLab {
  readonly hosts: LabHost[] = [];
  readonly sshConfig: string;
  readonly knownHosts: string;
  readonly identity: string;
  private readonly client: ClientFiles;
  private readonly trusted = new Map<string, string>();
  private fixture: LoopFixture | null = null;
  private closed = false;
  private readonly onExit = (): void => destroyLab(this.state);

  private constructor(private readonly state: LabState) {
    this.client = clientFiles(state.dir);
    this.sshConfig = this.client.config;
    this.knownHosts = this.client.knownHosts;
    this.identity = this.client.identity;
    // Registered before the loop fixture's own handler, so on exit the
    // hosts let go of their filesystems before the fixture detaches them.
    process.on('exit', this.onExit);
  }

  get id(): string {
    return this.state.id;
  }

  get dir(): string {
    return this.state.dir;
  }

  static async create(options: HostLabOptions): Promise<HostLab> {
    const can = hostLabRequirements();
    if (!can.ok) throw new Error(`HostLab cannot run here: ${can.why}`);
    const helperDirs = options.hosts.map((spec) => checkSpec(spec, options.hosts));
    const tools = { ip: commandPath('ip')!, socat: commandPath('socat')! };
    sweepAbandonedLabs();

    const id = `${process.pid}-${randomBytes(2).toString('hex')}`;
    const dir = join(tmpdir(), `${LAB_DIR_PREFIX}${id}`);
    mkdirSync(dir, { mode: 0o711 });
    chmodSync(dir, 0o711); // sshd reads a user's authorized_keys as that user
    const lab = new HostLab({ id, pid: process.pid, dir, hosts: [] });
    try {
      saveState(lab.state);
      await lab.build(options, helperDirs, tools);
      return lab;
    } catch (error) {
      await lab.close();
      throw error;
    }
  }

  private async build(options: HostLabOptions, helperDirs: Array<string | null>, tools: { ip: string; socat: string }): Promise<void> {
    await generateUserKey(this.client, `hostlab-${this.id}`);
    const usrLocalLayer = join(this.dir, 'usr-local-layer');
    mkdirSync(join(usrLocalLayer, 'bin'), { recursive: true, mode: 0o755 });
    mkdirSync(join(usrLocalLayer, 'lib', 'freezeframe'), { recursive: true, mode: 0o755 });
    symlinkSync(`${HOST_HELPER_DIR}/freezeframe-helper`, join(usrLocalLayer, 'bin', 'freezeframe-helper'));
    this.fixture = await LoopFixture.create();
    const ctx = {
      labId: this.id,
      labDir: this.dir,
      fixture: this.fixture,
      usrLocalLayer,
      identityPublicKey: readFileSync(`${this.identity}.pub`, 'utf8'),
      save: () => saveState(this.state),
    };
    for (const [index, spec] of options.hosts.entries()) {
      const record: HostRecord = { name: spec.name, netns: `ff-${this.id}-${spec.name}`, netNs: null, holderPid: null, mntNs: null, mountPaths: [], user: null };
      this.state.hosts.push(record);
      saveState(this.state);
      const host = await buildHost(spec, helperDirs[index] ?? null, record, ctx);
      this.hosts.push(host);
      this.trusted.set(host.name, hostPublicKey(host));
    }
    writeClientConfig(this.client, this.hosts, tools, { ...DEFAULT_CLIENT_OPTIONS, ...options.client });
    writeKnownHosts(this.client, this.trusted);
  }

  host(name: string): LabHost {
    const host = this.hosts.find((h) => h.name === name);
    if (!host) throw new Error(`no host ${name} in this lab (${this.hosts.map((h) => h.name).join(', ')})`);
    return host;
  }

  /** The ssh argv for a target ("h1" or "user@h1"): ['-F', config, ...extra, target]. */
  sshArgs(target: string, extra: readonly string[] = []): string[] {
    return ['-F', this.sshConfig, ...extra, target];
  }

  /** Run a command on a host over SSH (as root, or `user@host`), to completion. */
  ssh(target: string, command: string, opts: SshCallOptions = {}): Promise<ExecResult> {
    return capture('ssh', ['-T', ...this.sshArgs(target, opts.sshArgs), command], opts);
  }

  /** A long-running ssh session (e.g. `cat`), with pipes. */
  spawnSsh(target: string, command: string, sshArgs: readonly string[] = []): ChildProcessWithoutNullStreams {
    return spawn('ssh', ['-T', ...this.sshArgs(target, sshArgs), command], { stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Run argv inside a host's namespaces as root, without SSH (setup, checks, writers). */
  runOn(hostName: string, argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return capture('nsenter', [...enterArgs(this.host(hostName).holderPid), ...argv], opts);
  }

  spawnOn(hostName: string, argv: readonly string[], opts: SpawnOptions = {}): ReturnType<typeof spawn> {
    return spawn('nsenter', [...enterArgs(this.host(hostName).holderPid), ...argv], opts);
  }

  /** Take the host's link (its loopback) down: live connections stall, new ones hang. */
  partition(hostName: string): Promise<void> {
    return setLinkUp(this.host(hostName).netns, false);
  }

  heal(hostName: string): Promise<void> {
    return setLinkUp(this.host(hostName).netns, true);
  }

  async isPartitioned(hostName: string): Promise<boolean> {
    return !(await linkIsUp(this.host(hostName).netns));
  }

  /**
   * Give the host a new host key (sshd restarted; open sessions stay), so
   * the controller's known_hosts no longer matches. Returns the new fingerprint.
   */
  async changeHostKey(hostName: string): Promise<string> {
    const host = this.host(hostName);
    await generateHostKey(host.sshd, `hostlab-${host.name}`);
    await stopSshd(host.sshdPid);
    host.sshdPid = await startSshd(host.sshd, host.holderPid);
    host.hostKeyFingerprint = await keyFingerprint(`${host.sshd.hostKey}.pub`);
    return host.hostKeyFingerprint;
  }

  /** Put the host's current key in the controller's known_hosts. */
  trustHostKey(hostName: string): void {
    this.trusted.set(hostName, hostPublicKey(this.host(hostName)));
    writeKnownHosts(this.client, this.trusted);
  }

  /** Remove the host from known_hosts (the "host key unknown" state). */
  forgetHostKey(hostName: string): void {
    this.host(hostName);
    this.trusted.delete(hostName);
    writeKnownHosts(this.client, this.trusted);
  }

  /** Let the lab's key in as root or as the host's user, or not (authentication fails). */
  authorize(hostName: string, who: 'root' | 'user', allowed: boolean): void {
    const host = this.host(hostName);
    writeAuthorizedKeys(host.sshd, who === 'root' ? 'root' : host.user.name, allowed ? readFileSync(`${this.identity}.pub`, 'utf8') : null);
  }

  /** Install another helper directory on the host, or none (false: "helper missing"). */
  async setHelper(hostName: string, helper: string | false): Promise<void> {
    const host = this.host(hostName);
    const dir = helper === false ? null : helperDirOf(helper, host.name);
    await setHostHelper(host.holderPid, dir);
    host.helperDir = dir;
  }

  sshdLog(hostName: string): string {
    return readSshdLog(this.host(hostName).sshd);
  }

  /**
   * Undo everything: every process in every host (sshd, sessions, services:
   * SIGTERM, then the hosts' own filesystems thawed, then SIGKILL),
   * mounts, namespaces, users, keys and configs, loop devices. Safe twice.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const devices = this.hosts.flatMap((h) => h.mounts.map((m) => m.device));
    destroyLab(this.state);
    await this.fixture?.cleanup();
    process.off('exit', this.onExit);
    // A loop device is released when the last mount namespace holding its
    // filesystem is gone, which can trail the holder's exit by a moment.
    await waitFor(() => devices.every((d) => !loopAttachedUnder(d, this.fixture?.dir)), 10_000, 50);
  }
}

function checkSpec(spec: HostSpec, all: readonly HostSpec[]): string | null {
  if (!HOST_NAME_PATTERN.test(spec.name)) throw new Error(`host name ${JSON.stringify(spec.name)}: use ${HOST_NAME_PATTERN}`);
  if (all.filter((h) => h.name === spec.name).length > 1) throw new Error(`host name ${spec.name} is used twice`);
  return spec.helper === false ? null : helperDirOf(spec.helper ?? DEFAULT_HELPER_DIR, spec.name);
}

function helperDirOf(dir: string, hostName: string): string {
  const absolute = resolve(dir);
  if (!existsSync(join(absolute, 'freezeframe-helper'))) {
    throw new Error(`${hostName}: no freezeframe-helper in ${absolute} (run make -C native-helper, or pass helper: false)`);
  }
  return absolute;
}

function loopAttachedUnder(device: string, dir: string | undefined): boolean {
  if (!dir) return false;
  try {
    return readFileSync(`/sys/block/${device.replace('/dev/', '')}/loop/backing_file`, 'utf8').startsWith(`${dir}/`);
  } catch {
    return false;
  }
}
