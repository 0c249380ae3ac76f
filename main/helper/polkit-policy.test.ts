import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTools } from '../../testing/not-run';
import { APPIMAGE_HELPER_PATH, INSTALLED_HELPER_PATH } from './helper-path';
import { APPIMAGE_ACTION, PACKAGE_ACTION, POLKIT_MESSAGE, polkitPolicyXml } from './polkit-policy';

const POLKIT_DIR = resolve(import.meta.dirname, '../../build/polkit');
const DTD = '/usr/share/polkit-1/policyconfig-1.dtd';

/** The one <action> of a policy, as the fields polkit reads. */
function actionOf(xml: string) {
  const field = (re: RegExp) => xml.match(re)?.[1];
  return {
    id: field(/<action id="([^"]+)">/),
    message: field(/<message>([^<]*)<\/message>/),
    icon: field(/<action[\s\S]*<icon_name>([^<]*)<\/icon_name>/),
    any: field(/<allow_any>([^<]*)</),
    inactive: field(/<allow_inactive>([^<]*)</),
    active: field(/<allow_active>([^<]*)</),
    execPaths: [...xml.matchAll(/<annotate key="org\.freedesktop\.policykit\.exec\.path">([^<]*)<\/annotate>/g)].map((m) => m[1]),
    actions: [...xml.matchAll(/<action /g)].length,
  };
}

describe('the polkit policies in build/polkit', () => {
  for (const [action, path] of [
    [PACKAGE_ACTION, INSTALLED_HELPER_PATH],
    [APPIMAGE_ACTION, APPIMAGE_HELPER_PATH],
  ] as const) {
    const file = join(POLKIT_DIR, action.fileName);

    it(`${action.fileName} is exactly what the code generates (the AppImage install writes the same text)`, () => {
      expect(readFileSync(file, 'utf8')).toBe(polkitPolicyXml(action));
    });

    it(`${action.fileName} validates against polkit's DTD`, () => {
      // polkitd ships the DTD. Without it (or xmllint) this is NOT RUN, never passed unchecked.
      requireTools('xmllint', DTD);
      expect(existsSync(DTD)).toBe(true);
      expect(() => execFileSync('xmllint', ['--noout', '--nonet', '--dtdvalid', DTD, file], { stdio: 'pipe' })).not.toThrow();
    });

    it(`${action.fileName} binds one action to exactly ${path}, with admin authentication everywhere`, () => {
      const parsed = actionOf(readFileSync(file, 'utf8'));
      expect(parsed).toEqual({
        id: action.id,
        message: POLKIT_MESSAGE,
        icon: 'freezeframe',
        any: 'auth_admin',
        inactive: 'auth_admin',
        active: 'auth_admin_keep',
        execPaths: [path],
        actions: 1,
      });
    });
  }

  it('says the message the issue asks for', () => {
    expect(POLKIT_MESSAGE).toBe('Authentication is required to freeze or thaw filesystems');
  });

  it('xmllint does reject a policy that breaks the DTD (the check can fail)', () => {
    requireTools('xmllint', DTD);
    const broken = polkitPolicyXml(PACKAGE_ACTION).replace('<defaults>', '<defaults><allow_everyone>yes</allow_everyone>');
    expect(() => execFileSync('xmllint', ['--noout', '--nonet', '--dtdvalid', DTD, '-'], { input: broken, stdio: 'pipe' })).toThrow();
  });
});

describe('the example rule build/polkit/49-freezeframe-backup.rules', () => {
  const source = readFileSync(join(POLKIT_DIR, '49-freezeframe-backup.rules'), 'utf8');
  /** Runs the rule as polkit's JavaScript would, with a stand-in `polkit` object. */
  function decide(actionId: string, groups: string[]): string {
    const rules: Array<(action: { id: string }, subject: { isInGroup(group: string): boolean }) => string> = [];
    const polkit = { addRule: (rule: (typeof rules)[number]) => rules.push(rule), Result: { YES: 'yes', NOT_HANDLED: 'not-handled' } };
    new Function('polkit', source)(polkit);
    expect(rules).toHaveLength(1);
    return rules[0]!({ id: actionId }, { isInGroup: (group) => groups.includes(group) });
  }

  it('lets members of "backup" run either Freezeframe helper without a password', () => {
    expect(decide(PACKAGE_ACTION.id, ['users', 'backup'])).toBe('yes');
    expect(decide(APPIMAGE_ACTION.id, ['backup'])).toBe('yes');
  });

  it('leaves everyone else, and every other action, to the policy', () => {
    expect(decide(PACKAGE_ACTION.id, ['users', 'sudo'])).toBe('not-handled');
    expect(decide('org.freedesktop.policykit.exec', ['backup'])).toBe('not-handled');
  });

  it('says where to copy it', () => {
    expect(source).toContain('/etc/polkit-1/rules.d/');
  });
});
