/*
 * The syscalls a task blocked on a frozen filesystem can be in, and which
 * argument names the file: a descriptor, or a path (with its dirfd).
 */
#ifndef FF_SYSCALLS_H
#define FF_SYSCALLS_H

enum sc_kind {
	SC_FD,		/* args[fd_arg] is a descriptor on the filesystem */
	SC_PATH,	/* args[path_arg] is a path, relative to dirfd_arg */
};

struct sc_info {
	long nr;
	const char *name;
	enum sc_kind kind;
	int fd_arg;		/* SC_FD; SC_PATH: used when the path is NULL */
	int dirfd_arg;		/* SC_PATH: -1 for AT_FDCWD */
	int path_arg;		/* SC_PATH */
};

/* The entry for a syscall number, or NULL when it names no file. */
const struct sc_info *syscall_info(long nr);

#endif
