/**
 * The AppImage's one elevated step, as a POSIX sh script built from
 * validated constants only: the helper and guardian copies the app made, the
 * SHA-256s built into the app, and the fixed install and policy paths.
 * Nothing user-supplied reaches it, and every value is checked against a
 * strict pattern before it is single-quoted into the text.
 *
 * What it does, as root: check that every directory on the way to the
 * targets is root-owned and not writable by group or others; copy the helper
 * and its guardian into a root-owned staging directory beside the target;
 * hash those copies (the sources are the user's and can change under us: only
 * the copies count); install both 0755 root:root with atomic renames (the
 * guardian first: the helper starts the one beside it), and the polkit policy
 * with them. Or refuse, with one line on stderr and a distinct exit status.
 *
 * It never runs anything from a user-writable place: sh, cp, sha256sum and
 * friends come from the fixed PATH, and the binaries are only copied, never run.
 */
import { dirname, join } from 'node:path';
import { APPIMAGE_HELPER_PATH } from './helper-path';
import { APPIMAGE_POLICY, POLKIT_ACTIONS_DIR, polkitPolicyXml } from './polkit-policy';

/** Exit statuses of the script; appimage-install.ts maps each to a typed error. */
export const INSTALL_EXIT = {
  notRoot: 80,
  unsafeDirectory: 81,
  sourceMissing: 82,
  hashMismatch: 83,
  polkitMissing: 84,
  installFailed: 85,
} as const;

/** The guardian's name: the helper starts the file of this name beside itself. */
export const GUARDIAN_FILE_NAME = 'freezeframe-guardian';

export interface InstallScriptInput {
  /** The helper copy the unprivileged app made (root cannot read the AppImage's FUSE mount). */
  sourcePath: string;
  /** SHA-256 of the helper this app was built with, lowercase hex. */
  expectedSha256: string;
  /** The guardian copy the app made. */
  guardianSourcePath: string;
  /** SHA-256 of the guardian this app was built with. */
  expectedGuardianSha256: string;
  /** Where the helper goes (tests use a temporary prefix); the guardian goes beside it. */
  targetPath?: string;
  /** Where polkit reads actions from. */
  policyDir?: string;
}

export class InstallScriptInputError extends Error {
  override readonly name = 'InstallScriptInputError';
}

/** Absolute, plain segments only: no '.', '..', spaces, quotes or shell syntax. */
const SAFE_PATH = /^(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)+$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const POLICY_END = 'FREEZEFRAME_POLICY_END';

export function assertSafePath(path: string, what: string): void {
  if (!SAFE_PATH.test(path) || path.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw new InstallScriptInputError(`The ${what} path is not one the installer accepts (absolute, letters, digits, '.', '_', '-' only): ${JSON.stringify(path)}`);
  }
}

/** Every directory from / down to `dir`, in order. */
export function directoryChain(dir: string): string[] {
  const chain: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    chain.unshift(at);
    if (at === '/') return chain;
  }
}

const quote = (value: string): string => `'${value}'`; // safe: every value matched SAFE_PATH or SHA256_HEX

export function buildInstallScript(input: InstallScriptInput): string {
  const targetPath = input.targetPath ?? APPIMAGE_HELPER_PATH;
  const policyDir = input.policyDir ?? POLKIT_ACTIONS_DIR;
  assertSafePath(input.sourcePath, 'bundled helper copy');
  assertSafePath(input.guardianSourcePath, 'bundled guardian copy');
  assertSafePath(targetPath, 'install target');
  assertSafePath(policyDir, 'polkit actions directory');
  if (!SHA256_HEX.test(input.expectedSha256)) throw new InstallScriptInputError('The expected helper hash is not a lowercase hex SHA-256.');
  if (!SHA256_HEX.test(input.expectedGuardianSha256)) throw new InstallScriptInputError('The expected guardian hash is not a lowercase hex SHA-256.');
  const targetDir = dirname(targetPath);
  const policy = polkitPolicyXml({ ...APPIMAGE_POLICY, startAction: { ...APPIMAGE_POLICY.startAction, execPath: targetPath } });
  if (policy.split('\n').includes(POLICY_END)) throw new InstallScriptInputError('The policy text contains the here-document delimiter.');
  const e = INSTALL_EXIT;

  return `set -u
umask 077
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
source_file=${quote(input.sourcePath)}
expected_sha256=${quote(input.expectedSha256)}
guardian_source=${quote(input.guardianSourcePath)}
expected_guardian_sha256=${quote(input.expectedGuardianSha256)}
target_dir=${quote(targetDir)}
target_file=${quote(targetPath)}
guardian_file=${quote(join(targetDir, GUARDIAN_FILE_NAME))}
policy_dir=${quote(policyDir)}
policy_file=${quote(`${policyDir}/${APPIMAGE_POLICY.fileName}`)}
staging=
policy_tmp=
cleanup() {
  if [ -n "$staging" ]; then rm -rf -- "$staging"; fi
  if [ -n "$policy_tmp" ]; then rm -f -- "$policy_tmp"; fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
refuse() {
  status=$1
  shift
  printf 'freezeframe-install: %s\\n' "$*" >&2
  exit "$status"
}
# Safe: a real directory (not a symlink) that root owns and nobody else may write to.
check_dir() {
  if [ -L "$1" ] || [ ! -d "$1" ]; then refuse ${e.unsafeDirectory} "$1 is not a directory"; fi
  owner=$(stat -c %u -- "$1") || refuse ${e.unsafeDirectory} "cannot inspect $1"
  mode=$(stat -c %a -- "$1") || refuse ${e.unsafeDirectory} "cannot inspect $1"
  if [ "$owner" != 0 ]; then refuse ${e.unsafeDirectory} "$1 is not owned by root (uid $owner)"; fi
  if [ $(( 0$mode & 022 )) -ne 0 ]; then refuse ${e.unsafeDirectory} "$1 is writable by group or others (mode $mode)"; fi
}

if [ "$(id -u)" != 0 ]; then refuse ${e.notRoot} "not running as root"; fi
if [ ! -d "$policy_dir" ]; then refuse ${e.polkitMissing} "polkit is not installed: $policy_dir does not exist"; fi
${directoryChain(dirname(targetDir)).map((dir) => `check_dir ${quote(dir)}`).join('\n')}
${directoryChain(policyDir).map((dir) => `check_dir ${quote(dir)}`).join('\n')}
if [ ! -e "$target_dir" ]; then
  mkdir -m 0755 -- "$target_dir" || refuse ${e.installFailed} "cannot create $target_dir"
fi
check_dir "$target_dir"
if [ -L "$source_file" ] || [ ! -f "$source_file" ]; then refuse ${e.sourceMissing} "the helper to install is not a regular file: $source_file"; fi
if [ -L "$guardian_source" ] || [ ! -f "$guardian_source" ]; then refuse ${e.sourceMissing} "the guardian to install is not a regular file: $guardian_source"; fi

# Staging beside the target: root's own directory, and the same filesystem, so the final renames are atomic.
staging=$(mktemp -d "$target_dir/.install.XXXXXX") || refuse ${e.installFailed} "cannot create a staging directory in $target_dir"
# stage NAME SOURCE SHA256: root's copy, checked, root:root 0755.
stage() {
  cp -- "$2" "$staging/$1" || refuse ${e.installFailed} "cannot copy $2"
  actual=$(sha256sum -- "$staging/$1") || refuse ${e.installFailed} "cannot hash the copy of $1"
  actual=\${actual%% *}
  if [ "$actual" != "$3" ]; then
    refuse ${e.hashMismatch} "the $1 to install is not the one this app was built with (SHA-256 differs): nothing was installed"
  fi
  chown 0:0 -- "$staging/$1" || refuse ${e.installFailed} "cannot chown the copy of $1"
  chmod 0755 -- "$staging/$1" || refuse ${e.installFailed} "cannot chmod the copy of $1"
}
stage helper "$source_file" "$expected_sha256"
stage guardian "$guardian_source" "$expected_guardian_sha256"

policy_tmp=$(mktemp "$policy_dir/.freezeframe-policy.XXXXXX") || refuse ${e.installFailed} "cannot write in $policy_dir"
cat > "$policy_tmp" <<'${POLICY_END}' || refuse ${e.installFailed} "cannot write the polkit policy"
${policy}${POLICY_END}
chmod 0644 -- "$policy_tmp" || refuse ${e.installFailed} "cannot chmod the polkit policy"

mv -f -- "$staging/guardian" "$guardian_file" || refuse ${e.installFailed} "cannot move the guardian into $guardian_file"
mv -f -- "$staging/helper" "$target_file" || refuse ${e.installFailed} "cannot move the helper into $target_file"
mv -f -- "$policy_tmp" "$policy_file" || refuse ${e.installFailed} "cannot move the policy into $policy_file"
policy_tmp=
printf 'freezeframe-install: installed %s, %s and %s\\n' "$target_file" "$guardian_file" "$policy_file"
exit 0
`;
}

/**
 * The line for @vscode/sudo-prompt. It runs `/bin/bash -c "echo ...; <line>"`
 * after escaping only double quotes, so the caller's shell still expands
 * $, ` and \\ inside it: escape those here, and single-quote the script for
 * the elevated sh.
 */
export function elevatedCommandLine(script: string): string {
  const singleQuoted = `'${script.replace(/'/g, `'\\''`)}'`;
  return `/bin/sh -c ${singleQuoted} freezeframe-install`.replace(/[\\$`]/g, (c) => `\\${c}`);
}
