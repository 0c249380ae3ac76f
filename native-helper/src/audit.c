#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "clock.h"
#include "config.h"

#define LOG_AUTHPRIV_NOTICE	(10 * 8 + 5)	/* facility authpriv, notice */

static int log_fd = -1;
static int64_t retry_at;	/* after a failed connect, not before */

void audit_reset(void)
{
	log_fd = -1;
	retry_at = 0;
}

static void disconnect(void)
{
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
}

/* Connect lazily, so a syslog daemon that starts later is picked up;
 * with none listening, try again at most once a second rather than for
 * every line. */
static int connect_log(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX,
				  .sun_path = "/dev/log" };
	int64_t now;

	if (log_fd >= 0)
		return 0;
	now = boot_ns();
	if (now < retry_at)
		return -EAGAIN;
	log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (log_fd >= 0 &&
	    connect(log_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return 0;
	disconnect();
	retry_at = now + NS_PER_SEC;
	return -EAGAIN;
}

/* A path as printable ASCII: anything else (a newline in a mountpoint
 * could forge a log line) becomes \xHH. */
static size_t put_path(char *dst, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *s && o + 5 < cap; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\') {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[ch >> 4];
			dst[o++] = hex[ch & 15];
		} else {
			dst[o++] = (char)ch;
		}
	}
	dst[o] = '\0';
	return o;
}

void audit_log(const char *action, const struct ff_mount *m,
	       const char *reason, int64_t held_ms, const char *note)
{
	char line[MI_PATH_MAX * 4 + 512], stamp[32], held[24];
	struct tm tm;
	time_t now = time(NULL);
	size_t n;
	int k;

	if (connect_log())
		return;
	if (!localtime_r(&now, &tm) ||
	    !strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm))
		snprintf(stamp, sizeof(stamp), "Jan  1 00:00:00");
	if (held_ms >= 0)
		snprintf(held, sizeof(held), "%lld", (long long)held_ms);
	else
		snprintf(held, sizeof(held), "-");
	k = snprintf(line, sizeof(line),
		     "<%d>%s freezeframe-helper[%d]: action=%s uid=%u path=\"",
		     LOG_AUTHPRIV_NOTICE, stamp, (int)getpid(), action,
		     (unsigned int)cfg.audit_uid);
	if (k < 0)
		return;
	n = (size_t)k;
	n += put_path(line + n, sizeof(line) - n - 256, m->path);
	k = snprintf(line + n, sizeof(line) - n,
		     "\" mountId=%d dev=%u:%u reason=%s heldMs=%s%s%s",
		     m->mount_id, m->sb.major, m->sb.minor,
		     reason ? reason : "-", held, note ? " " : "",
		     note ? note : "");
	if (k < 0)
		return;
	n += (size_t)k;
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	if (send(log_fd, line, n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
	    errno != EAGAIN && errno != EWOULDBLOCK)
		disconnect();	/* the daemon restarted: reconnect next time */
}
