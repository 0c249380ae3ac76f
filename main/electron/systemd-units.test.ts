/**
 * The per-host service's systemd units (build/systemd), checked without
 * systemd running: `systemd-analyze verify` (package systemd; NOT RUN without
 * it), and the settings the service depends on. Whether the hardening lets a
 * real service freeze, read /proc and reach the bus needs systemd as PID 1,
 * which test machines do not have.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INSTALLED_HELPER_PATH } from '../helper/helper-path';

const UNITS = resolve(import.meta.dirname, '../../build/systemd');
const SOCKET = 'freezeframe-helper.socket';
const SERVICE = 'freezeframe-helper.service';
const scratch = mkdtempSync(join(tmpdir(), 'freezeframe-units-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A unit file's settings: section -> key -> values in order (comments and blank lines dropped). */
function parseUnit(file: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let section: Record<string, string[]> = {};
  for (const line of readFileSync(join(UNITS, file), 'utf8').split('\n')) {
    if (/^\s*(#|;|$)/.test(line)) continue;
    const header = line.match(/^\[(.+)\]$/);
    if (header) sections[header[1]!] = section = {};
    else {
      const eq = line.indexOf('=');
      (section[line.slice(0, eq)] ??= []).push(line.slice(eq + 1));
    }
  }
  return sections;
}

const analyzeAvailable = spawnSync('systemd-analyze', ['--version']).status === 0;
if (!analyzeAvailable) console.warn('\n*** NOT RUN: systemd-analyze verify of build/systemd: systemd-analyze is missing (install the systemd package) ***\n');

describe('build/systemd', () => {
  it.skipIf(!analyzeAvailable)('passes systemd-analyze verify without a word (the helper stood in for by an executable elsewhere)', () => {
    // verify wants ExecStart's program to exist; this machine has no installed helper.
    const standIn = join(scratch, 'freezeframe-helper');
    writeFileSync(standIn, '#!/bin/sh\n');
    chmodSync(standIn, 0o755);
    const service = readFileSync(join(UNITS, SERVICE), 'utf8');
    expect(service).toContain(`\nExecStart=${INSTALLED_HELPER_PATH} --serve\n`);
    writeFileSync(join(scratch, SERVICE), service.replace(`ExecStart=${INSTALLED_HELPER_PATH} `, `ExecStart=${standIn} `));
    copyFileSync(join(UNITS, SOCKET), join(scratch, SOCKET));
    const verify = () => spawnSync('systemd-analyze', ['verify', '--man=no', join(scratch, SOCKET), join(scratch, SERVICE)], { encoding: 'utf8' });
    const result = verify();
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);

    // The check can fail: an unknown setting is reported (verify still exits 0 for it, hence the empty output above).
    writeFileSync(join(scratch, SERVICE), `${readFileSync(join(scratch, SERVICE), 'utf8')}ProtectEverything=yes\n`);
    expect(verify().stderr).toContain("Unknown key 'ProtectEverything'");
  });

  it('listens on the protocol\'s socket: anyone may connect, in a folder only root may write to', () => {
    const socket = parseUnit(SOCKET);
    expect(socket.Socket).toMatchObject({
      ListenStream: ['/run/freezeframe/helper.sock'],
      SocketMode: ['0666'],
      DirectoryMode: ['0755'],
      SocketUser: ['root'],
      SocketGroup: ['root'],
    });
    // One service for all connections (the service accepts them itself).
    expect(socket.Socket!.Accept ?? ['no']).toEqual(['no']);
    expect(socket.Install).toEqual({ WantedBy: ['sockets.target'] });
  });

  it('starts the installed helper as the service, socket-activated, and never restarts it against its own idle exit', () => {
    const service = parseUnit(SERVICE);
    expect(service.Service!.ExecStart).toEqual([`${INSTALLED_HELPER_PATH} --serve`]);
    expect(service.Unit).toMatchObject({ Requires: [SOCKET], After: expect.arrayContaining([SOCKET]) });
    expect(service.Service!.Restart ?? ['no']).toEqual(['no']);
    // The service owns no runtime folder: the socket unit's /run/freezeframe must outlive each idle exit.
    expect(service.Service!.RuntimeDirectory).toBeUndefined();
    // systemd never signals the guardian: it thaws after a dead service, so it must not be killed with it.
    expect(service.Service!.KillMode).toEqual(['process']);
    expect(service.Install).toBeUndefined();
  });

  it('hardens the service only in ways that leave freezing, /proc, mlock, oom_score_adj, real-time and the bus working', () => {
    const settings = parseUnit(SERVICE).Service!;
    // Each of these gives the service a mount namespace or a device policy of its own: a different
    // mount table than the host's, read-only or hidden mounts, or /proc without other users' processes.
    for (const key of ['ProtectSystem', 'ProtectHome', 'PrivateTmp', 'PrivateDevices', 'PrivateMounts', 'ProtectProc', 'ProcSubset', 'ProtectKernelTunables', 'ProtectKernelModules', 'ProtectKernelLogs', 'ProtectControlGroups', 'ProtectClock', 'DeviceAllow', 'DevicePolicy', 'ReadOnlyPaths', 'InaccessiblePaths', 'TemporaryFileSystem', 'BindPaths', 'RootDirectory', 'PrivateNetwork']) {
      expect(settings[key], key).toBeUndefined();
    }
    // SCHED_FIFO for the keeper thread.
    expect(settings.RestrictRealtime).toBeUndefined();
    const caps = settings.CapabilityBoundingSet!.join(' ').split(/\s+/);
    expect(caps).toEqual(expect.arrayContaining(['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE', 'CAP_DAC_READ_SEARCH', 'CAP_IPC_LOCK', 'CAP_SYS_RESOURCE', 'CAP_SYS_NICE']));
    expect(settings.RestrictAddressFamilies).toEqual(['AF_UNIX']);
    expect(settings.SystemCallFilter).toEqual(['@system-service']);
    expect(settings).toMatchObject({ NoNewPrivileges: ['yes'], SystemCallErrorNumber: ['EPERM'] });
  });

  it.skipIf(!analyzeAvailable)('keeps every syscall the service needs inside its filter', () => {
    const allowed = spawnSync('systemd-analyze', ['syscall-filter', '@system-service'], { encoding: 'utf8' }).stdout;
    const groups = [...allowed.matchAll(/^\s+(@[a-z-]+)$/gm)].map((m) => m[1]!);
    const expanded = spawnSync('systemd-analyze', ['syscall-filter', '@system-service', ...groups], { encoding: 'utf8' }).stdout;
    const names = new Set([...expanded.matchAll(/^\s+([a-z0-9_]+)$/gm)].map((m) => m[1]!));
    // FIFREEZE/FITHAW, mlockall, SCHED_FIFO, the guardian's exec by fd, its timer, sd-bus and the socket.
    for (const call of ['ioctl', 'mlockall', 'sched_setscheduler', 'prctl', 'execveat', 'close_range', 'timerfd_create', 'socket', 'accept4', 'sendmsg', 'recvmsg', 'getsockopt', 'flock', 'statx', 'openat', 'kill']) {
      expect(names.has(call), call).toBe(true);
    }
  });
});
