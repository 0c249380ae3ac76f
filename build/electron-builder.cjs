// electron-builder configuration: deb, rpm and AppImage for Linux.
// `npm run dist` (scripts/dist.mjs) runs it after building the helper and the app.
//
// The deb and rpm put the helper and its guardian in /usr/lib/freezeframe/,
// the per-host service's systemd units in /usr/lib/systemd/system and the
// polkit policy in /usr/share/polkit-1/actions with fpm path mappings
// (src=dest): files of the package, so root owns them (fpm's default owner and
// group are root), the package manager removes them, and no post-install
// script has to copy anything. The after-install script is electron-builder's
// own (the /usr/bin link, chrome-sandbox) followed by ours, which enables the
// service's socket; before removal ours stops the service and its socket.
// The AppImage carries the helper and the guardian in resources/helper/ and
// installs them on first use (main/helper/appimage-install.ts).
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder require()s this CommonJS file */
const { readFileSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const APP_ID = 'org.freezeframe.Freezeframe';
const EXECUTABLE = 'freezeframe';
const HELPER_BUILD = path.join(root, 'native-helper', 'build', 'freezeframe-helper');
const HELPER_INSTALLED = '/usr/lib/freezeframe/freezeframe-helper';
// Started by the helper from its own folder: thaws everything if the service dies.
const GUARDIAN_BUILD = path.join(root, 'native-helper', 'build', 'freezeframe-guardian');
const GUARDIAN_INSTALLED = '/usr/lib/freezeframe/freezeframe-guardian';
// The backup wizard's image copier: runs as the user, never through pkexec (main/core/backup/movers/clone.ts).
const CLONE_BUILD = path.join(root, 'native-helper', 'build', 'freezeframe-clone');
const CLONE_INSTALLED = '/usr/lib/freezeframe/freezeframe-clone';
// The backup engine's folder tool (export, retention by descriptor): also runs as the user (movers/fsops.ts).
const FSOPS_BUILD = path.join(root, 'native-helper', 'build', 'freezeframe-fsops');
const FSOPS_INSTALLED = '/usr/lib/freezeframe/freezeframe-fsops';
const POLICY = path.join(__dirname, 'polkit', 'org.freezeframe.helper.policy');
const POLICY_INSTALLED = '/usr/share/polkit-1/actions/org.freezeframe.helper.policy';
const SYSTEMD_UNITS = ['freezeframe-helper.socket', 'freezeframe-helper.service'];
const UNITS_INSTALLED = '/usr/lib/systemd/system';
const AFTER_INSTALL = path.join(__dirname, 'linux', 'after-install.tpl');
const BEFORE_REMOVE = path.join(__dirname, 'linux', 'before-remove.sh');
const ICON_SVG = path.join(__dirname, 'icon.svg');
const DESKTOP_FILE = path.join(__dirname, 'linux', `${APP_ID}.desktop`);

/** The [Desktop Entry] keys of build/linux/*.desktop (the file desktop-file-validate checks). */
function desktopEntry(file) {
  const entry = {};
  let inEntry = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\[.*\]$/.test(line)) inEntry = line === '[Desktop Entry]';
    else if (inEntry && /^[A-Za-z0-9-]+=/.test(line)) entry[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return entry;
}

const desktop = desktopEntry(DESKTOP_FILE);
// electron-builder writes Exec (the installed path), Icon (the executable's
// name), Categories (linux.category), Comment (the description) and
// StartupWMClass (from desktopName) itself; the rest comes from the file.
const GENERATED_KEYS = ['Exec', 'Icon', 'Categories', 'Comment', 'StartupWMClass'];
const entry = Object.fromEntries(Object.entries(desktop).filter(([key]) => !GENERATED_KEYS.includes(key)));

/** Files both fpm targets add (path mappings). */
const sharedMappings = [
  `${HELPER_BUILD}=${HELPER_INSTALLED}`,
  `${GUARDIAN_BUILD}=${GUARDIAN_INSTALLED}`,
  `${CLONE_BUILD}=${CLONE_INSTALLED}`,
  `${FSOPS_BUILD}=${FSOPS_INSTALLED}`,
  `${POLICY}=${POLICY_INSTALLED}`,
  ...SYSTEMD_UNITS.map((unit) => `${path.join(__dirname, 'systemd', unit)}=${UNITS_INSTALLED}/${unit}`),
  `${ICON_SVG}=/usr/share/icons/hicolor/scalable/apps/${EXECUTABLE}.svg`,
];

module.exports = {
  appId: APP_ID,
  productName: 'Freezeframe',
  copyright: 'Freezeframe contributors',
  directories: { output: 'dist/packages', buildResources: 'build' },
  // Everything main and the renderer need is bundled into dist/ (esbuild, vite).
  files: ['package.json', 'dist/main/**/*', 'dist/renderer/**/*', '!**/*.map', '!node_modules/**/*'],
  asar: true,
  // Electron takes the Wayland app_id / WM_CLASS from desktopName.
  extraMetadata: { desktopName: `${APP_ID}.desktop` },
  // The AppImage's copy to install (hash-checked); the deb/rpm have theirs in /usr/lib.
  extraResources: [
    { from: 'native-helper/build/freezeframe-helper', to: 'helper/freezeframe-helper' },
    { from: 'native-helper/build/freezeframe-guardian', to: 'helper/freezeframe-guardian' },
    // Runs as the user, so the AppImage can run it from its own mount.
    { from: 'native-helper/build/freezeframe-clone', to: 'helper/freezeframe-clone' },
    { from: 'native-helper/build/freezeframe-fsops', to: 'helper/freezeframe-fsops' },
  ],
  afterPack: path.join(__dirname, 'after-pack.cjs'),
  linux: {
    target: ['deb', 'rpm', 'AppImage'],
    executableName: EXECUTABLE,
    icon: 'build/icons',
    category: desktop.Categories,
    synopsis: 'Freeze Linux filesystems safely',
    description: desktop.Comment,
    syncDesktopName: true,
    desktop: { entry },
  },
  deb: {
    // electron-builder's after-install.tpl, then the service's socket (a test keeps the first part verbatim).
    afterInstall: AFTER_INSTALL,
    fpm: ['--deb-user', 'root', '--deb-group', 'root', '--before-remove', BEFORE_REMOVE, ...sharedMappings],
    // electron-builder's default list (setting depends replaces it), plus libsystemd0: the helper
    // asks polkit over sd-bus.
    depends: ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0', 'libsystemd0'],
    // electron-builder's default, plus polkit, which the service asks about each act (root needs
    // neither), and pkexec, which starts the service where systemd does not.
    recommends: ['libappindicator3-1', 'polkitd | policykit-1', 'pkexec | policykit-1'],
  },
  rpm: {
    afterInstall: AFTER_INSTALL,
    fpm: [
      '--rpm-user', 'root',
      '--rpm-group', 'root',
      // The mode in the package, whatever the build tree's umask made it.
      '--rpm-attr', `0755,root,root:${HELPER_INSTALLED}`,
      '--rpm-attr', `0755,root,root:${GUARDIAN_INSTALLED}`,
      '--rpm-attr', `0755,root,root:${CLONE_INSTALLED}`,
      '--rpm-attr', `0644,root,root:${POLICY_INSTALLED}`,
      ...SYSTEMD_UNITS.flatMap((unit) => ['--rpm-attr', `0644,root,root:${UNITS_INSTALLED}/${unit}`]),
      '--before-remove', BEFORE_REMOVE,
      // So /usr/lib/freezeframe belongs to the package and goes with it.
      '--rpm-auto-add-directories',
      ...sharedMappings,
    ],
    // electron-builder's default list (setting depends replaces it), plus polkit, and systemd-libs
    // for the helper's sd-bus.
    depends: ['gtk3', 'libnotify', 'nss', 'libXScrnSaver', '(libXtst or libXtst6)', 'xdg-utils', 'at-spi2-core', '(libuuid or libuuid1)', 'polkit', 'systemd-libs'],
  },
  appImage: {
    artifactName: 'Freezeframe-${version}-${arch}.AppImage',
  },
};
