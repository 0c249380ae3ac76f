/**
 * polkit's own answer for a process, through pkcheck(1): what the service's
 * CheckAuthorization over sd-bus must agree with. The subject is
 * `unix-process {pid, start-time, uid}`, as the service builds it from
 * SO_PEERCRED and /proc/PID/stat. pkcheck must run as root to pass details
 * (polkit lets only root or an action's owner do that).
 */
import { readFileSync } from 'node:fs';
import { processStartTime } from './lab-state';
import { run } from './system-bus';

/** polkit's subject for a process. */
export interface PolkitSubject {
  pid: number;
  /** Field 22 of /proc/PID/stat. */
  startTime: number;
  uid: number;
}

/**
 * - authorized: polkit says yes;
 * - challenge: yes after authentication, and nobody could be asked (no
 *   --allow-user-interaction, or no authentication agent for the subject);
 * - not-authorized: polkit says no (also: an agent asked and authentication failed);
 * - dismissed: an agent asked and the user dismissed the dialog.
 */
export type PolkitDecision = 'authorized' | 'challenge' | 'not-authorized' | 'dismissed';

export interface PolkitCheckRequest {
  actionId: string;
  subject: PolkitSubject;
  /** Passed as --detail key value; rules see them with action.lookup(key), messages as $(key). */
  details?: Record<string, string>;
  allowUserInteraction?: boolean;
}

export interface PolkitCheck {
  decision: PolkitDecision;
  /** The result's details, decoded (e.g. "polkit.retains_authorization_after_challenge": "1"). */
  details: Record<string, string>;
  /** pkcheck's own words on stderr ("Not authorized.", ...); empty when authorized. */
  said: string;
}

export class PolkitCheckError extends Error {
  override readonly name = 'PolkitCheckError';
}

const DECISIONS: Record<number, PolkitDecision> = { 0: 'authorized', 1: 'not-authorized', 2: 'challenge', 3: 'dismissed' };

/** The subject of a running process, as polkit identifies it. */
export function subjectOf(pid: number): PolkitSubject {
  const startTime = processStartTime(pid);
  const uidLine = (() => {
    try {
      return readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)?.[1];
    } catch {
      return undefined;
    }
  })();
  if (startTime === undefined || uidLine === undefined) throw new PolkitCheckError(`process ${pid} does not exist`);
  return { pid, startTime, uid: Number(uidLine) };
}

/**
 * pkcheck prints details as key=value, every byte but [A-Za-z0-9_] escaped
 * as "\%o": octal without padding ("/" is \57). Taking up to three digits
 * while the value stays a byte reads it back exactly, but for control
 * characters followed by a digit, which no detail here holds.
 */
export function decodeDetails(stdout: string): Record<string, string> {
  const decode = (text: string) => {
    const bytes: number[] = [];
    for (let at = 0; at < text.length; ) {
      if (text[at] !== '\\') {
        bytes.push(text.charCodeAt(at++));
        continue;
      }
      let digits = text.slice(at + 1).match(/^[0-7]{1,3}/)?.[0] ?? '';
      while (digits.length > 1 && parseInt(digits, 8) > 0xff) digits = digits.slice(0, -1);
      bytes.push(digits ? parseInt(digits, 8) : 0x5c);
      at += 1 + digits.length;
    }
    return Buffer.from(bytes).toString('utf8');
  };
  const details: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) details[decode(line.slice(0, eq))] = decode(line.slice(eq + 1));
  }
  return details;
}

export async function checkAuthorization(request: PolkitCheckRequest): Promise<PolkitCheck> {
  const { pid, startTime, uid } = request.subject;
  const args = ['--action-id', request.actionId, '--process', `${pid},${startTime},${uid}`];
  for (const [key, value] of Object.entries(request.details ?? {})) args.push('--detail', key, value);
  if (request.allowUserInteraction) args.push('--allow-user-interaction');
  // An agent's dialog can take a while; pkcheck itself has no timeout.
  const result = await run('pkcheck', args, 120_000);
  const decision = result.status === null ? undefined : DECISIONS[result.status];
  if (!decision) throw new PolkitCheckError(`pkcheck ${args.join(' ')} failed (status ${result.status}): ${result.stderr.trim()}`);
  return { decision, details: decodeDetails(result.stdout), said: result.stderr.trim() };
}
