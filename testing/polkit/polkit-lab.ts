/**
 * A real polkit for integration tests, as root: the system D-Bus and
 * polkitd (started when none answers, stopped by the last lab using them),
 * Freezeframe's actions and a test's own rules (installed, and removed after),
 * throwaway users and processes running as them, and pkcheck's decision for
 * such a process: what the per-host service's own polkit check must agree
 * with.
 *
 *   const lab = await startPolkitLab();
 *   const alice = await lab.createUser();
 *   await lab.installRules(lab.rule({ user: alice, actions: ['org.freezeframe.freeze'], result: 'AUTH_ADMIN' }));
 *   const caller = lab.spawnAs(alice, ['sleep', 'infinity']);
 *   (await lab.check({ actionId: 'org.freezeframe.freeze', subject: await caller.subject() })).decision  // 'challenge'
 *   await lab.stop();
 *
 * There is no logind here (nothing is PID 1's), so no process is in a
 * session: polkit counts every subject as "any" (not local, not active),
 * and an action's allow_active default never applies. Only rules and the
 * allow_any defaults decide; tests say what they mean with rules. For the
 * same reason no authentication agent runs unless a test starts one
 * (startAgent, polkit's pkttyagent for one process): without it a decision
 * that needs authentication is a "challenge", also with allowUserInteraction.
 *
 * Everything the lab made is undone by stop(), and also when the process
 * exits or is stopped by SIGINT/SIGTERM/SIGHUP before that. What a SIGKILLed
 * run left (users, files, registrations) the next lab removes.
 */
import { type SpawnOptions } from 'node:child_process';
import { PACKAGE_POLICY, type PolkitPolicy } from '../../main/helper/polkit-policy';
import { liveLabs, readStartedDaemons, registerLab, unregisterLab, withLabLock, withLabLockSync, writeStartedDaemons } from './lab-state';
import { startAuthAgent, type AuthAgent } from './auth-agent';
import { createUser, removeLeftoverUsersSync, removeUserSync, runAs, spawnAs, type LabProcess, type LabUser, type RunResult } from './lab-users';
import { checkAuthorization, type PolkitCheck, type PolkitCheckRequest, type PolkitSubject } from './pkcheck';
import { installActions, installRules, removeLeftoverFilesSync, type InstalledFile, type RulesProbe } from './polkit-files';
import { polkitHasOwner, startPolkitd, startSystemBus, stopStartedDaemons, systemBusAnswers, waitForPolkit } from './system-bus';

export type { LabProcess, LabUser, RunResult } from './lab-users';
export type { PolkitCheck, PolkitCheckRequest, PolkitDecision, PolkitSubject } from './pkcheck';
export { checkAuthorization, subjectOf } from './pkcheck';
export type { InstalledFile } from './polkit-files';
export type { AuthAgent } from './auth-agent';

/** polkit.Result names a rule may return. */
export type PolkitRuleResult = 'YES' | 'NO' | 'AUTH_SELF' | 'AUTH_SELF_KEEP' | 'AUTH_ADMIN' | 'AUTH_ADMIN_KEEP';

export interface RuleSpec {
  /** The user whose processes the rule decides for (others: not handled). */
  user: LabUser | string;
  actions: string[];
  result: PolkitRuleResult;
  /** Only when every one of these details has this value (action.lookup). */
  details?: Record<string, string>;
}

/** Who polkit asks to authenticate (AUTH_ADMIN*) for processes of `user`. */
export interface AdminRuleSpec {
  user: LabUser | string;
  admins: Array<LabUser | string>;
}

export interface PolkitLabOptions {
  /** The policy whose actions to install; default PACKAGE_POLICY (the service's and the deb's start action). false: none. */
  actions?: PolkitPolicy | false;
}

export interface PolkitLab {
  /** Whether this lab found the bus / polkitd not answering and started it (another lab may have started it instead). */
  readonly started: { bus: boolean; polkitd: boolean };
  /** The installed actions file, unless options.actions was false. */
  readonly actions: InstalledFile | undefined;
  /** Installs a rules file and waits until polkitd applies it; priority NN orders it (default 10). */
  installRules(source: string, priority?: number): Promise<InstalledFile>;
  /** polkit JavaScript for one rule (see RuleSpec). */
  rule(spec: RuleSpec): string;
  /** polkit JavaScript for an admin rule: whose password an AUTH_ADMIN* result asks for (see AdminRuleSpec). */
  adminRule(spec: AdminRuleSpec): string;
  installActions(policy: PolkitPolicy): Promise<InstalledFile>;
  /** A throwaway user; `password` lets an authentication agent authenticate as it. */
  createUser(options?: { groups?: string[]; password?: string }): Promise<LabUser>;
  removeUser(user: LabUser): void;
  /** A long-lived process as the user (e.g. ['sleep', 'infinity'] as a polkit subject); killed by stop() at the latest. */
  spawnAs(user: LabUser, command: string[], options?: SpawnOptions): LabProcess;
  runAs(user: LabUser, command: string[], options?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
  check(request: PolkitCheckRequest): Promise<PolkitCheck>;
  /** polkit's pkttyagent for one process, answering every prompt with `password` (auth-agent.ts); stopped by stop() at the latest. */
  startAgent(subject: PolkitSubject, password: string): Promise<AuthAgent>;
  /** Undoes everything, in reverse order, and stops the daemons if no other lab uses them. */
  stop(): Promise<void>;
}

let labs = 0;
const cleanupsAtExit = new Set<() => void>();

function runExitCleanups(): void {
  for (const cleanup of [...cleanupsAtExit].reverse()) {
    try {
      cleanup();
    } catch (error) {
      console.error(`polkit lab cleanup at exit: ${(error as Error).message}`);
    }
  }
  cleanupsAtExit.clear();
}

let exitHooked = false;
function hookProcessExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', runExitCleanups);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      runExitCleanups();
      process.kill(process.pid, signal);
    });
  }
}

const nameOf = (user: LabUser | string) => (typeof user === 'string' ? user : user.name);

export function ruleText(spec: RuleSpec): string {
  const user = nameOf(spec.user);
  const conditions = [`${JSON.stringify(spec.actions)}.indexOf(action.id) >= 0`, `subject.user == ${JSON.stringify(user)}`];
  for (const [key, value] of Object.entries(spec.details ?? {})) conditions.push(`action.lookup(${JSON.stringify(key)}) == ${JSON.stringify(value)}`);
  return `polkit.addRule(function (action, subject) {
  if (${conditions.join(' &&\n      ')}) {
    return polkit.Result.${spec.result};
  }
});
`;
}

export function adminRuleText(spec: AdminRuleSpec): string {
  const admins = spec.admins.map((admin) => `unix-user:${nameOf(admin)}`);
  return `polkit.addAdminRule(function (action, subject) {
  if (subject.user == ${JSON.stringify(nameOf(spec.user))}) {
    return ${JSON.stringify(admins)};
  }
});
`;
}

export async function startPolkitLab(options: PolkitLabOptions = {}): Promise<PolkitLab> {
  if (process.geteuid?.() !== 0) throw new Error('polkit lab: needs root (it starts system daemons, adds users and writes polkit rules)');
  hookProcessExit();
  const id = `lab${++labs}`;
  // Undo steps, newest last; each runs once, from stop() or at exit.
  const undo: Array<() => void> = [];
  const undoAll = () => {
    while (undo.length) undo.pop()!();
  };
  const leave = () =>
    withLabLockSync(() => {
      unregisterLab(id);
      if (liveLabs().length === 0) {
        stopStartedDaemons(readStartedDaemons());
        writeStartedDaemons({});
      }
    });
  cleanupsAtExit.add(undoAll);

  const started = { bus: false, polkitd: false };
  try {
    await withLabLock(async () => {
      registerLab(id);
      undo.push(leave);
      removeLeftoverUsersSync();
      removeLeftoverFilesSync();
      const daemons = readStartedDaemons();
      if (!(await systemBusAnswers())) {
        daemons.bus = await startSystemBus();
        started.bus = true;
        writeStartedDaemons(daemons);
      }
      if (!(await polkitHasOwner())) {
        daemons.polkitd = await startPolkitd();
        started.polkitd = true;
        writeStartedDaemons(daemons);
      }
      await waitForPolkit();
    });

    const users: LabUser[] = [];
    const processes = new Set<LabProcess>();
    const agents = new Set<AuthAgent>();
    const addUser = async (groups?: string[], password?: string) => {
      const user = await createUser({ groups, password });
      users.push(user);
      undo.push(() => {
        if (users.includes(user)) removeUserSync(user);
      });
      return user;
    };
    // Files this lab installed, newest last; each removed once, by the test or by stop().
    const files: InstalledFile[] = [];
    const track = (file: InstalledFile): InstalledFile => {
      const forget = () => {
        const at = files.indexOf(once);
        if (at >= 0) files.splice(at, 1);
      };
      const once: InstalledFile = {
        path: file.path,
        removeSync() {
          forget();
          file.removeSync();
        },
        async remove() {
          if (!files.includes(once)) return;
          forget();
          await file.remove();
        },
      };
      files.push(once);
      undo.push(() => once.removeSync());
      return once;
    };

    // The process that rules files answer for, so the lab sees when polkitd has read one.
    const probeUser = await addUser();
    const probeProcess = spawnAs(probeUser, ['sleep', 'infinity']);
    const probe: RulesProbe = { userName: probeUser.name, subject: await probeProcess.subject() };
    const actions = options.actions === false ? undefined : track(await installActions(options.actions ?? PACKAGE_POLICY));

    let stopped = false;
    return {
      started,
      actions,
      installRules: async (source, priority) => track(await installRules(source, probe, priority)),
      rule: ruleText,
      adminRule: adminRuleText,
      installActions: async (policy) => track(await installActions(policy)),
      createUser: (createOptions) => addUser(createOptions?.groups, createOptions?.password),
      removeUser(user) {
        users.splice(users.indexOf(user), 1);
        removeUserSync(user);
      },
      spawnAs(user, command, spawnOptions) {
        const labProcess = spawnAs(user, command, spawnOptions);
        processes.add(labProcess);
        return labProcess;
      },
      runAs: (user, command, runOptions) => runAs(user, command, runOptions),
      check: (request) => checkAuthorization(request),
      async startAgent(subject, password) {
        const agent = await startAuthAgent(subject, password);
        agents.add(agent);
        return agent;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          // Rules and actions first, each until polkitd has let go of it (the probe still runs).
          for (const file of [...files].reverse()) await file.remove();
          await Promise.all([...agents].map((agent) => agent.stop()));
          await Promise.all([...processes].map((labProcess) => labProcess.stop()));
        } finally {
          undoAll();
          cleanupsAtExit.delete(undoAll);
        }
      },
    };
  } catch (error) {
    undoAll();
    cleanupsAtExit.delete(undoAll);
    throw error;
  }
}
