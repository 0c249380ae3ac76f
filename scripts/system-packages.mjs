#!/usr/bin/env node
// The one list of system packages the build and the tests need (Debian and
// Ubuntu names), what each provides, and how to find out what is missing.
// `npm test` (scripts/test.mjs) installs what is missing when it runs as root
// on a machine with apt-get; .ci/run calls this file directly:
//   node scripts/system-packages.mjs            the missing packages, one line
//   node scripts/system-packages.mjs --install  install them (root, apt-get)
//   node scripts/system-packages.mjs --all      every package, one line
// The tests name a missing tool by what it provides (testing/requirements.ts).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `provides`: commands (looked up on PATH; for a user also in root's sbin
 * folders) and absolute files (a `*` matches within one path segment); the
 * package counts as present when all of them are found.
 */
export const SYSTEM_PACKAGES = [
  { name: 'make', provides: ['make'], for: 'building the helper' },
  { name: 'gcc', provides: ['gcc', 'cc'], for: 'building the helper; its unit tests under ASan+UBSan' },
  { name: 'libc6-dev', provides: ['/usr/include/stdio.h'], for: 'building the helper' },
  { name: 'libsystemd-dev', provides: ['/usr/include/systemd/sd-bus.h'], for: 'building the helper service (sd-bus, to ask polkit)' },
  { name: 'clang', provides: ['clang'], for: 'the fuzz harness of the request parser' },
  { name: 'libclang-rt-dev', provides: ['/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a'], for: 'the fuzz harness (libFuzzer)' },
  { name: 'util-linux', provides: ['fsfreeze', 'findmnt', 'setpriv', 'unshare', 'nsenter'], for: 'freezes, the mount watcher, the host lab' },
  { name: 'mount', provides: ['mount', 'umount', 'losetup'], for: 'loop mounts' },
  { name: 'e2fsprogs', provides: ['mkfs.ext4', 'mkfs.ext3', 'e2fsck'], for: 'ext4 and ext3 loop mounts' },
  { name: 'xfsprogs', provides: ['mkfs.xfs', 'xfs_repair'], for: 'xfs loop mounts' },
  { name: 'btrfs-progs', provides: ['mkfs.btrfs', 'btrfs'], for: 'btrfs loop mounts' },
  { name: 'chromium', provides: ['/usr/bin/chromium'], for: 'the end-to-end specs and the bench (web mode in Chromium)' },
  { name: 'fonts-dejavu-core', provides: ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'], for: 'the end-to-end screenshots' },
  { name: 'libxml2-utils', provides: ['xmllint'], for: 'checking the polkit policies and the icon' },
  { name: 'desktop-file-utils', provides: ['desktop-file-validate'], for: 'checking the desktop file' },
  { name: 'polkitd', provides: ['/usr/lib/polkit-1/polkitd', 'pkcheck', '/usr/share/polkit-1/policyconfig-1.dtd'], for: 'the polkit lab; checking the policies against polkit\'s DTD' },
  { name: 'pkexec', provides: ['pkexec'], for: 'the polkit lab, the AppImage install' },
  { name: 'dbus-daemon', provides: ['dbus-daemon'], for: 'the polkit lab (a system bus of its own)' },
  { name: 'openssh-server', provides: ['/usr/sbin/sshd'], for: 'the SSH host lab' },
  { name: 'openssh-client', provides: ['ssh', 'ssh-keygen'], for: 'the SSH host lab' },
  { name: 'socat', provides: ['socat'], for: 'the SSH host lab' },
  { name: 'iproute2', provides: ['ip'], for: 'the SSH host lab (network namespaces)' },
  { name: 'passwd', provides: ['useradd', 'userdel'], for: 'throwaway users of the polkit and host labs' },
  { name: 'postgresql', provides: ['/usr/lib/postgresql/*/bin/initdb'], for: 'the database lab (PostgreSQL)' },
  { name: 'mariadb-server', provides: ['/usr/sbin/mariadbd', 'mariadb-install-db'], for: 'the database lab (MariaDB)' },
  { name: 'mariadb-client', provides: ['mariadb'], for: 'the database lab (MariaDB)' },
  { name: 'systemd', provides: ['systemd-analyze'], for: 'checking the helper service unit (systemd-analyze verify)' },
];

/** What `make -C native-helper` needs, as items of the list above. */
export const HELPER_BUILD_NEEDS = ['make', 'gcc', '/usr/include/stdio.h', '/usr/include/systemd/sd-bus.h'];

/**
 * Folders searched for commands: PATH, as the tests will spawn them. A
 * user's PATH on Debian lacks the sbin folders root's has, so for a user
 * they are added: what sudo would find decides what `sudo npm test` installs.
 */
export function searchPath(pathVariable = process.env.PATH ?? '', root = process.geteuid?.() === 0) {
  const dirs = pathVariable.split(delimiter).filter(Boolean);
  if (!root) for (const dir of ['/usr/local/sbin', '/usr/sbin', '/sbin']) if (!dirs.includes(dir)) dirs.push(dir);
  return dirs;
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** An absolute path, `*` matching within one segment. */
function fileExists(pattern) {
  if (!pattern.includes('*')) return existsSync(pattern);
  const segments = pattern.split('/').filter(Boolean);
  const walk = (dir, i) => {
    if (i === segments.length) return true;
    const segment = segments[i];
    if (!segment.includes('*')) return existsSync(join(dir, segment)) && walk(join(dir, segment), i + 1);
    const match = new RegExp(`^${segment.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
    let names = [];
    try {
      names = readdirSync(dir);
    } catch {
      return false;
    }
    return names.some((name) => match.test(name) && walk(join(dir, name), i + 1));
  };
  return walk('/', 0);
}

/** Whether one `provides` entry is on this machine: a command on `dirs`, or a file. */
export function isProvided(item, dirs = searchPath()) {
  if (item.startsWith('/')) return fileExists(item);
  return dirs.some((dir) => isExecutable(join(dir, item)));
}

/** The packages whose `provides` are not all found, in the list's order. */
export function missingPackages(dirs = searchPath()) {
  return SYSTEM_PACKAGES.filter((p) => !p.provides.every((item) => isProvided(item, dirs))).map((p) => p.name);
}

/** The package that provides a command or file of the list, if any. */
export function packageProviding(item) {
  return SYSTEM_PACKAGES.find((p) => p.provides.includes(item))?.name;
}

/**
 * Never removes a package: --no-remove makes apt-get stop instead (on a
 * machine whose init is not systemd, polkitd could otherwise pull in
 * systemd-sysv and remove sysvinit-core). What stays missing is NOT RUN.
 */
export const APT_INSTALL = ['apt-get', 'install', '-y', '-q', '--no-install-recommends', '--no-remove'];

/** The exact command, as a user types it (sudo unless root). */
export function installCommand(packages, { root = process.geteuid?.() === 0 } = {}) {
  return `${root ? '' : 'sudo '}DEBIAN_FRONTEND=noninteractive ${APT_INSTALL.join(' ')} ${packages.join(' ')}`;
}

export function hasApt(dirs = searchPath()) {
  return isProvided('apt-get', dirs) && isProvided('dpkg', dirs);
}

/**
 * apt-get update, then install `packages` without questions. Output goes to
 * stderr; returns whether apt-get succeeded. Root only.
 */
export function installPackages(packages, log = (line) => process.stderr.write(`${line}\n`)) {
  if (packages.length === 0) return true;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const options = { stdio: ['ignore', process.stderr, process.stderr], env };
  const update = spawnSync('apt-get', ['update', '-q'], options);
  if (update.status !== 0) {
    log(`apt-get update failed (exit ${update.status ?? update.signal}): installing from the lists already on this machine`);
  }
  const install = spawnSync(APT_INSTALL[0], [...APT_INSTALL.slice(1), ...packages], options);
  if (install.status !== 0) log(`apt-get install failed (exit ${install.status ?? install.signal})`);
  return install.status === 0;
}

function main(args) {
  if (args.includes('--all')) {
    console.log(SYSTEM_PACKAGES.map((p) => p.name).join(' '));
    return 0;
  }
  const missing = missingPackages();
  if (!args.includes('--install')) {
    console.log(missing.join(' '));
    return 0;
  }
  if (missing.length === 0) {
    console.log('system packages: everything the tests need is installed');
    return 0;
  }
  if (process.geteuid?.() !== 0 || !hasApt()) {
    console.error(`system packages: cannot install (needs root and apt-get); missing: ${missing.join(' ')}`);
    return 1;
  }
  console.log(`system packages: installing ${missing.join(' ')}`);
  return installPackages(missing) ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
