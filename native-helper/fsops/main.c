/*
 * freezeframe-fsops: the backup engine's folder work, by descriptor, as
 * the user the app runs as (never elevated; root only when root runs the
 * app). Node has no openat, renameat or unlinkat, so every step that must
 * not be redirected by a link another user plants is done here: reaching
 * a snapshot or export folder (refusing one another user can change),
 * exporting into it, taking and removing btrfs snapshots, removing old
 * runs' folders. One subcommand per run of the tool; JSON lines on stdout
 * (out.h); exit 0 ok, 1 failed (the error line says why), 2 usage,
 * 130 cancelled.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "chain.h"
#include "export.h"
#include "subvol.h"
#include "tree.h"



static void usage(FILE *f)
{
	fputs("Usage: freezeframe-fsops check DIR [--probe]\n"
	      "       freezeframe-fsops mkdir DIR\n"
	      "       freezeframe-fsops list DIR [--subvolumes]\n"
	      "       freezeframe-fsops remove DIR NAME [--subvolume-id ID]\n"
	      "       freezeframe-fsops snapshot SOURCE DIR NAME\n"
	      "       freezeframe-fsops export DIR LABEL   (records on stdin)\n\n"
	      "Works on DIR by descriptor, refusing a folder on its path that "
	      "a user\nother than root and you can change. JSON lines on "
	      "stdout. Exit: 0 ok,\n1 failed (see the error line), 2 usage, "
	      "130 cancelled.\n", f);
}

static void on_stop(int sig)
{
	(void)sig;
	fsops_stop = 1;
}

static void install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: a blocked read returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Should the app die, this stops too (and cleans up). */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		fsops_stop = 1;
}

static int ok_line(const char *path, const char *key, bool value)
{
	struct line l;

	line_begin(&l);
	line_bool(&l, "ok", true);
	line_str(&l, "path", path);
	if (key)
		line_bool(&l, key, value);
	(void)line_end(&l);
	return 0;
}

/* A scratch folder made and removed: what the filesystem really allows. */
static int probe(int fd, const char *shown, struct fs_error *e)
{
	char name[64];

	snprintf(name, sizeof(name), ".freezeframe-probe-%ld", (long)getpid());
	if (mkdirat(fd, name, 0700) != 0)
		return fs_fail(e, FS_ERR_ERRNO, "mkdir", shown, errno);
	if (unlinkat(fd, name, AT_REMOVEDIR) != 0)
		return fs_fail(e, FS_ERR_ERRNO, "rmdir", shown, errno);
	return 0;
}

/*
 * Pre-flight of a folder a run will write to: as far as it exists, safe;
 * the rest creatable (the nearest existing folder lets a trusted owner
 * make it, and, with --probe, a scratch folder can be made there); and
 * the space free where it will be.
 */
static int cmd_check(const char *path, bool with_probe, struct fs_error *e)
{
	struct chain c;
	struct statvfs vfs;
	struct line l;
	bool exists;
	int r = 0;

	if (chain_open(path, CHAIN_NEAREST, &c, e))
		return -1;
	exists = c.missing[0] == '\0';
	if (!exists && !folder_private(&c.st) &&
	    !(trusted_owner(c.st.st_uid) && (c.st.st_mode & S_ISVTX)))
		r = folder_check(&c.st, c.path, e);
	if (r == 0 && fstatvfs(c.fd, &vfs) != 0)
		r = fs_fail(e, FS_ERR_ERRNO, "statvfs", c.path, errno);
	if (r == 0 && (vfs.f_flag & ST_RDONLY))
		r = fs_fail(e, FS_ERR_ERRNO, exists ? "write" : "mkdir",
			    exists ? c.path : c.missing, EROFS);
	if (r == 0 && with_probe)
		r = probe(c.fd, exists ? c.path : c.missing, e);
	if (r == 0) {
		line_begin(&l);
		line_bool(&l, "ok", true);
		line_str(&l, "path", c.path);
		line_bool(&l, "exists", exists);
		if (!exists)
			line_str(&l, "missing", c.missing);
		line_u64(&l, "free", (uint64_t)vfs.f_bavail * vfs.f_frsize);
		(void)line_end(&l);
	}
	chain_close(&c);
	return r;
}

static int cmd_mkdir(const char *path, struct fs_error *e)
{
	struct chain c;

	if (chain_open(path, CHAIN_CREATE, &c, e))
		return -1;
	ok_line(c.path, "created", c.created);
	chain_close(&c);
	return 0;
}

/* Names a run of a plan can have ([A-Za-z0-9._-]); others are not listed. */
static bool listable(const char *name)
{
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (; *name; name++)
		if (!isalnum((unsigned char)*name) && !strchr("._-", *name))
			return false;
	return true;
}

static const char *type_of(mode_t mode)
{
	return S_ISDIR(mode) ? "dir" : S_ISREG(mode) ? "file" :
		S_ISLNK(mode) ? "symlink" : "other";
}

static int cmd_list(const char *path, bool subvolumes, struct fs_error *e)
{
	struct chain c;
	struct dirent *ent;
	DIR *d;
	int copy;

	if (chain_open(path, 0, &c, e)) {
		if (e->kind == FS_ERR_ERRNO && e->err == ENOENT &&
		    strcmp(e->path, path) == 0) {
			/* Nothing made there yet: nothing to list. */
			e->kind = FS_ERR_NONE;
			return ok_line(path, "missing", true);
		}
		return -1;
	}
	copy = dup(c.fd);
	d = copy >= 0 ? fdopendir(copy) : NULL;
	if (!d) {
		fs_fail(e, FS_ERR_ERRNO, "open", c.path, errno);
		chain_close(&c);
		return -1;
	}
	while ((ent = readdir(d)) != NULL) {
		struct stat st;
		struct line l;

		if (!listable(ent->d_name) ||
		    fstatat(c.fd, ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		line_begin(&l);
		line_str(&l, "entry", ent->d_name);
		line_str(&l, "type", type_of(st.st_mode));
		line_u64(&l, "owner", st.st_uid);
		if (subvolumes && S_ISDIR(st.st_mode)) {
			struct fs_error ignored = { .kind = FS_ERR_NONE };
			int fd = openat(c.fd, ent->d_name, O_RDONLY |
					O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			uint64_t id;

			if (fd >= 0 && subvolume_id(fd, ent->d_name, &id,
						    &ignored) == 0)
				line_u64(&l, "subvolumeId", id);
			if (fd >= 0)
				close(fd);
		}
		(void)line_end(&l);
	}
	closedir(d);
	ok_line(c.path, NULL, false);
	chain_close(&c);
	return 0;
}

static bool single_name(const char *name)
{
	return plain_relative(name) && !strchr(name, '/');
}

/* A run's folder (an export, an image run folder): only a real folder of
 * the user this runs as, never a link; or a subvolume of a given id. */
static int cmd_remove(const char *path, const char *name, const char *id_text,
		      struct fs_error *e)
{
	char where[PATH_MAX];
	struct chain c;
	struct stat st;
	int r = 0;

	if (!single_name(name))
		return fs_failf(e, FS_ERR_INPUT, name, "not a plain file name");
	if (chain_open(path, 0, &c, e))
		return -1;
	path_join(where, sizeof(where), c.path, name);
	if (id_text) {
		char *end;
		unsigned long long id = strtoull(id_text, &end, 10);

		if (*end || !id_text[0])
			r = fs_failf(e, FS_ERR_INPUT, id_text, "not a subvolume id");
		else
			r = destroy_checked(c.fd, c.path, name, id, e);
	} else if (fstatat(c.fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno != ENOENT)
			r = fs_fail(e, FS_ERR_ERRNO, "stat", where, errno);
		else
			id_text = "missing";
	} else if (S_ISLNK(st.st_mode)) {
		r = fs_failf(e, FS_ERR_NOT_OURS, where, "a symbolic link");
	} else if (!S_ISDIR(st.st_mode)) {
		r = fs_failf(e, FS_ERR_NOT_OURS, where, "not a folder");
	} else if (st.st_uid != geteuid()) {
		r = fs_failf(e, FS_ERR_NOT_OURS, where, "owned by uid %u",
			     (unsigned)st.st_uid);
	} else {
		r = remove_tree(c.fd, name, where, (const volatile int *)&fsops_stop, e);
	}
	if (r == 0)
		ok_line(where, "missing", id_text && strcmp(id_text, "missing") == 0);
	chain_close(&c);
	return r;
}

static int cmd_snapshot(const char *source, const char *path, const char *name,
			struct fs_error *e)
{
	struct chain c;
	struct line l;
	uint64_t id;
	int r;

	if (!single_name(name))
		return fs_failf(e, FS_ERR_INPUT, name, "not a plain file name");
	if (chain_open(path, CHAIN_CREATE, &c, e))
		return -1;
	r = snapshot_readonly(source, c.fd, c.path, name, &id, e);
	if (r == 0) {
		char where[PATH_MAX];

		path_join(where, sizeof(where), c.path, name);
		line_begin(&l);
		line_bool(&l, "ok", true);
		line_str(&l, "path", where);
		line_u64(&l, "subvolumeId", id);
		(void)line_end(&l);
	}
	chain_close(&c);
	return r;
}

static int dispatch(int argc, char **argv, struct fs_error *e)
{
	const char *cmd = argv[1];
	int n = argc - 2;
	char **a = argv + 2;

	if (strcmp(cmd, "check") == 0 && (n == 1 || (n == 2 && strcmp(a[1], "--probe") == 0)))
		return cmd_check(a[0], n == 2, e);
	if (strcmp(cmd, "mkdir") == 0 && n == 1)
		return cmd_mkdir(a[0], e);
	if (strcmp(cmd, "list") == 0 && (n == 1 || (n == 2 && strcmp(a[1], "--subvolumes") == 0)))
		return cmd_list(a[0], n == 2, e);
	if (strcmp(cmd, "remove") == 0 && n == 2)
		return cmd_remove(a[0], a[1], NULL, e);
	if (strcmp(cmd, "remove") == 0 && n == 4 && strcmp(a[2], "--subvolume-id") == 0)
		return cmd_remove(a[0], a[1], a[3], e);
	if (strcmp(cmd, "snapshot") == 0 && n == 3)
		return cmd_snapshot(a[0], a[1], a[2], e);
	if (strcmp(cmd, "export") == 0 && n == 2)
		return export_session(a[0], a[1], e);
	return -2;
}

int main(int argc, char **argv)
{
	struct fs_error e = { .kind = FS_ERR_NONE };
	int r;

	if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return FSOPS_EXIT_OK;
	}
	if (argc < 3) {
		usage(stderr);
		return FSOPS_EXIT_USAGE;
	}
	install_handlers();
	r = dispatch(argc, argv, &e);
	if (r == -2) {
		usage(stderr);
		return FSOPS_EXIT_USAGE;
	}
	if (r == 0)
		return FSOPS_EXIT_OK;
	if (e.kind == FS_ERR_NONE)
		fs_failf(&e, FS_ERR_INPUT, "", "failed without a reason");
	print_error(&e);
	return e.kind == FS_ERR_CANCELLED ? FSOPS_EXIT_CANCELLED : FSOPS_EXIT_FAILED;
}
