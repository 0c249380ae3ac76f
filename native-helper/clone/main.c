/*
 * freezeframe-clone: copies a loop device's backing file while the
 * filesystem on it is frozen, as the user, never elevated. It never
 * overwrites (the target is created with O_EXCL), leaves no partial target
 * behind on failure or SIGTERM, and does not fsync: the copy runs inside a
 * hold window, and the app syncs after the thaw.
 *
 * stdout: JSON progress lines, at most one every 100 ms, then a final one
 * with the allocated size and whether the copy shares extents (reflink).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "copy.h"

#define PROGRESS_NS	100000000LL

static const char *dst_path;
/* Set only with the cancel signals blocked: the handler removes the
 * target only once it is ours. */
static volatile sig_atomic_t dst_created;

static void usage(FILE *f)
{
	fputs("Usage: freezeframe-clone [--reflink=auto|always|never] SRC DST\n"
	      "       freezeframe-clone --probe SRC DST\n\n"
	      "Copies SRC to the new file DST (never overwrites): a reflink "
	      "where the\nfilesystem can share extents, else a sparse copy of "
	      "the data extents.\nProgress as JSON lines on stdout. Exit: 0 ok, "
	      "2 usage, 3 no space,\n4 permission, 5 I/O error, 6 reflink "
	      "required but not possible,\n130 cancelled (DST removed).\n"
	      "--probe: exit 0 if DST's directory can share SRC's extents, "
	      "6 if not;\nDST is created for the trial and removed.\n", f);
}

static void on_cancel(int sig)
{
	(void)sig;
	if (dst_created)
		(void)unlink(dst_path);
	_exit(CLONE_EXIT_CANCELLED);
}

static void cancel_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

static void install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_cancel;
	cancel_signals(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A parent gone away shows up as EPIPE on the next progress line. */
	signal(SIGPIPE, SIG_IGN);
}

/* Removes the target we created, without racing the handler. */
static void remove_target(void)
{
	sigset_t set, old;

	cancel_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	if (dst_created) {
		dst_created = 0;
		(void)unlink(dst_path);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct progress {
	int64_t last_ns;
	bool quiet;	/* stdout is unusable: keep copying, say nothing */
};

static void emit(struct progress *p, const char *line, int len)
{
	while (!p->quiet && len > 0) {
		ssize_t n = write(STDOUT_FILENO, line, (size_t)len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE) {
			/* Nobody will collect the copy: cancel it. */
			remove_target();
			_exit(CLONE_EXIT_CANCELLED);
		}
		if (n < 0) {
			p->quiet = true;
			return;
		}
		line += n;
		len -= (int)n;
	}
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;
	int64_t t = now_ns();
	char line[96];
	int len;

	if (t - p->last_ns < PROGRESS_NS)
		return;
	p->last_ns = t;
	len = snprintf(line, sizeof(line),
		       "{\"done\":%" PRIu64 ",\"total\":%" PRIu64 "}\n",
		       done, total);
	emit(p, line, len);
}

static int failed(const char *what, int err, int code)
{
	fprintf(stderr, "freezeframe-clone: %s: %s\n", what, strerror(err));
	return code;
}

static int open_target(const char *path, int *fd)
{
	sigset_t set, old;
	int err;

	cancel_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	*fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY,
		   0600);
	err = errno;
	if (*fd >= 0)
		dst_created = 1;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return *fd >= 0 ? 0 : err;
}

/* A trial reflink of the first extent into DST, which is then removed. */
static int probe(int src, uint64_t size, const char *src_path)
{
	struct clone_result res;
	enum clone_status st;
	int dst, err = open_target(dst_path, &dst);

	if (err)
		return failed(dst_path, err, clone_exit_code(err));
	st = clone_probe(src, dst, size, &res);
	close(dst);
	remove_target();
	if (st == CLONE_OK)
		return CLONE_EXIT_OK;
	fprintf(stderr, "freezeframe-clone: cannot reflink %s to %s: %s\n",
		src_path, dst_path, strerror(res.err));
	return st == CLONE_NO_REFLINK ? CLONE_EXIT_NOREFLINK :
		clone_exit_code(res.err);
}

static int run(const char *src_path, enum clone_reflink reflink,
	       bool probe_only)
{
	struct progress prog = { .last_ns = 0 };
	struct clone_result res;
	struct clone_job job = { .reflink = reflink, .progress = on_progress,
				 .ctx = &prog };
	enum clone_status st;
	struct stat sst, dst_st, closed_st;
	char line[192];
	int err, len;

	job.src = open(src_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (job.src < 0)
		return failed(src_path, errno, clone_exit_code(errno));
	if (fstat(job.src, &sst) != 0)
		return failed(src_path, errno, clone_exit_code(errno));
	if (!S_ISREG(sst.st_mode)) {
		fprintf(stderr, "freezeframe-clone: %s: not a regular file\n",
			src_path);
		return CLONE_EXIT_IO;
	}
	job.size = (uint64_t)sst.st_size;
	if (probe_only)
		return probe(job.src, job.size, src_path);
	err = open_target(dst_path, &job.dst);
	if (err)
		return failed(dst_path, err, clone_exit_code(err));
	on_progress(&prog, 0, job.size);

	st = clone_copy(&job, &res);
	if (st == CLONE_OK && fstat(job.dst, &dst_st) != 0) {
		st = CLONE_FAILED;
		res.op = "fstat";
		res.err = errno;
	}
	/* close() is where NFS and FUSE report a failed write-back. */
	if (close(job.dst) != 0 && st == CLONE_OK) {
		st = CLONE_FAILED;
		res.op = "close";
		res.err = errno;
	}
	if (st != CLONE_OK)
		remove_target();
	/* xfs trims its speculative preallocation past EOF at close: the
	 * size on disk is the one after close, if the file is still ours. */
	else if (stat(dst_path, &closed_st) == 0 &&
		 closed_st.st_ino == dst_st.st_ino &&
		 closed_st.st_dev == dst_st.st_dev)
		dst_st.st_blocks = closed_st.st_blocks;
	switch (st) {
	case CLONE_OK:
		break;
	case CLONE_NO_REFLINK:
		fprintf(stderr, "freezeframe-clone: cannot reflink %s to %s: "
			"%s\n", src_path, dst_path, strerror(res.err));
		return CLONE_EXIT_NOREFLINK;
	case CLONE_CHANGED:
		fprintf(stderr, "freezeframe-clone: %s: changed size while it "
			"was copied (is it frozen?)\n", src_path);
		return CLONE_EXIT_IO;
	case CLONE_FAILED:
	default:
		fprintf(stderr, "freezeframe-clone: %s %s -> %s: %s\n", res.op,
			src_path, dst_path, strerror(res.err));
		return clone_exit_code(res.err);
	}
	len = snprintf(line, sizeof(line),
		       "{\"done\":%" PRIu64 ",\"total\":%" PRIu64
		       ",\"allocated\":%" PRIu64 ",\"reflinked\":%s}\n",
		       job.size, job.size, (uint64_t)dst_st.st_blocks * 512,
		       res.reflinked ? "true" : "false");
	prog.last_ns = 0;
	emit(&prog, line, len);
	return CLONE_EXIT_OK;
}

int main(int argc, char **argv)
{
	enum clone_reflink reflink = REFLINK_AUTO;
	bool probe_only = false;
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(arg, "--help") == 0) {
			usage(stdout);
			return CLONE_EXIT_OK;
		}
		if (strcmp(arg, "--probe") == 0) {
			probe_only = true;
			continue;
		}
		if (strncmp(arg, "--reflink=", 10) != 0 ||
		    !clone_parse_reflink(arg + 10, &reflink)) {
			fprintf(stderr, "freezeframe-clone: bad option '%s'\n",
				arg);
			usage(stderr);
			return CLONE_EXIT_USAGE;
		}
	}
	if (argc - i != 2 || !argv[i][0] || !argv[i + 1][0]) {
		usage(stderr);
		return CLONE_EXIT_USAGE;
	}
	dst_path = argv[i + 1];
	install_handlers();
	return run(argv[i], reflink, probe_only);
}
