/**
 * What main knows about a filesystem type before asking the helper.
 *
 * FIFREEZE needs the filesystem to implement super_operations.freeze_fs or
 * .freeze_super (fs/ioctl.c: else EOPNOTSUPP). The lists below follow the
 * kernel sources; a type in neither list is "unknown" and is offered as
 * freezable, so the helper's UNSUPPORTED_FS answer decides (and is
 * remembered as the 'unsupported' state) rather than our guess.
 */

/** Kernel interfaces rather than storage: hidden behind the "show pseudo" toggle, never frozen. */
const PSEUDO = new Set([
  'proc',
  'sysfs',
  'cgroup',
  'cgroup2',
  'devpts',
  'devtmpfs',
  'mqueue',
  'tracefs',
  'debugfs',
  'securityfs',
  'bpf',
  'pstore',
  'configfs',
  'fusectl',
  'autofs',
  'binfmt_misc',
  'hugetlbfs',
  'rpc_pipefs',
  'nsfs',
  'efivarfs',
  'selinuxfs',
  'smackfs',
  'nfsd',
  'xenfs',
  'rootfs',
]);

/** Implement freeze_fs / freeze_super. */
const FREEZABLE = new Set(['ext2', 'ext3', 'ext4', 'ext4dev', 'xfs', 'btrfs', 'f2fs', 'jfs', 'reiserfs', 'gfs2', 'ocfs2', 'nilfs2', 'bcachefs']);

/**
 * Known not to implement freeze: memory filesystems (tmpfs: users care
 * about it, so it is shown, but there is nothing to freeze), stacked and
 * network filesystems, FUSE, read-only images, and the FAT/NTFS/HFS family.
 */
const NOT_FREEZABLE = new Set([
  'tmpfs',
  'ramfs',
  'overlay',
  'aufs',
  'squashfs',
  'iso9660',
  'erofs',
  'cramfs',
  'romfs',
  'vfat',
  'msdos',
  'fat',
  'exfat',
  'ntfs',
  'ntfs3',
  'hfs',
  'hfsplus',
  'nfs',
  'nfs4',
  'cifs',
  'smb3',
  'smbfs',
  '9p',
  'virtiofs',
  'fuse',
  'fuseblk',
]);

export function isPseudoFs(fsType: string): boolean {
  return PSEUDO.has(fsType);
}

export type Freezability = 'yes' | 'no' | 'unknown';

export function freezability(fsType: string): Freezability {
  if (FREEZABLE.has(fsType)) return 'yes';
  if (PSEUDO.has(fsType) || NOT_FREEZABLE.has(fsType) || fsType.startsWith('fuse.')) return 'no';
  return 'unknown';
}

/** What MountRow.freezable says: unknown types are offered, the helper decides. */
export function isFreezableFs(fsType: string): boolean {
  return freezability(fsType) !== 'no';
}
