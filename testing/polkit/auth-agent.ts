/**
 * A real polkit authentication agent for one subject process: polkit's own
 * pkttyagent, on a pseudo-terminal of its own (script(1)), answering each
 * password prompt with a given password. With it, a "challenge" becomes a
 * real authentication (PAM, as polkit-agent-helper-1 does it for any agent):
 * the right password authorizes, a wrong one does not, and an auth_*_keep
 * result is then kept for that process.
 *
 * polkit asks for the password of an administrator (addAdminRule; Debian's
 * default is the group sudo) or, for AUTH_SELF, of the subject's own user; a
 * lab user made with a password can be either. pkttyagent cannot dismiss a
 * dialog (it ends on EOF instead), so "dismissed" is not produced here.
 */
import { spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PolkitSubject } from './pkcheck';
import { run } from './system-bus';

export interface AuthAgent {
  /** Everything the agent showed: "==== AUTHENTICATING FOR <action> ====", the action's message, "Authenticating as: <user>", ... */
  transcript(): string;
  /** How many times it answered a password prompt. */
  answered(): number;
  stop(): Promise<void>;
}

const READY_PATIENCE_MS = 30_000;
const RESEND_AFTER_MS = 1_000;

/** Starts pkttyagent for `subject`; resolves once polkitd has registered it. */
export async function startAuthAgent(subject: PolkitSubject, password: string): Promise<AuthAgent> {
  const dir = mkdtempSync(join(tmpdir(), 'freezeframe-agent-'));
  const ready = join(dir, 'ready');
  const fifo = await run('mkfifo', ['-m', '0600', ready]);
  if (fifo.status !== 0) throw new Error(`polkit lab: mkfifo failed: ${fifo.stderr}`);
  // pkttyagent closes --notify-fd once it is registered: EOF on the fifo.
  const command = `exec pkttyagent --process ${subject.pid},${subject.startTime} --notify-fd 3 3>${ready}`;
  const agent = spawn('script', ['--quiet', '--flush', '--return', '--command', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let transcript = '';
  let answered = 0;
  // pkttyagent prints "Password:" and then turns echo off with TCSAFLUSH, which discards
  // what reached the terminal before: an answer that came too early is lost (only its
  // echo shows). So the answer is sent again while the agent shows nothing new but that
  // echo (a line too many is discarded the same way at the next prompt, or answers it
  // with the same password).
  let resend: NodeJS.Timeout | undefined;
  const answer = () => {
    agent.stdin!.write(`${password}\n`);
    const shown = transcript.length;
    clearTimeout(resend);
    resend = setTimeout(() => {
      const since = transcript.slice(shown).split(`${password}\r\n`).join('').trim();
      if (since === '' && agent.exitCode === null) answer();
    }, RESEND_AFTER_MS);
  };
  const onOutput = (chunk: string) => {
    transcript += chunk;
    const prompts = transcript.split('Password:').length - 1;
    for (; answered < prompts; answered++) answer();
  };
  agent.stdout!.setEncoding('utf8').on('data', onOutput);
  agent.stderr!.setEncoding('utf8').on('data', onOutput);
  const exited = new Promise<void>((resolve) =>
    agent.once('exit', () => {
      clearTimeout(resend);
      resolve();
    }),
  );

  const stop = async () => {
    if (agent.exitCode === null && agent.signalCode === null) agent.kill('SIGTERM');
    await exited;
    try {
      // A reader still waiting for a writer that never came (the agent failed early) is let go.
      closeSync(openSync(ready, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // No reader waits.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const registered = (async () => {
      const handle = await open(ready, 'r');
      try {
        for await (const _ of handle.createReadStream()) void _;
      } finally {
        await handle.close().catch(() => undefined);
      }
    })();
    const failed = exited.then(() => Promise.reject(new Error(`polkit lab: pkttyagent ended before it registered: ${transcript.trim()}`)));
    // Only the race needs it; the agent's later exit is no error.
    failed.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`polkit lab: pkttyagent did not register within ${READY_PATIENCE_MS / 1000} s`)), READY_PATIENCE_MS);
    });
    await Promise.race([registered, failed, timeout]).finally(() => clearTimeout(timer));
  } catch (error) {
    await stop();
    throw error;
  }
  return { transcript: () => transcript, answered: () => answered, stop };
}
