#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "glink.h"
#include "held.h"
#include "input.h"
#include "loop.h"
#include "ops.h"
#include "output.h"
#include "reply.h"
#include "target.h"
#include "worker.h"

/* The loop's own state. */
static struct {
	int tfd;			/* CLOCK_BOOTTIME timerfd */
	int sfd;			/* signalfd */
	int wfd;			/* worker completions */
	int64_t tfd_armed;		/* its expiry (INT64_MAX: off); -1:
					 * fired, or not known */
	int64_t lease_deadline;
	bool warned;			/* lease-warning sent this silence */
	bool lease_expired;		/* until the next line */
	int64_t guardian_retry_at;
} L;

int64_t loop_lease_deadline(void)
{
	return L.lease_deadline;
}

void loop_lease_renew(int64_t now)
{
	L.lease_deadline = now + cfg.lease_ms * NS_PER_MS;
	L.warned = false;
	L.lease_expired = false;
	ops_lease_renewed();
}

void loop_exit(const char *reason, int status)
{
	ops_thaw_everything(reason);
	/* A client that closed stdin may still read; do not wait long. */
	out_drain(strcmp(reason, "client-gone") == 0 ? 200 : 1000);
	out_restore();
	input_restore();
	_exit(status);
}

static void check_lease(int64_t now)
{
	int64_t warn_at = L.lease_deadline - cfg.lease_ms * NS_PER_MS / 2;

	if (L.lease_expired)
		return;
	if (now >= L.lease_deadline) {
		/* Lines waiting unread because our queue is full are a live
		 * client, not a silent one. */
		if (input_backlogged()) {
			loop_lease_renew(now);
			return;
		}
		L.lease_expired = true;
		ops_thaw_everything(REASON_LEASE);
		return;
	}
	if (!L.warned && now >= warn_at) {
		L.warned = true;
		event_lease_warning(L.lease_deadline, now);
	}
}

static int64_t next_wakeup(void)
{
	int64_t next = held_next_deadline(), t;

	t = ops_next_wakeup();
	if (t < next)
		next = t;
	if (!L.lease_expired) {
		t = L.warned ? L.lease_deadline :
			       L.lease_deadline - cfg.lease_ms * NS_PER_MS / 2;
		if (t < next)
			next = t;
	}
	if (glink_needs_replace() && L.guardian_retry_at < next)
		next = L.guardian_retry_at;
	return next;
}

/* Set the timer only when the next wakeup comes sooner than it is set
 * for. Every line moves the lease later: a timer left set earlier fires
 * early, the turn finds nothing due, and sets it again (tfd_armed -1). */
static void arm_timer(void)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	int64_t next = next_wakeup();

	if (next != INT64_MAX && next < 1)
		next = 1;
	if (L.tfd_armed >= 0 && next >= L.tfd_armed)
		return;
	if (next != INT64_MAX) {
		its.it_value.tv_sec = next / NS_PER_SEC;
		its.it_value.tv_nsec = next % NS_PER_SEC;
	}
	L.tfd_armed = next;
	if (timerfd_settime(L.tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
		L.tfd_armed = -1;
		out_diag("timerfd_settime failed: %s", strerror(errno));
	}
}

static void on_signals(void)
{
	struct signalfd_siginfo si;

	while (read(L.sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			glink_reap();
		else
			loop_exit("signal", 0);
	}
}

static void on_guardian(void)
{
	uint64_t token;
	int status, rc;

	while ((rc = glink_recv(&token, &status)) > 0)
		ops_guardian_ack(token, status);
}

/* Replace a dead or unresponsive guardian, at most once a second. */
static void keep_guardian(int64_t now)
{
	char why[128];
	int err;

	if (!glink_needs_replace() || now < L.guardian_retry_at)
		return;
	L.guardian_retry_at = now + NS_PER_SEC;
	err = glink_replace();
	if (err) {
		out_diag("cannot start a new guardian: %s; retrying",
			 errno_text(-err, why, sizeof(why)));
		return;
	}
	event_guardian_restarted(glink_pid());
}

static void wait_events(struct pollfd *p)
{
	/* An fd is left out (-1) whenever it would not be serviced: poll()
	 * reports POLLHUP/POLLERR even without asking, and this thread runs
	 * at real-time priority, so such an fd would make it spin. */
	p[0] = (struct pollfd){ input_wants_read() ? 0 : -1, POLLIN, 0 };
	p[1] = (struct pollfd){ out_pending(1) ? 1 : -1, POLLOUT, 0 };
	p[2] = (struct pollfd){ out_pending(2) ? 2 : -1, POLLOUT, 0 };
	p[3] = (struct pollfd){ L.tfd, POLLIN, 0 };
	p[4] = (struct pollfd){ L.wfd, POLLIN, 0 };
	p[5] = (struct pollfd){ glink_needs_replace() ? -1 : glink_fd(),
				POLLIN, 0 };
	p[6] = (struct pollfd){ L.sfd, POLLIN, 0 };
	if (poll(p, 7, -1) < 0) {
		if (errno != EINTR)
			out_diag("poll failed: %s", strerror(errno));
		memset(p, 0, 7 * sizeof(*p));
	}
}

void loop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGCHLD);
}

static int setup(void)
{
	sigset_t set;

	loop_signals(&set);
	L.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	L.tfd = timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC | TFD_NONBLOCK);
	L.tfd_armed = -1;
	if (L.sfd < 0 || L.tfd < 0)
		return -errno;
	return 0;
}

int loop_run(int worker_fd)
{
	struct pollfd p[7];
	uint64_t ticks;
	int err = setup();

	if (err)
		return err;
	L.wfd = worker_fd;
	loop_lease_renew(boot_ns());
	for (;;) {
		int64_t now;

		arm_timer();
		wait_events(p);
		/* Deadlines first: nothing else may make a thaw late. */
		now = boot_ns();
		ops_deadlines(now);
		if (p[3].revents) {
			L.tfd_armed = -1;
			if (read(L.tfd, &ticks, sizeof(ticks)) < 0 &&
			    errno != EAGAIN)
				out_diag("timerfd read failed: %s",
					 strerror(errno));
		}
		if (p[6].revents)
			on_signals();
		if (p[4].revents)
			ops_worker_done();
		if (p[5].revents)
			on_guardian();
		keep_guardian(now);
		if (p[0].revents)
			input_read(now);
		ops_tick(boot_ns());
		check_lease(boot_ns());
		input_run_queue(boot_ns());
		/* This turn's lines in one write: one wakeup for the client
		 * (an event and its reply arrive together). */
		if (out_pending(1))
			out_flush(1);
		if (out_pending(2))
			out_flush(2);
		if (out_client_gone())
			loop_exit("client-gone", 0);
	}
}
