/*
 * freezeframe-clone as a process, built under the sanitizers (CLONE_BIN):
 * usage, the final JSON line and the progress rate, O_EXCL, the exit code
 * of each failure class, and SIGTERM removing the half-written target.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define MiB		(1024L * 1024L)
#define BIG_SIZE	(256 * MiB)
#define NOBODY		65534

static char dir[256];
/* CLONE_BIN copied into dir: nobody may not traverse the checkout (a
 * clone in /root, or in a 0750 home), but may run this copy. */
static char tool[320];
static char out[1 << 16];
static size_t out_len;
static char err_path[320];
static char err[4096];

static const char *in_dir(char *buf, const char *name)
{
	snprintf(buf, 320, "%s/%s", dir, name);
	return buf;
}

static void write_file(const char *path, long size, mode_t mode)
{
	static unsigned char chunk[1 << 20];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	long off;

	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = (unsigned char)(1 + i % 253);
	for (off = 0; off < size; off += (long)sizeof(chunk)) {
		size_t n = size - off < (long)sizeof(chunk) ?
			(size_t)(size - off) : sizeof(chunk);

		if (pwrite(fd, chunk, n, off) != (ssize_t)n)
			abort();
	}
	close(fd);
}

/* Starts the tool (as uid when uid != 0 and we are root); its stdout is
 * *out_fd, its stderr the file err_path. */
static pid_t start(const char *const args[], uid_t uid, int *out_fd)
{
	const char *argv[8] = { tool };
	int pipefd[2];
	pid_t pid;
	int i;

	for (i = 0; args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	if (pipe(pipefd) != 0)
		abort();
	pid = fork();
	if (pid == 0) {
		int efd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(pipefd[1], STDOUT_FILENO);
		dup2(efd, STDERR_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		close(efd);
		if (uid != 0 && (setgroups(0, NULL) != 0 ||
				 setgid(NOBODY) != 0 || setuid(uid) != 0))
			_exit(99);
		execv(tool, (char *const *)argv);
		_exit(98);
	}
	close(pipefd[1]);
	*out_fd = pipefd[0];
	return pid;
}

/* Runs the tool to the end: its exit code (128+N for signal N), its
 * stdout in out, its stderr in err. */
static int run_as(uid_t uid, const char *const args[])
{
	int fd, status;
	ssize_t n;
	pid_t pid = start(args, uid, &fd);

	out_len = 0;
	while ((n = read(fd, out + out_len, sizeof(out) - 1 - out_len)) > 0)
		out_len += (size_t)n;
	out[out_len] = '\0';
	close(fd);
	waitpid(pid, &status, 0);
	fd = open(err_path, O_RDONLY);
	n = fd >= 0 ? read(fd, err, sizeof(err) - 1) : 0;
	err[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) :
		128 + WTERMSIG(status);
}

#define RUN(...) run_as(0, (const char *const[]){ __VA_ARGS__, NULL })

/* A failure says why in one line, named after the tool. */
static bool one_line_message(void)
{
	char *nl = strchr(err, '\n');

	return strncmp(err, "freezeframe-clone: ", 19) == 0 && nl &&
	       nl[1] == '\0';
}

static const char *last_line(void)
{
	char *p;

	if (out_len == 0)
		return "";
	out[out_len - 1] = '\0';
	p = strrchr(out, '\n');
	return p ? p + 1 : out;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_usage(void)
{
	char a[320], b[320];
	int rc;

	CHECK(run_as(0, (const char *const[]){ NULL }) == 2);
	CHECK(RUN("only-one") == 2);
	CHECK(RUN("a", "b", "c") == 2);
	CHECK(RUN("--reflink=maybe", in_dir(a, "big"), in_dir(b, "x")) == 2);
	CHECK(RUN("--reflink", in_dir(a, "big"), in_dir(b, "x")) == 2);
	CHECK(access(b, F_OK) != 0);
	CHECK(RUN("--help") == 0 && strstr(out, "Usage:") != NULL);
	/* The trial's file is removed whatever the answer (0 or 6). */
	rc = RUN("--probe", a, b);
	CHECK(rc == 0 || rc == 6);
	CHECK(access(b, F_OK) != 0);
}

static void test_copy_and_progress(void)
{
	char src[320], dst[320], want[128];
	int64_t t0 = now_ms(), ms;
	int code, lines = 0;
	size_t i;
	struct stat st;

	in_dir(src, "big");
	in_dir(dst, "big-copy");
	code = RUN("--reflink=never", src, dst);
	ms = now_ms() - t0;
	CHECK(code == 0);
	for (i = 0; i < out_len; i++)
		lines += out[i] == '\n';
	/* One line at the start, at most one per 100 ms, one at the end. */
	CHECK(lines >= 2 && lines <= 2 + ms / 100 + 1);
	CHECK(strncmp(out, "{\"done\":0,\"total\":268435456}\n", 29) == 0);
	CHECK(stat(dst, &st) == 0 && st.st_size == BIG_SIZE);
	CHECK((st.st_mode & 07777) == 0600);
	snprintf(want, sizeof(want), "{\"done\":%ld,\"total\":%ld,"
		 "\"allocated\":%ld,\"reflinked\":false}", BIG_SIZE, BIG_SIZE,
		 (long)st.st_blocks * 512);
	CHECK(strcmp(last_line(), want) == 0);

	/* O_EXCL: an existing target is refused and left as it was. */
	CHECK(RUN(src, dst) == 5);
	CHECK(one_line_message() && strstr(err, "File exists"));
	CHECK(stat(dst, &st) == 0 && st.st_size == BIG_SIZE);
	unlink(dst);
	CHECK(RUN(in_dir(src, "missing"), dst) == 5);
	CHECK(access(dst, F_OK) != 0);
}

static void test_access(void)
{
	char src[320], dst[320], sub[320];
	bool root = geteuid() == 0;
	uid_t as = root ? NOBODY : 0;

	/* A directory the tool may not write to: root's 0755 for nobody,
	 * our own 0500 for anyone else. */
	in_dir(sub, "locked");
	mkdir(sub, root ? 0755 : 0500);
	in_dir(dst, "locked/copy");
	in_dir(src, "small");
	write_file(src, 4096, 0644);
	CHECK(run_as(as, (const char *const[]){ src, dst, NULL }) == 4);
	CHECK(one_line_message() && strstr(err, "Permission denied"));
	CHECK(access(dst, F_OK) != 0);
	if (root) {
		/* A source nobody may read. */
		chmod(src, 0600);
		in_dir(dst, "copy-of-unreadable");
		CHECK(run_as(as, (const char *const[]){ src, dst, NULL }) == 4);
		CHECK(access(dst, F_OK) != 0);
	}
	unlink(src);
	rmdir(sub);
}

static void test_always_without_reflink(void)
{
	char src[320], dst[320];
	struct statfs sf;

	if (statfs(dir, &sf) != 0 || (sf.f_type != EXT4_SUPER_MAGIC &&
				      sf.f_type != TMPFS_MAGIC)) {
		fprintf(stderr, "test_clone_tool: %s may reflink; exit 6 is "
			"covered by the integration tests\n", dir);
		return;
	}
	CHECK(RUN("--reflink=always", in_dir(src, "big"),
		  in_dir(dst, "always")) == 6);
	CHECK(one_line_message() && strstr(err, "cannot reflink"));
	CHECK(access(dst, F_OK) != 0);
	CHECK(RUN("--probe", src, dst) == 6);
	CHECK(one_line_message() && strstr(err, "cannot reflink"));
	CHECK(access(dst, F_OK) != 0);
}

/*
 * Stopped after its first line, so SIGTERM lands mid-copy whatever the
 * machine's load: the target exists then, and is gone after exit 130.
 */
static void test_sigterm_removes_target(void)
{
	char src[320], dst[320], line[128] = "";
	size_t len = 0;
	int fd, status = 0;
	bool existed;
	pid_t pid;

	in_dir(src, "big");
	in_dir(dst, "cancelled");
	pid = start((const char *const[]){ "--reflink=never", src, dst, NULL },
		    0, &fd);
	while (len < sizeof(line) - 1 && read(fd, line + len, 1) == 1 &&
	       line[len++] != '\n')
		;
	kill(pid, SIGSTOP);
	existed = access(dst, F_OK) == 0;
	kill(pid, SIGTERM);
	kill(pid, SIGCONT);
	waitpid(pid, &status, 0);
	close(fd);
	CHECK(strcmp(line, "{\"done\":0,\"total\":268435456}\n") == 0);
	CHECK(existed);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 130);
	CHECK(access(dst, F_OK) != 0 && errno == ENOENT);
}

static int copy_tool(void)
{
	static char buf[1 << 16];
	int in = open(CLONE_BIN, O_RDONLY | O_CLOEXEC);
	int out_fd = open(in_dir(tool, "freezeframe-clone"),
			  O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	ssize_t n = 0;

	while (in >= 0 && out_fd >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out_fd, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	if (in >= 0)
		close(in);
	if (out_fd >= 0 && close(out_fd) != 0)
		n = -1;
	return in < 0 || out_fd < 0 || n < 0 ? -1 : 0;
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char big[320];

	snprintf(dir, sizeof(dir), "%s/ffclone-tool-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir) || chmod(dir, 0755) != 0) {
		perror("mkdtemp");
		return 1;
	}
	in_dir(err_path, "stderr");
	if (copy_tool() != 0) {
		perror("copying " CLONE_BIN);
		return 1;
	}
	write_file(in_dir(big, "big"), BIG_SIZE, 0644);
	test_usage();
	test_copy_and_progress();
	test_access();
	test_always_without_reflink();
	test_sigterm_removes_target();
	unlink(big);
	unlink(err_path);
	unlink(tool);
	if (rmdir(dir) != 0)
		fprintf(stderr, "test_clone_tool: %s left: %s\n", dir,
			strerror(errno));
	return check_done();
}
