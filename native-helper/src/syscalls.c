#include <stddef.h>
#include <sys/syscall.h>

#include "syscalls.h"

#define FD(n, arg)		{ __NR_##n, #n, SC_FD, arg, -1, -1 }
#define PATH(n, dfd, arg)	{ __NR_##n, #n, SC_PATH, -1, dfd, arg }
#define PATHFD(n, dfd, arg)	{ __NR_##n, #n, SC_PATH, dfd, dfd, arg }

/* #ifdef each: architectures lack some (aarch64 has no open, creat,
 * mkdir...; only some have sync_file_range2). */
static const struct sc_info table[] = {
	FD(write, 0),
	FD(pwrite64, 0),
	FD(writev, 0),
	FD(pwritev, 0),
#ifdef __NR_pwritev2
	FD(pwritev2, 0),
#endif
	FD(fsync, 0),
	FD(fdatasync, 0),
	FD(ftruncate, 0),
	FD(fallocate, 0),
#ifdef __NR_sync_file_range
	FD(sync_file_range, 0),
#endif
#ifdef __NR_sync_file_range2
	FD(sync_file_range2, 0),
#endif
#ifdef __NR_copy_file_range
	FD(copy_file_range, 2),
#endif
	FD(splice, 2),
#ifdef __NR_sendfile
	FD(sendfile, 0),
#endif
	FD(fchmod, 0),
	FD(fchown, 0),
	FD(fsetxattr, 0),
	FD(fremovexattr, 0),
	FD(syncfs, 0),
	FD(ioctl, 0),
#ifdef __NR_open
	PATH(open, -1, 0),
#endif
#ifdef __NR_creat
	PATH(creat, -1, 0),
#endif
	PATH(openat, 0, 1),
#ifdef __NR_openat2
	PATH(openat2, 0, 1),
#endif
#ifdef __NR_mkdir
	PATH(mkdir, -1, 0),
#endif
	PATH(mkdirat, 0, 1),
#ifdef __NR_mknod
	PATH(mknod, -1, 0),
#endif
	PATH(mknodat, 0, 1),
#ifdef __NR_unlink
	PATH(unlink, -1, 0),
#endif
	PATH(unlinkat, 0, 1),
#ifdef __NR_rmdir
	PATH(rmdir, -1, 0),
#endif
#ifdef __NR_rename
	PATH(rename, -1, 0),
#endif
#ifdef __NR_renameat
	PATH(renameat, 0, 1),
#endif
#ifdef __NR_renameat2
	PATH(renameat2, 0, 1),
#endif
#ifdef __NR_link
	PATH(link, -1, 1),
#endif
	PATH(linkat, 2, 3),
#ifdef __NR_symlink
	PATH(symlink, -1, 1),
#endif
	PATH(symlinkat, 1, 2),
	PATH(truncate, -1, 0),
	PATHFD(utimensat, 0, 1),
#ifdef __NR_utime
	PATH(utime, -1, 0),
#endif
#ifdef __NR_utimes
	PATH(utimes, -1, 0),
#endif
#ifdef __NR_futimesat
	PATH(futimesat, 0, 1),
#endif
#ifdef __NR_chmod
	PATH(chmod, -1, 0),
#endif
	PATH(fchmodat, 0, 1),
#ifdef __NR_fchmodat2
	PATH(fchmodat2, 0, 1),
#endif
#ifdef __NR_chown
	PATH(chown, -1, 0),
#endif
#ifdef __NR_lchown
	PATH(lchown, -1, 0),
#endif
	PATH(fchownat, 0, 1),
	PATH(setxattr, -1, 0),
	PATH(lsetxattr, -1, 0),
	PATH(removexattr, -1, 0),
	PATH(lremovexattr, -1, 0),
#ifdef __NR_setxattrat
	PATH(setxattrat, 0, 1),
#endif
#ifdef __NR_removexattrat
	PATH(removexattrat, 0, 1),
#endif
};

const struct sc_info *syscall_info(long nr)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].nr == nr)
			return &table[i];
	}
	return NULL;
}
