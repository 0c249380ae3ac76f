/*
 * freezeframe-fsops: SHA-256 against known answers (in odd pieces, so the
 * buffering and the SHA extensions path are both exercised); the folder
 * chain's rules (another user's folder, a group-writable one, a sticky one,
 * links in safe and unsafe places, making missing folders); removing a
 * tree without following a link; and the tool as a process (FSOPS_BIN,
 * under the sanitizers): an export session, a cancel in the middle, an
 * app that goes away before publishing. The ownership cases need root.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chain.h"
#include "check.h"
#include "sha256.h"
#include "tree.h"

#define NOBODY	65534

static char dir[256];

static const char *at(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void hex_of(const void *data, size_t len, size_t piece, char out[65])
{
	struct sha256 h;
	const unsigned char *p = data;

	sha256_init(&h);
	while (len > 0) {
		size_t n = piece && piece < len ? piece : len;

		sha256_update(&h, p, n);
		p += n;
		len -= n;
	}
	sha256_hex(&h, out);
}

static void test_sha256(void)
{
	static unsigned char million[1000000];
	char hex[65], again[65];
	size_t pieces[] = { 0, 1, 7, 63, 64, 65, 4096, 99991 };

	hex_of("", 0, 0, hex);
	CHECK(strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
	hex_of("abc", 3, 0, hex);
	CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
	hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, 0, hex);
	CHECK(strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") == 0);
	memset(million, 'a', sizeof(million));
	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		hex_of(million, sizeof(million), pieces[i], hex);
		CHECK(strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0);
	}
	for (size_t i = 0; i < sizeof(million); i++)
		million[i] = (unsigned char)(i * 2654435761u >> 13);
	hex_of(million, 123457, 0, hex);
	hex_of(million, 123457, 1000, again);
	CHECK(strcmp(hex, again) == 0);
}

static int open_chain(const char *path, unsigned flags, struct fs_error *e)
{
	struct chain c;

	memset(e, 0, sizeof(*e));
	if (chain_open(path, flags, &c, e))
		return -1;
	chain_close(&c);
	return 0;
}

static void test_chain(bool root)
{
	struct fs_error e;

	mkdir(at("private"), 0755);
	CHECK(open_chain(at("private"), 0, &e) == 0);
	CHECK(open_chain(at("private/new/deeper"), 0, &e) == -1 &&
	      e.kind == FS_ERR_ERRNO && e.err == ENOENT);
	CHECK(open_chain(at("private/new/deeper"), CHAIN_CREATE, &e) == 0);
	{
		struct stat st;

		CHECK(stat(at("private/new/deeper"), &st) == 0 &&
		      (st.st_mode & 0777) == 0700);
	}
	mkdir(at("group"), 0775);
	chmod(at("group"), 0775);
	mkdir(at("group/inside"), 0700);
	CHECK(open_chain(at("group/inside"), 0, &e) == -1 &&
	      e.kind == FS_ERR_UNSAFE && strcmp(e.path, at("group")) == 0 &&
	      strcmp(e.why, "group") == 0);
	CHECK(open_chain(at("group"), 0, &e) == -1 && e.kind == FS_ERR_UNSAFE);
	CHECK(symlink("private", at("link")) == 0);
	CHECK(open_chain(at("link/new"), 0, &e) == 0);
	/* A link whose target is unsafe is as unsafe as its target. */
	CHECK(symlink("group/inside", at("link-to-group")) == 0);
	CHECK(open_chain(at("link-to-group"), 0, &e) == -1 &&
	      e.kind == FS_ERR_UNSAFE && strcmp(e.path, at("group")) == 0);
	CHECK(open_chain(at("private/new/deeper/../../new"), 0, &e) == 0);
	if (!root)
		return;
	mkdir(at("theirs"), 0755);
	CHECK(chown(at("theirs"), NOBODY, NOBODY) == 0);
	mkdir(at("theirs/sub"), 0700);
	CHECK(open_chain(at("theirs/sub"), 0, &e) == -1 &&
	      e.kind == FS_ERR_UNSAFE && strcmp(e.path, at("theirs")) == 0 &&
	      e.owner == NOBODY);
	CHECK(open_chain(at("theirs/made"), CHAIN_CREATE, &e) == -1 &&
	      e.kind == FS_ERR_UNSAFE && !exists(at("theirs/made")));
	/* Their link, in their folder, to our private folder: refused. */
	CHECK(symlink(at("private"), at("theirs/link")) == 0);
	CHECK(open_chain(at("theirs/link/new"), 0, &e) == -1 &&
	      e.kind == FS_ERR_UNSAFE && strcmp(e.path, at("theirs")) == 0);
	/* Sticky, like /tmp: our entry passes, theirs does not. */
	mkdir(at("sticky"), 01777);
	chmod(at("sticky"), 01777);
	mkdir(at("sticky/ours"), 0700);
	mkdir(at("sticky/planted"), 0700);
	CHECK(chown(at("sticky/planted"), NOBODY, NOBODY) == 0);
	CHECK(open_chain(at("sticky/ours"), 0, &e) == 0);
	CHECK(open_chain(at("sticky/planted"), 0, &e) == -1 &&
	      e.kind == FS_ERR_UNSAFE && strcmp(e.path, at("sticky/planted")) == 0);
	CHECK(open_chain(at("sticky/fresh"), CHAIN_CREATE, &e) == 0);
	/* The folder itself may not be writable by others, sticky or not. */
	CHECK(open_chain(at("sticky"), 0, &e) == -1 && e.kind == FS_ERR_UNSAFE);
}

/* As a user (nobody), the rules are the same with "another user" being
 * anyone but root and nobody: run in a child that drops to nobody. */
static void test_chain_as_user(void)
{
	int status;
	pid_t pid;

	mkdir(at("user-home"), 0755);
	CHECK(chown(at("user-home"), NOBODY, NOBODY) == 0);
	mkdir(at("other-user"), 0755);
	CHECK(chown(at("other-user"), 1000, 1000) == 0);
	mkdir(at("user-home/sub"), 0755);
	CHECK(chown(at("user-home/sub"), NOBODY, NOBODY) == 0);
	pid = fork();
	if (pid == 0) {
		struct fs_error e;
		int bad = 0;

		if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
			_exit(99);
		/* Its own folder below root's: fine. */
		bad += open_chain(at("user-home/sub"), 0, &e) != 0;
		bad += open_chain(at("user-home/made"), CHAIN_CREATE, &e) != 0;
		/* Another user's: refused, naming it. */
		bad += !(open_chain(at("other-user"), 0, &e) == -1 && e.kind == FS_ERR_UNSAFE &&
			 strcmp(e.path, at("other-user")) == 0 && e.owner == 1000);
		_exit(bad);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_remove_tree(void)
{
	static const volatile int never;
	struct fs_error e = { .kind = FS_ERR_NONE };
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	mkdir(at("outside"), 0700);
	close(open(at("outside/keep"), O_WRONLY | O_CREAT, 0600));
	mkdir(at("tree"), 0700);
	mkdir(at("tree/a"), 0700);
	close(open(at("tree/a/file"), O_WRONLY | O_CREAT, 0600));
	CHECK(symlink(at("outside"), at("tree/a/link")) == 0);
	CHECK(remove_tree(fd, "tree", at("tree"), &never, &e) == 0);
	CHECK(!exists(at("tree")));
	CHECK(exists(at("outside/keep")));
	close(fd);
}

/* Runs the tool with `input` on its stdin; `stop_after_ms` >= 0 sends it
 * SIGTERM then (stdin kept open). Returns the exit status. */
static int tool(const char *const args[], const char *input, size_t len,
		int stop_after_ms)
{
	const char *argv[8] = { FSOPS_BIN };
	int in[2], status;
	pid_t pid;

	for (int i = 0; args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	if (pipe(in) != 0)
		abort();
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(in[0], STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		close(in[0]);
		close(in[1]);
		execv(FSOPS_BIN, (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	if (len && write(in[1], input, len) != (ssize_t)len)
		abort();
	if (stop_after_ms >= 0) {
		usleep((useconds_t)stop_after_ms * 1000);
		kill(pid, SIGTERM);
	}
	close(in[1]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_tool(void)
{
	static const char whole[] = "text\0a.txt\0" "3\0" "abc" "publish";
	static const char unfinished[] = "text\0a.txt\0" "3\0" "abc";
	const char *dest = at("exports");
	const char *args[] = { "export", dest, "run1", NULL };
	const char *args2[] = { "export", dest, "run2", NULL };
	const char *args3[] = { "export", dest, "run3", NULL };

	CHECK(tool(args, whole, sizeof(whole), -1) == 0);
	CHECK(exists(at("exports/run1/a.txt")) && !exists(at("exports/run1.partial")));
	/* Never over an existing export. */
	CHECK(tool(args, whole, sizeof(whole), -1) == 1);
	/* The app goes away before publishing: the partial folder goes. */
	CHECK(tool(args2, unfinished, sizeof(unfinished) - 1, -1) == 130);
	CHECK(!exists(at("exports/run2.partial")) && !exists(at("exports/run2")));
	/* A cancel while waiting for the next record. */
	CHECK(tool(args3, unfinished, sizeof(unfinished) - 1, 300) == 130);
	CHECK(!exists(at("exports/run3.partial")) && !exists(at("exports/run3")));
}

int main(void)
{
	bool root = geteuid() == 0;

	snprintf(dir, sizeof(dir), "/tmp/ff-fsops-test-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	chmod(dir, 0755);
	test_sha256();
	test_chain(root);
	if (root)
		test_chain_as_user();
	test_remove_tree();
	test_tool();
	{
		static const volatile int never;
		struct fs_error e = { .kind = FS_ERR_NONE };
		int fd = open("/tmp", O_RDONLY | O_DIRECTORY);

		remove_tree(fd, dir + 5, dir, &never, &e);
		close(fd);
	}
	if (!root)
		printf("(not root: the cases of another user's folders were skipped) ");
	return check_done();
}
