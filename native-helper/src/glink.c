#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "glink.h"

#define GLINK_SNDBUF	(4 * 1024 * 1024)

static int link_fd = -1;
static pid_t link_pid;
static pid_t last_pid;		/* stays after a reap, for status */
static pid_t first_pid;
static bool broken;
static uint64_t last_token;

int glink_fd(void)
{
	return link_fd;
}

pid_t glink_pid(void)
{
	return link_pid;
}

pid_t glink_last_pid(void)
{
	return last_pid;
}

pid_t glink_first_pid(void)
{
	return first_pid;
}

bool glink_alive(void)
{
	return link_fd >= 0 && !broken;
}

bool glink_needs_replace(void)
{
	return link_fd < 0 || broken;
}

void glink_mark_broken(void)
{
	broken = true;
}

uint64_t glink_new_token(void)
{
	return ++last_token;
}

int glink_spawn(void)
{
	int sv[2], size = GLINK_SNDBUF, fl;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	/* Room for a burst of ADDs when a new guardian takes over. */
	if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	fl = fcntl(sv[0], F_GETFL);
	if (fl < 0 || fcntl(sv[0], F_SETFL, fl | O_NONBLOCK) < 0) {
		int err = -errno;

		close(sv[0]);
		close(sv[1]);
		return err;
	}
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(sv[0]);
		close(sv[1]);
		return err;
	}
	if (pid == 0) {
		close(sv[0]);
		guardian_main(sv[1]);
	}
	close(sv[1]);
	link_fd = sv[0];
	link_pid = pid;
	last_pid = pid;
	broken = false;
	if (!first_pid)
		first_pid = pid;
	return 0;
}

static int send_msg(const void *msg, size_t n, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { (void *)msg, n };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t w;

	if (link_fd < 0 || broken)
		return -EPIPE;
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	}
	do {
		w = sendmsg(link_fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	} while (w < 0 && errno == EINTR);
	if (w < 0) {
		int err = -errno;

		/* Full (a guardian that does not read) or gone: either way
		 * it is replaced, and the new one gets every entry. */
		broken = true;
		return err;
	}
	return 0;
}

int glink_add(const struct held *h)
{
	static struct gmsg_add m;	/* large: keep it off the stack */

	memset(&m, 0, sizeof(m));
	m.h.type = G_ADD;
	m.h.token = h->token;
	m.h.deadline = h->deadline;
	m.has_backing = h->has_backing;
	m.backing = h->backing;
	memcpy(&m.mount, &h->mount, sizeof(m.mount));
	return send_msg(&m, sizeof(m), h->fd);
}

int glink_send(enum gmsg_type type, uint64_t token, int64_t deadline,
	       int64_t frozen_at)
{
	struct gmsg m = { .type = type, .token = token, .deadline = deadline,
			  .frozen_at = frozen_at };

	return send_msg(&m, sizeof(m), -1);
}

int glink_recv(uint64_t *token, int *status)
{
	struct gmsg m;
	ssize_t n;

	if (link_fd < 0 || broken)
		return -EPIPE;
	do {
		n = recv(link_fd, &m, sizeof(m), MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n <= 0) {
		broken = true;
		return -EPIPE;
	}
	if ((size_t)n != sizeof(m) || m.type != G_ACK)
		return glink_recv(token, status);	/* ignore garbage */
	*token = m.token;
	*status = m.status;
	return 1;
}

void glink_reap(void)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid == link_pid) {
			link_pid = 0;	/* reaped: never signal that pid again */
			broken = true;
		}
	}
}

/* Hand the new guardian every entry: frozen ones confirmed, and those
 * whose FIFREEZE is in flight unconfirmed. */
static void resend_all(void)
{
	struct held *v[HELD_MAX];
	size_t n, i;

	n = held_list(HELD_FROZEN, v, HELD_MAX);
	for (i = n; i-- > 0;) {
		glink_add(v[i]);
		glink_send(G_CONFIRM, v[i]->token, v[i]->deadline,
			   v[i]->frozen_at);
	}
	n = held_list(HELD_FREEZING, v, HELD_MAX);
	for (i = n; i-- > 0;) {
		glink_add(v[i]);
		if (v[i]->frozen_at)	/* a group member already frozen */
			glink_send(G_CONFIRM, v[i]->token, v[i]->deadline,
				   v[i]->frozen_at);
	}
}

int glink_replace(void)
{
	int err;

	if (link_pid > 0)
		kill(link_pid, SIGKILL);
	if (link_fd >= 0)
		close(link_fd);
	link_fd = -1;
	link_pid = 0;
	err = glink_spawn();
	if (err)
		return err;
	resend_all();
	return broken ? -EPIPE : 0;
}
