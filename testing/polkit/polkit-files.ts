/**
 * polkit actions and rules installed for a test, and removed after it,
 * each under a name of its own (`org.freezeframe.lab-<process>-<n>.policy`,
 * `NN-freezeframe-test-<process>-<n>.rules`), so labs running at once never
 * remove each other's. polkitd watches both folders and rereads them a moment
 * after a change; the lab waits until it has, by asking it:
 * - actions: until pkaction lists every action of the file (or, after
 *   removal, none that no other file declares);
 * - rules: every rules file starts with a probe rule, which says yes to the
 *   lab's probe process for a detail only that file names; polkitd has read
 *   the file once pkcheck says yes to it, and has dropped it once it no
 *   longer does.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { policyActions, polkitPolicyXml, POLKIT_ACTIONS_DIR, type PolkitPolicy } from '../../main/helper/polkit-policy';
import { isAlive, processOfTag, processTag } from './lab-state';
import { checkAuthorization, type PolkitSubject } from './pkcheck';
import { run } from './system-bus';

export const RULES_DIR = '/etc/polkit-1/rules.d';
const PICKUP_PATIENCE_MS = 30_000;
const PROBE_ACTION = 'org.freedesktop.policykit.exec';
const PROBE_DETAIL = 'freezeframe_lab_file';
const LAB_RULES = /^\d\d-freezeframe-test-(\d+)-([0-9a-z]+)-\d+\.rules$/;
const LAB_POLICY = /^org\.freezeframe\.lab-(\d+)-([0-9a-z]+)-\d+\.policy$/;

/** A process of a lab user that rules files answer for (see above). */
export interface RulesProbe {
  userName: string;
  subject: PolkitSubject;
}

export interface InstalledFile {
  path: string;
  /** Removes the file and waits until polkitd has let go of it. */
  remove(): Promise<void>;
  /** Removes the file without waiting (for 'exit' handlers). */
  removeSync(): void;
}

let installed = 0;

async function waitFor(what: string, done: () => Promise<boolean>): Promise<void> {
  const giveUpAt = Date.now() + PICKUP_PATIENCE_MS;
  while (!(await done())) {
    if (Date.now() > giveUpAt) throw new Error(`polkit lab: ${what} within ${PICKUP_PATIENCE_MS / 1000} s`);
    await sleep(25);
  }
}

async function registeredActions(): Promise<Set<string>> {
  const listed = await run('pkaction', []);
  if (listed.status !== 0) throw new Error(`polkit lab: pkaction failed: ${listed.stderr.trim()}`);
  return new Set(listed.stdout.split('\n').map((line) => line.trim()).filter(Boolean));
}

/** Action ids that some other policy file in the folder declares. */
function declaredElsewhere(ids: string[], except: string): Set<string> {
  const declared = new Set<string>();
  for (const name of readdirSync(POLKIT_ACTIONS_DIR)) {
    if (!name.endsWith('.policy') || join(POLKIT_ACTIONS_DIR, name) === except) continue;
    const text = readFileSync(join(POLKIT_ACTIONS_DIR, name), 'utf8');
    for (const id of ids) if (text.includes(`<action id="${id}">`)) declared.add(id);
  }
  return declared;
}

/** Installs a policy file's actions (Freezeframe's, from polkit-policy.ts) under a lab name. */
export async function installActions(policy: PolkitPolicy): Promise<InstalledFile> {
  const path = join(POLKIT_ACTIONS_DIR, `org.freezeframe.lab-${processTag}-${++installed}.policy`);
  const ids = policyActions(policy).map((action) => action.id);
  writeFileSync(path, polkitPolicyXml(policy), { mode: 0o644 });
  const file: InstalledFile = {
    path,
    removeSync: () => rmSync(path, { force: true }),
    async remove() {
      file.removeSync();
      const kept = declaredElsewhere(ids, path);
      const gone = ids.filter((id) => !kept.has(id));
      await waitFor(`polkitd still lists ${gone.join(', ')} after ${path} was removed`, async () => {
        const registered = await registeredActions();
        return gone.every((id) => !registered.has(id));
      });
    },
  };
  try {
    await waitFor(`polkitd did not list the actions of ${path}`, async () => {
      const registered = await registeredActions();
      return ids.every((id) => registered.has(id));
    });
  } catch (error) {
    file.removeSync();
    throw error;
  }
  return file;
}

function probeRule(probe: RulesProbe, token: string): string {
  return `// Written by Freezeframe's tests (testing/polkit) and removed by them.
// The first rule only tells the lab that polkitd has read this file.
polkit.addRule(function (action, subject) {
  if (action.id == ${JSON.stringify(PROBE_ACTION)} && subject.user == ${JSON.stringify(probe.userName)} &&
      action.lookup(${JSON.stringify(PROBE_DETAIL)}) == ${JSON.stringify(token)}) {
    return polkit.Result.YES;
  }
});

`;
}

async function probeSeesFile(probe: RulesProbe, token: string): Promise<boolean> {
  const check = await checkAuthorization({ actionId: PROBE_ACTION, subject: probe.subject, details: { [PROBE_DETAIL]: token } });
  return check.decision === 'authorized';
}

/**
 * Installs a rules file (polkit JavaScript) as /etc/polkit-1/rules.d/NN-freezeframe-test-...;
 * NN (default 10) orders it among the others, before the distribution's 50-default.rules.
 */
export async function installRules(source: string, probe: RulesProbe, priority = 10): Promise<InstalledFile> {
  if (!Number.isInteger(priority) || priority < 0 || priority > 99) throw new Error(`polkit lab: rules priority ${priority} is not 0..99`);
  try {
    // polkitd would skip a file it cannot parse and the wait would only time out: say so now.
    new Function('polkit', source);
  } catch (error) {
    throw new Error(`polkit lab: the rules do not parse: ${(error as Error).message}`, { cause: error });
  }
  const token = `freezeframe-test-${processTag}-${++installed}`;
  const path = join(RULES_DIR, `${String(priority).padStart(2, '0')}-${token}.rules`);
  writeFileSync(path, probeRule(probe, token) + source, { mode: 0o644 });
  const file: InstalledFile = {
    path,
    removeSync: () => rmSync(path, { force: true }),
    async remove() {
      file.removeSync();
      await waitFor(`polkitd still applies ${path} after its removal`, async () => !(await probeSeesFile(probe, token)));
    },
  };
  try {
    await waitFor(`polkitd did not apply ${path} (a script error? polkitd's own log: /run/freezeframe-polkit-lab/polkitd.log, when the lab started it)`, () => probeSeesFile(probe, token));
  } catch (error) {
    file.removeSync();
    throw error;
  }
  return file;
}

/** Rules and action files of test processes that are gone (killed before they cleaned up). */
export function removeLeftoverFilesSync(): string[] {
  const removed: string[] = [];
  for (const [dir, pattern] of [
    [RULES_DIR, LAB_RULES],
    [POLKIT_ACTIONS_DIR, LAB_POLICY],
  ] as const) {
    for (const name of readdirSync(dir)) {
      const match = name.match(pattern);
      if (!match || isAlive(processOfTag(match[1]!, match[2]!))) continue;
      rmSync(join(dir, name), { force: true });
      removed.push(join(dir, name));
    }
  }
  return removed;
}
