/**
 * Freezeframe's polkit actions (docs/helper-protocol-v2.md, Authorization).
 * The per-host service asks polkit about every request, with one action per
 * kind of act; pkexec only starts the service, through one more action bound
 * with org.freedesktop.policykit.exec.path to exactly one root-owned helper.
 *
 * Each installed layout has one policy file holding the service's actions
 * and its own start action: the deb/rpm's names /usr/lib/freezeframe, the
 * AppImage's install /usr/local/lib/freezeframe. Where both are installed,
 * both files define the service's actions, with the same text.
 *
 * "active" is a local session in front of the machine; an SSH session and a
 * process in no session at all (a cron job, a systemd service) count as
 * "any". Messages may name details the service passes ($(path)); polkit
 * shows a detail it was not given as the literal "$(name)", so only actions
 * whose every request carries a path use it.
 *
 * The files in build/polkit/ are this text; a test keeps them equal. The
 * AppImage install writes the local one itself (appimage-install-script.ts).
 */
import { APPIMAGE_HELPER_PATH, INSTALLED_HELPER_PATH } from './helper-path';

/** polkit's implicit authorizations (polkit(8), "Declaring Actions"). */
export type PolkitImplicit = 'no' | 'yes' | 'auth_self' | 'auth_self_keep' | 'auth_admin' | 'auth_admin_keep';

export interface PolkitDefaults {
  active: PolkitImplicit;
  inactive: PolkitImplicit;
  any: PolkitImplicit;
}

export interface PolkitAction {
  id: string;
  description: string;
  message: string;
  defaults: PolkitDefaults;
  /** pkexec actions only: the one program this action lets pkexec run. */
  execPath?: string;
}

export const POLKIT_ACTIONS_DIR = '/usr/share/polkit-1/actions';
export const POLKIT_ICON_NAME = 'freezeframe';

/** The service's actions, by the kind of act the service asks polkit about. */
export const SERVICE_ACTION_IDS = {
  freeze: 'org.freezeframe.freeze',
  freezeDangerous: 'org.freezeframe.freeze-dangerous',
  thawOwn: 'org.freezeframe.thaw-own',
  thawOthers: 'org.freezeframe.thaw-others',
  thawAll: 'org.freezeframe.thaw-all',
  writers: 'org.freezeframe.writers',
} as const;

const adminKeptWhenActive: PolkitDefaults = { active: 'auth_admin_keep', inactive: 'auth_admin', any: 'auth_admin' };

export const SERVICE_ACTIONS: readonly PolkitAction[] = [
  {
    id: SERVICE_ACTION_IDS.freeze,
    description: 'Freeze a filesystem until it is thawed or its deadline passes',
    message: 'Authentication is required to freeze $(path): programs writing to it wait until it is thawed',
    defaults: adminKeptWhenActive,
  },
  {
    id: SERVICE_ACTION_IDS.freezeDangerous,
    description: 'Freeze a filesystem the system itself needs, such as the root filesystem',
    message: 'Authentication is required to freeze $(path), which the system itself needs: most programs stop until it is thawed, at most 30 seconds later',
    // Asked every time, never kept: each such freeze is a decision of its own.
    defaults: { active: 'auth_admin', inactive: 'auth_admin', any: 'auth_admin' },
  },
  {
    id: SERVICE_ACTION_IDS.thawOwn,
    description: 'Thaw a filesystem you froze',
    message: 'Authentication is required to thaw $(path)',
    defaults: { active: 'yes', inactive: 'auth_admin_keep', any: 'auth_admin' },
  },
  {
    id: SERVICE_ACTION_IDS.thawOthers,
    description: 'Thaw a filesystem that another user or another program froze',
    message: 'Authentication is required to thaw $(path), which someone else froze (a backup taking its snapshot would be spoiled)',
    defaults: adminKeptWhenActive,
  },
  {
    id: SERVICE_ACTION_IDS.thawAll,
    description: 'Thaw every filesystem Freezeframe holds frozen, whoever froze it',
    message: 'Authentication is required to thaw every filesystem frozen with Freezeframe on this computer, including those other users froze',
    defaults: adminKeptWhenActive,
  },
  {
    id: SERVICE_ACTION_IDS.writers,
    description: 'See which processes, of any user, are waiting to write to frozen filesystems',
    message: 'Authentication is required to see which processes of all users are waiting to write to frozen filesystems',
    defaults: adminKeptWhenActive,
  },
];

/** One policy file: the service's actions and the pkexec action that starts one installed helper. */
export interface PolkitPolicy {
  /** The file's name in /usr/share/polkit-1/actions. */
  fileName: string;
  /** pkexec <helperPath> --serve --daemon. */
  startAction: PolkitAction & { execPath: string };
}

const START_MESSAGE = 'Authentication is required to start the Freezeframe service, which freezes and thaws filesystems';
// Starting the service grants nothing by itself: it asks polkit again about every request.
const START_DEFAULTS: PolkitDefaults = { active: 'yes', inactive: 'auth_admin', any: 'auth_admin' };

export const PACKAGE_POLICY: PolkitPolicy = {
  fileName: 'org.freezeframe.helper.policy',
  startAction: {
    id: 'org.freezeframe.helper.run',
    description: 'Start the Freezeframe service (which then asks about each freeze and thaw)',
    message: START_MESSAGE,
    defaults: START_DEFAULTS,
    execPath: INSTALLED_HELPER_PATH,
  },
};

export const APPIMAGE_POLICY: PolkitPolicy = {
  fileName: 'org.freezeframe.helper-local.policy',
  startAction: {
    id: 'org.freezeframe.helper.run-local',
    description: 'Start the Freezeframe service installed by the AppImage (which then asks about each freeze and thaw)',
    message: START_MESSAGE,
    defaults: START_DEFAULTS,
    execPath: APPIMAGE_HELPER_PATH,
  },
};

/** Every action a policy file declares, the service's first. */
export function policyActions(policy: PolkitPolicy): PolkitAction[] {
  return [...SERVICE_ACTIONS, policy.startAction];
}

function actionXml(action: PolkitAction): string {
  const exec = action.execPath === undefined ? '' : `\n    <annotate key="org.freedesktop.policykit.exec.path">${action.execPath}</annotate>`;
  return `  <action id="${action.id}">
    <description>${action.description}</description>
    <message>${action.message}</message>
    <icon_name>${POLKIT_ICON_NAME}</icon_name>
    <defaults>
      <allow_any>${action.defaults.any}</allow_any>
      <allow_inactive>${action.defaults.inactive}</allow_inactive>
      <allow_active>${action.defaults.active}</allow_active>
    </defaults>${exec}
  </action>
`;
}

export function polkitPolicyXml(policy: PolkitPolicy): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE policyconfig PUBLIC
 "-//freedesktop//DTD PolicyKit Policy Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/PolicyKit/1.0/policyconfig.dtd">
<!-- Freezeframe: what the Freezeframe service may do for whom, and who may
     start ${policy.startAction.execPath} as the service through pkexec.
     Generated by main/helper/polkit-policy.ts (a test keeps this file equal to it).
     For unattended use, see build/polkit/49-freezeframe-backup.rules. -->
<policyconfig>
  <vendor>Freezeframe</vendor>
  <icon_name>${POLKIT_ICON_NAME}</icon_name>

${policyActions(policy).map(actionXml).join('\n')}</policyconfig>
`;
}
