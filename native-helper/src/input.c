#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "input.h"
#include "loop.h"
#include "ops.h"
#include "reply.h"
#include "request.h"

#define LINE_CAP	(REQ_MAX_LINE + 1)	/* a maximal line and its '\n' */

/* Loop thread only. Queue slots are touched only as far as their line
 * reaches, so memory locked on fault stays small. */
static char line_buf[LINE_CAP];
static size_t line_len;
static bool discarding;		/* inside an overlong line */
static bool closed;
static int garbage;		/* id:null BAD_REQUESTs in a row */
static char queue[INPUT_QUEUE_MAX][REQ_MAX_LINE];
static size_t queue_len[INPUT_QUEUE_MAX];
static int queue_head, queue_count;
static struct request parsed;

static int saved_flags = -1;

int input_init(void)
{
	int fl = fcntl(0, F_GETFL);

	if (fl < 0 || fcntl(0, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	saved_flags = fl;
	return 0;
}

void input_restore(void)
{
	if (saved_flags >= 0)
		fcntl(0, F_SETFL, saved_flags);
}

bool input_wants_read(void)
{
	return !closed && queue_count < INPUT_QUEUE_MAX && line_len < LINE_CAP;
}

static void garbage_line(void)
{
	if (++garbage >= INPUT_GARBAGE_MAX)
		loop_exit("protocol-abuse", 3);
}

static void handle_line(const char *s, size_t n, int64_t now)
{
	struct req_error err;
	int slot;

	loop_lease_renew(now);
	if (request_parse(s, n, &parsed, &err) < 0) {
		reply_error(err.id, err.id_known, err.code, 0, NULL,
			    err.message);
		if (err.id_known)
			garbage = 0;
		else
			garbage_line();
		return;
	}
	garbage = 0;
	if (parsed.op == OP_HEARTBEAT || parsed.op == OP_STATUS) {
		ops_immediate(&parsed);
		return;
	}
	slot = (queue_head + queue_count) % INPUT_QUEUE_MAX;
	memcpy(queue[slot], s, n);
	queue_len[slot] = n;
	queue_count++;
}

/* Handle every complete line in the buffer while the queue has room. */
static void process_lines(int64_t now)
{
	size_t start = 0;

	while (start < line_len && queue_count < INPUT_QUEUE_MAX) {
		char *p = line_buf + start;
		char *nl = memchr(p, '\n', line_len - start);

		if (discarding) {
			if (!nl) {
				start = line_len;
				break;
			}
			discarding = false;
			start = (size_t)(nl - line_buf) + 1;
			continue;
		}
		if (!nl) {
			if (line_len - start > REQ_MAX_LINE) {
				loop_lease_renew(now);
				reply_error(0, false, FF_BAD_REQUEST, 0, NULL,
					    "line longer than 65536 bytes");
				discarding = true;
				start = line_len;
				garbage_line();
			}
			break;
		}
		handle_line(p, (size_t)(nl - p), now);
		start = (size_t)(nl - line_buf) + 1;
	}
	memmove(line_buf, line_buf + start, line_len - start);
	line_len -= start;
}

void input_read(int64_t now)
{
	ssize_t n;

	if (!input_wants_read())
		return;
	n = read(0, line_buf + line_len, LINE_CAP - line_len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		closed = true;
		loop_exit("client-gone", 0);
	}
	line_len += (size_t)n;
	process_lines(now);
}

void input_run_queue(int64_t now)
{
	for (;;) {
		int before_count;
		size_t before_len;

		while (!ops_busy() && queue_count > 0) {
			int slot = queue_head;

			queue_head = (queue_head + 1) % INPUT_QUEUE_MAX;
			queue_count--;
			ops_start(queue[slot], queue_len[slot]);
		}
		before_count = queue_count;
		before_len = line_len;
		process_lines(now);
		if (queue_count == before_count && line_len == before_len)
			return;
	}
}

bool input_backlogged(void)
{
	int avail = 0;

	if (queue_count < INPUT_QUEUE_MAX)
		return false;
	return line_len > 0 || (ioctl(0, FIONREAD, &avail) == 0 && avail > 0);
}
