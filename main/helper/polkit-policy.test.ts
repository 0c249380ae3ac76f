import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTools } from '../../testing/not-run';
import { APPIMAGE_HELPER_PATH, INSTALLED_HELPER_PATH } from './helper-path';
import { APPIMAGE_POLICY, PACKAGE_POLICY, polkitPolicyXml, SERVICE_ACTION_IDS, type PolkitDefaults } from './polkit-policy';

const POLKIT_DIR = resolve(import.meta.dirname, '../../build/polkit');
const DTD = '/usr/share/polkit-1/policyconfig-1.dtd';

/** Each <action> of a policy, as the fields polkit reads. */
function actionsOf(xml: string) {
  return [...xml.matchAll(/<action id="([^"]+)">([\s\S]*?)<\/action>/g)].map(([, id, body]) => {
    const field = (re: RegExp) => body!.match(re)?.[1];
    return {
      id,
      description: field(/<description>([^<]*)<\/description>/),
      message: field(/<message>([^<]*)<\/message>/),
      icon: field(/<icon_name>([^<]*)<\/icon_name>/),
      defaults: { active: field(/<allow_active>([^<]*)</), inactive: field(/<allow_inactive>([^<]*)</), any: field(/<allow_any>([^<]*)</) },
      execPaths: [...body!.matchAll(/<annotate key="org\.freedesktop\.policykit\.exec\.path">([^<]*)<\/annotate>/g)].map((m) => m[1]),
      annotations: [...body!.matchAll(/<annotate key="([^"]+)"/g)].map((m) => m[1]),
    };
  });
}

const admin = (active: string): PolkitDefaults => ({ active, inactive: 'auth_admin', any: 'auth_admin' }) as PolkitDefaults;

/** docs/helper-protocol-v2.md's table, written out again so a change to either is a decision. */
const EXPECTED_DEFAULTS: Record<string, PolkitDefaults> = {
  'org.freezeframe.freeze': admin('auth_admin_keep'),
  'org.freezeframe.freeze-dangerous': admin('auth_admin'),
  'org.freezeframe.thaw-own': { active: 'yes', inactive: 'auth_admin_keep', any: 'auth_admin' },
  'org.freezeframe.thaw-others': admin('auth_admin_keep'),
  'org.freezeframe.thaw-all': admin('auth_admin_keep'),
  'org.freezeframe.writers': admin('auth_admin_keep'),
};

describe('the polkit policies in build/polkit', () => {
  for (const [policy, helperPath] of [
    [PACKAGE_POLICY, INSTALLED_HELPER_PATH],
    [APPIMAGE_POLICY, APPIMAGE_HELPER_PATH],
  ] as const) {
    const file = join(POLKIT_DIR, policy.fileName);

    it(`${policy.fileName} is exactly what the code generates (the AppImage install writes the same text)`, () => {
      expect(readFileSync(file, 'utf8')).toBe(polkitPolicyXml(policy));
    });

    it(`${policy.fileName} validates against polkit's DTD`, () => {
      // polkitd ships the DTD. Without it (or xmllint) this is NOT RUN, never passed unchecked.
      requireTools('xmllint', DTD);
      expect(existsSync(DTD)).toBe(true);
      expect(() => execFileSync('xmllint', ['--noout', '--nonet', '--dtdvalid', DTD, file], { stdio: 'pipe' })).not.toThrow();
    });

    it(`${policy.fileName} declares one action per kind of act with the protocol's defaults, never bound to a program`, () => {
      const actions = actionsOf(readFileSync(file, 'utf8'));
      const service = actions.filter((action) => action.id !== policy.startAction.id);
      expect(service.map((action) => action.id)).toEqual(Object.values(SERVICE_ACTION_IDS));
      for (const action of service) {
        expect(action.defaults, action.id).toEqual(EXPECTED_DEFAULTS[action.id!]);
        expect(action.annotations, action.id).toEqual([]);
        expect(action.icon).toBe('freezeframe');
        expect(action.description?.length).toBeGreaterThan(10);
      }
      // Only actions whose every request names a path may show it: polkit prints an absent detail as "$(path)".
      const withPath = service.filter((action) => action.message?.includes('$(path)')).map((action) => action.id);
      expect(withPath).toEqual(['org.freezeframe.freeze', 'org.freezeframe.freeze-dangerous', 'org.freezeframe.thaw-own', 'org.freezeframe.thaw-others']);
      for (const action of service) expect(action.message?.replace('$(path)', ''), action.id).not.toMatch(/\$\(/);
    });

    it(`${policy.fileName} lets pkexec start exactly ${helperPath}, and nothing else`, () => {
      const start = actionsOf(readFileSync(file, 'utf8')).find((action) => action.id === policy.startAction.id);
      expect(start).toMatchObject({
        message: 'Authentication is required to start the Freezeframe service, which freezes and thaws filesystems',
        defaults: { active: 'yes', inactive: 'auth_admin', any: 'auth_admin' },
        execPaths: [helperPath],
        annotations: ['org.freedesktop.policykit.exec.path'],
      });
    });
  }

  it('gives the deb/rpm and the AppImage the same service actions, and start actions of their own', () => {
    const service = (xml: string) => actionsOf(xml).filter((action) => !action.id!.startsWith('org.freezeframe.helper.'));
    expect(service(polkitPolicyXml(APPIMAGE_POLICY))).toEqual(service(polkitPolicyXml(PACKAGE_POLICY)));
    expect(PACKAGE_POLICY.startAction.id).toBe('org.freezeframe.helper.run');
    expect(APPIMAGE_POLICY.startAction.id).toBe('org.freezeframe.helper.run-local');
  });

  it('xmllint does reject a policy that breaks the DTD (the check can fail)', () => {
    requireTools('xmllint', DTD);
    const broken = polkitPolicyXml(PACKAGE_POLICY).replace('<defaults>', '<defaults><allow_everyone>yes</allow_everyone>');
    expect(() => execFileSync('xmllint', ['--noout', '--nonet', '--dtdvalid', DTD, '-'], { input: broken, stdio: 'pipe' })).toThrow();
  });
});

describe('the example rule build/polkit/49-freezeframe-backup.rules', () => {
  const source = readFileSync(join(POLKIT_DIR, '49-freezeframe-backup.rules'), 'utf8');
  /** Runs the rule as polkit's JavaScript would, with a stand-in `polkit` object (the real polkitd runs it in testing/polkit). */
  function decide(actionId: string, groups: string[]): string {
    const rules: Array<(action: { id: string }, subject: { isInGroup(group: string): boolean }) => string> = [];
    const polkit = { addRule: (rule: (typeof rules)[number]) => rules.push(rule), Result: { YES: 'yes', NOT_HANDLED: 'not-handled' } };
    new Function('polkit', source)(polkit);
    expect(rules).toHaveLength(1);
    return rules[0]!({ id: actionId }, { isInGroup: (group) => groups.includes(group) });
  }

  it('lets members of "backup" start either service, freeze, thaw their own and list writers without a password', () => {
    for (const id of [PACKAGE_POLICY.startAction.id, APPIMAGE_POLICY.startAction.id, SERVICE_ACTION_IDS.freeze, SERVICE_ACTION_IDS.thawOwn, SERVICE_ACTION_IDS.writers]) {
      expect(decide(id, ['users', 'backup']), id).toBe('yes');
    }
  });

  it('leaves dangerous freezes, thawing others\' holds and thawing everything to an administrator', () => {
    for (const id of [SERVICE_ACTION_IDS.freezeDangerous, SERVICE_ACTION_IDS.thawOthers, SERVICE_ACTION_IDS.thawAll]) {
      expect(decide(id, ['backup']), id).toBe('not-handled');
    }
  });

  it('leaves everyone else, and every other action, to the policy', () => {
    expect(decide(SERVICE_ACTION_IDS.freeze, ['users', 'sudo'])).toBe('not-handled');
    expect(decide('org.freedesktop.policykit.exec', ['backup'])).toBe('not-handled');
  });

  it('says where to copy it', () => {
    expect(source).toContain('/etc/polkit-1/rules.d/');
  });
});
