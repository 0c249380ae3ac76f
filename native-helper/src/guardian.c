#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "audit.h"
#include "clock.h"
#include "guardian.h"
#include "protect.h"

struct gentry {
	bool used;
	bool confirmed;
	int fd;
	uint64_t token;
	uint64_t added;		/* ADD order: thaw last-added first */
	int64_t deadline;	/* unconfirmed: the earliest it can be */
	int64_t frozen_at;
	int64_t retry_at;	/* unconfirmed, overdue: next FITHAW */
	bool has_backing;
	bool thawing;
	struct sb_id backing;
	struct ff_mount mount;
};

/* Guardian process only (the helper's copy of this array stays unused). */
static struct gentry ents[GUARD_MAX];
static uint64_t add_count;
static pid_t helper_pid;

/* When to act on e: its deadline plus the grace. An unconfirmed entry's
 * deadline is the earliest its freeze can have (ADD time + timeoutMs);
 * once past, it is looked at again every GUARD_RETRY_NS. */
static int64_t overdue_at(const struct gentry *e)
{
	int64_t t;

	if (!e->used || e->deadline > INT64_MAX - GUARD_GRACE_NS)
		return INT64_MAX;
	t = e->deadline + GUARD_GRACE_NS;
	return !e->confirmed && e->retry_at > t ? e->retry_at : t;
}

/* The helper is stopped (SIGSTOP, a tracer): its worker's FIFREEZE may
 * have returned, but nobody runs to confirm it, to thaw it at its
 * deadline, or to read the lease. Read from /proc/PID/stat. */
static bool helper_stopped(void)
{
	char path[32], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)helper_pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'T' || p[2] == 't');
}

static struct gentry *find(uint64_t token)
{
	int i;

	for (i = 0; i < GUARD_MAX; i++) {
		if (ents[i].used && ents[i].token == token)
			return &ents[i];
	}
	return NULL;
}

static void drop(struct gentry *e)
{
	close(e->fd);
	e->used = false;
}

static struct gentry *by_sb(struct sb_id sb)
{
	int i;

	for (i = 0; i < GUARD_MAX; i++) {
		if (ents[i].used && sb_eq(ents[i].mount.sb, sb))
			return &ents[i];
	}
	return NULL;
}

/* Thaw e, after the entry holding its loop device's backing file: e's
 * FITHAW writes through the loop device, and would wait forever on a
 * backing filesystem that only this process would thaw. With retry, an
 * unconfirmed entry whose FITHAW finds nothing frozen stays for another
 * try: its stopped helper's FIFREEZE may not have taken hold yet. */
static void thaw(struct gentry *e, int64_t now, bool retry)
{
	struct gentry *b;
	const char *note = NULL;
	int err = 0;

	e->thawing = true;	/* a cycle (never expected) ends here */
	if (e->has_backing && (b = by_sb(e->backing)) && !b->thawing)
		thaw(b, now, retry);

	if (ioctl(e->fd, FITHAW, 0) < 0)
		err = errno;
	if (err == EINVAL && retry && !e->confirmed) {
		e->thawing = false;
		e->retry_at = now + GUARD_RETRY_NS;
		return;
	}
	if (err)
		note = err == EINVAL ? "alreadyThawed" : strerrorname_np(err);
	audit_log("thaw", &e->mount, "guardian",
		  e->confirmed ? ms_between(e->frozen_at, now) : -1, note);
	drop(e);
}

/* An unconfirmed entry past its earliest deadline + grace: its FIFREEZE
 * is in flight, or returned while the helper could not confirm it. Only a
 * stopped helper is presumed stuck: a running one confirms (or drops) as
 * soon as its FIFREEZE returns, however long the sync takes, and a FITHAW
 * now would wait for that FIFREEZE and undo it. */
static void thaw_unconfirmed(struct gentry *e, int64_t now)
{
	if (helper_stopped())
		thaw(e, now, true);
	else
		e->retry_at = now + GUARD_RETRY_NS;
}

/* The helper is gone: thaw everything, confirmed or not, newest first. */
static __attribute__((noreturn)) void thaw_all_and_exit(void)
{
	int64_t now = boot_ns();

	for (;;) {
		struct gentry *last = NULL;
		int i;

		for (i = 0; i < GUARD_MAX; i++) {
			if (ents[i].used && (!last || ents[i].added > last->added))
				last = &ents[i];
		}
		if (!last)
			_exit(0);
		thaw(last, now, false);
	}
}

static void reply_ack(int sock, uint64_t token, int status)
{
	struct gmsg ack = { .type = G_ACK, .status = status, .token = token };

	/* Never block: a helper that does not read its ACKs times out and
	 * replaces this guardian, which then gets a SIGKILL, not an EOF. */
	if (send(sock, &ack, sizeof(ack), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
	    errno == EPIPE)
		thaw_all_and_exit();
}

static int received_fd(struct msghdr *mh)
{
	struct cmsghdr *c = CMSG_FIRSTHDR(mh);
	int fd;

	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static void on_add(int sock, const struct gmsg_add *m, int fd)
{
	int i;

	if (fd < 0) {
		reply_ack(sock, m->h.token, EBADF);
		return;
	}
	for (i = 0; i < GUARD_MAX && ents[i].used; i++)
		;
	if (i == GUARD_MAX) {
		close(fd);
		reply_ack(sock, m->h.token, ENOSPC);
		return;
	}
	ents[i].used = true;
	ents[i].confirmed = false;
	ents[i].fd = fd;
	ents[i].token = m->h.token;
	ents[i].added = ++add_count;
	ents[i].deadline = m->h.deadline;
	ents[i].frozen_at = 0;
	ents[i].retry_at = 0;
	ents[i].has_backing = m->has_backing != 0;
	ents[i].thawing = false;
	ents[i].backing = m->backing;
	memcpy(&ents[i].mount, &m->mount, sizeof(ents[i].mount));
	ents[i].mount.path[sizeof(ents[i].mount.path) - 1] = '\0';
	reply_ack(sock, m->h.token, 0);
}

static void on_message(int sock, const struct gmsg_add *m, size_t n, int fd)
{
	struct gentry *e = find(m->h.token);

	if (m->h.type == G_ADD && n == sizeof(*m)) {
		on_add(sock, m, fd);
		return;
	}
	if (fd >= 0)
		close(fd);
	if (!e || n != sizeof(m->h))
		return;			/* already thawed here, or garbage */
	switch (m->h.type) {
	case G_CONFIRM:
		e->confirmed = true;
		e->frozen_at = m->h.frozen_at;
		e->deadline = m->h.deadline;
		break;
	case G_UPDATE:
		e->deadline = m->h.deadline;
		break;
	case G_DROP:
		drop(e);
		break;
	}
}

/* Read every message waiting; EOF or a dead socket ends the guardian. */
static void read_socket(int sock)
{
	static struct gmsg_add m;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;

	for (;;) {
		struct iovec iov = { &m, sizeof(m) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctl.buf,
				     .msg_controllen = sizeof(ctl.buf) };
		ssize_t n = recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0)
			thaw_all_and_exit();
		on_message(sock, &m, (size_t)n, received_fd(&mh));
	}
}

/* The helper is alive but has let a deadline pass by more than the grace:
 * it is stuck (stopped, or its thread starved); thaw on its behalf. */
static void thaw_overdue(int64_t now)
{
	int i;

	for (i = 0; i < GUARD_MAX; i++) {
		if (overdue_at(&ents[i]) > now)
			continue;
		if (ents[i].confirmed)
			thaw(&ents[i], now, false);
		else
			thaw_unconfirmed(&ents[i], now);
	}
}

static void arm(int tfd)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	int64_t next = INT64_MAX;
	int i;

	for (i = 0; i < GUARD_MAX; i++) {
		if (overdue_at(&ents[i]) < next)
			next = overdue_at(&ents[i]);
	}
	if (next != INT64_MAX) {
		its.it_value.tv_sec = next / NS_PER_SEC;
		its.it_value.tv_nsec = next % NS_PER_SEC;
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;
	}
	timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Keep only the socket; 0-2 point at /dev/null. Reset the signal state
 * the helper set up for its signalfd. */
static void detach(int sock)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t all;
	int fd;

	setsid();
	if (sock != 3) {
		if (dup2(sock, 3) < 0)
			_exit(1);
	}
	close_range(4, ~0U, 0);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	sigemptyset(&all);
	sigaction(SIGTERM, &dfl, NULL);
	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGHUP, &dfl, NULL);
	sigaction(SIGCHLD, &dfl, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_SETMASK, &all, NULL);
	prctl(PR_SET_NAME, "ff-guardian", 0, 0, 0);
	audit_reset();
}

void guardian_main(int sock)
{
	struct pollfd p[2];
	int tfd;

	helper_pid = getppid();
	detach(sock);
	sock = 3;
	/* Best effort: there is nobody to report a failure to. */
	protect_oom();
	lock_memory();
	tfd = timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC | TFD_NONBLOCK);
	if (tfd < 0)
		_exit(1);
	for (;;) {
		uint64_t ticks;

		arm(tfd);
		p[0] = (struct pollfd){ sock, POLLIN, 0 };
		p[1] = (struct pollfd){ tfd, POLLIN, 0 };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			thaw_all_and_exit();
		}
		if (p[0].revents)
			read_socket(sock);
		if (p[1].revents && read(tfd, &ticks, sizeof(ticks)) < 0 &&
		    errno != EAGAIN)
			thaw_all_and_exit();
		thaw_overdue(boot_ns());
	}
}
