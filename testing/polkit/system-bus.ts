/**
 * The real system D-Bus and polkitd, for tests: Debian's `dbus-daemon
 * --system` (its own /usr/share/dbus-1/system.conf) and
 * /usr/lib/polkit-1/polkitd, started only when none answers, and stopped
 * only by the last lab that still uses them (lab-state.ts). Both are started
 * detached, so a test process that dies does not take them down under
 * another lab; their output goes to LAB_STATE_DIR/{bus,polkitd}.log.
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, LAB_STATE_DIR, processStartTime, sleepSync, type ProcessId, type StartedDaemons } from './lab-state';

export const SYSTEM_BUS_SOCKET = '/run/dbus/system_bus_socket';
export const POLKIT_BUS_NAME = 'org.freedesktop.PolicyKit1';
const POLKITD = '/usr/lib/polkit-1/polkitd';
const START_PATIENCE_MS = 30_000;

interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(file: string, args: string[], timeoutMs = 10_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ status, stdout, stderr: stderr || (error && status === null ? error.message : '') });
    });
  });
}

function busCall(method: string, ...args: string[]): Promise<CommandResult> {
  return run('dbus-send', ['--system', '--print-reply', '--reply-timeout=5000', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', `org.freedesktop.DBus.${method}`, ...args]);
}

/** The system bus accepts a connection and answers the bus daemon's own method. */
export async function systemBusAnswers(): Promise<boolean> {
  if (!existsSync(SYSTEM_BUS_SOCKET)) return false;
  return (await busCall('GetId')).status === 0;
}

/** Something owns org.freedesktop.PolicyKit1 (asked without activating it). */
export async function polkitHasOwner(): Promise<boolean> {
  const reply = await busCall('NameHasOwner', `string:${POLKIT_BUS_NAME}`);
  return reply.status === 0 && /boolean true/.test(reply.stdout);
}

/** polkitd answers a query of its own (pkaction asks it for an action it always declares). */
async function polkitAnswers(): Promise<boolean> {
  return (await polkitHasOwner()) && (await run('pkaction', ['--action-id', 'org.freedesktop.policykit.exec'])).status === 0;
}

function logTail(name: string): string {
  try {
    return readFileSync(join(LAB_STATE_DIR, `${name}.log`), 'utf8').trim().split('\n').slice(-5).join(' / ');
  } catch {
    return '';
  }
}

function spawnDetached(name: string, file: string, args: string[]): ProcessId {
  const log = openSync(join(LAB_STATE_DIR, `${name}.log`), 'w', 0o600);
  try {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', log, log] });
    child.unref();
    if (child.pid === undefined) throw new Error(`polkit lab: could not start ${file}`);
    return { pid: child.pid, startTime: processStartTime(child.pid)! };
  } finally {
    closeSync(log);
  }
}

async function waitUntil(what: string, daemon: ProcessId, name: string, ready: () => Promise<boolean>): Promise<void> {
  const giveUpAt = Date.now() + START_PATIENCE_MS;
  while (!(await ready())) {
    if (!isAlive(daemon)) throw new Error(`polkit lab: ${what} exited while starting: ${logTail(name) || 'no output'}`);
    if (Date.now() > giveUpAt) throw new Error(`polkit lab: ${what} did not answer within ${START_PATIENCE_MS / 1000} s: ${logTail(name) || 'no output'}`);
    await sleep(20);
  }
}

/**
 * dbus-daemon --system as Debian runs it (messagebus user, its system.conf),
 * but in the foreground and without a pid file, so that whatever state the
 * machine's own /run/dbus/pid is in does not matter. Call under the lab lock.
 */
export async function startSystemBus(): Promise<ProcessId> {
  if (!existsSync('/usr/share/dbus-1/system.conf')) throw new Error('polkit lab: /usr/share/dbus-1/system.conf is missing: install the dbus package');
  // The dbus package makes both, but /run is a fresh tmpfs on many machines.
  mkdirSync('/run/dbus', { recursive: true, mode: 0o755 });
  if (!existsSync('/etc/machine-id') && !existsSync('/var/lib/dbus/machine-id')) {
    const uuid = await run('dbus-uuidgen', ['--ensure']);
    if (uuid.status !== 0) throw new Error(`polkit lab: the machine has no machine id and dbus-uuidgen failed: ${uuid.stderr}`);
  }
  const bus = spawnDetached('bus', 'dbus-daemon', ['--system', '--nofork', '--nopidfile']);
  await waitUntil('dbus-daemon --system', bus, 'bus', systemBusAnswers);
  return bus;
}

/** Debian's polkitd, as its D-Bus activation file runs it (it drops to the polkitd user itself). */
export async function startPolkitd(): Promise<ProcessId> {
  if (!existsSync(POLKITD)) throw new Error(`polkit lab: ${POLKITD} is missing: install the polkitd package`);
  const polkitd = spawnDetached('polkitd', POLKITD, []);
  await waitUntil('polkitd', polkitd, 'polkitd', polkitAnswers);
  return polkitd;
}

export async function waitForPolkit(): Promise<void> {
  const giveUpAt = Date.now() + START_PATIENCE_MS;
  while (!(await polkitAnswers())) {
    if (Date.now() > giveUpAt) throw new Error(`polkit lab: ${POLKIT_BUS_NAME} has an owner that does not answer`);
    await sleep(20);
  }
}

/** SIGTERM, then SIGKILL after 5 s; returns once the process is gone. Never signals a reused pid. */
export function stopDaemon(daemon: ProcessId): void {
  if (!isAlive(daemon)) return;
  process.kill(daemon.pid, 'SIGTERM');
  for (let waited = 0; isAlive(daemon); waited += 10) {
    if (waited === 5_000) process.kill(daemon.pid, 'SIGKILL');
    if (waited === 15_000) throw new Error(`polkit lab: pid ${daemon.pid} survived SIGKILL for 10 s`);
    sleepSync(10);
  }
}

/** Stops the daemons labs started, polkitd first (it is a client of the bus). */
export function stopStartedDaemons(daemons: StartedDaemons): void {
  if (daemons.polkitd) stopDaemon(daemons.polkitd);
  if (daemons.bus) stopDaemon(daemons.bus);
}
