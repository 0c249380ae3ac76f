/*
 * freezeframe-helper: freezes and thaws filesystems for one client over
 * stdin/stdout (docs/helper-protocol.md), with what the kernel lacks: a
 * deadline for every freeze, a liveness lease, and a guardian process.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "emergency.h"
#include "glink.h"
#include "guardian.h"
#include "protect.h"
#include "input.h"
#include "loop.h"
#include "output.h"
#include "reply.h"
#include "target.h"
#include "worker.h"

#define EXIT_STARTUP	1
#define EXIT_USAGE	2

static void usage(FILE *f)
{
	fputs("Usage:\n"
	      " freezeframe-helper --stdio [--lease-ms N] [--max-timeout-ms N]"
	      " [--max-hold-ms N]\n"
	      " freezeframe-helper --thaw PATH...\n"
	      " freezeframe-helper --thaw-all\n"
	      " freezeframe-helper --version | --help\n\n"
	      "Freezes filesystems for the Freezeframe app over a line "
	      "protocol on stdin/stdout;\n"
	      "every freeze has a deadline, and a guardian process thaws "
	      "if the helper dies.\n\n"
	      " --lease-ms N        thaw all when the client is silent this "
	      "long (1000..600000, 15000)\n"
	      " --max-timeout-ms N  longest timeoutMs accepted "
	      "(1000..86400000, 900000)\n"
	      " --max-hold-ms N     longest total hold with extensions "
	      "(>= max timeout, <= 86400000, 3600000)\n"
	      " --thaw PATH...      emergency: thaw these mountpoints\n"
	      " --thaw-all          emergency: thaw every frozen local "
	      "filesystem\n", f);
}

static int __attribute__((format(printf, 1, 2)))
bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "freezeframe-helper: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'freezeframe-helper --help'.\n", stderr);
	return EXIT_USAGE;
}

static bool parse_ms(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	long long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* "--name N" or "--name=N"; advances *i past what it used. */
static const char *option_value(int argc, char **argv, int *i,
				const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return argv[*i][n] == '\0' ? "" : NULL;
}

static int parse_stdio_options(int argc, char **argv)
{
	bool hold_given = false;
	const char *v;
	int i;

	for (i = 2; i < argc; i++) {
		if ((v = option_value(argc, argv, &i, "--lease-ms"))) {
			if (!parse_ms(v, LEASE_MS_MIN, LEASE_MS_MAX,
				      &cfg.lease_ms))
				return bad_usage("--lease-ms must be "
						 "1000..600000, not '%s'", v);
		} else if ((v = option_value(argc, argv, &i,
					     "--max-timeout-ms"))) {
			if (!parse_ms(v, TIMEOUT_MS_MIN, MAX_TIMEOUT_MS_MAX,
				      &cfg.max_timeout_ms))
				return bad_usage("--max-timeout-ms must be "
						 "1000..86400000, not '%s'", v);
		} else if ((v = option_value(argc, argv, &i,
					     "--max-hold-ms"))) {
			if (!parse_ms(v, TIMEOUT_MS_MIN, MAX_HOLD_MS_MAX,
				      &cfg.max_hold_ms))
				return bad_usage("--max-hold-ms must be "
						 "at most 86400000, not '%s'", v);
			hold_given = true;
		} else {
			return bad_usage("unknown option '%s'", argv[i]);
		}
	}
	if (cfg.max_hold_ms < cfg.max_timeout_ms) {
		if (hold_given)
			return bad_usage("--max-hold-ms must be at least "
					 "--max-timeout-ms");
		cfg.max_hold_ms = cfg.max_timeout_ms;
	}
	return 0;
}

static uid_t client_uid(void)
{
	const char *s = getenv("PKEXEC_UID");
	char *end;
	unsigned long v;

	if (s && *s >= '0' && *s <= '9') {
		errno = 0;
		v = strtoul(s, &end, 10);
		if (!errno && !*end && v < (unsigned long)(uid_t)-1)
			return (uid_t)v;
	}
	return getuid();
}

/*
 * Deadline thaws must be punctual even when writers keep every CPU busy
 * (they do, around a freeze): the loop thread, which mostly sleeps in
 * poll(), runs at the lowest real-time priority. Not the worker (FIFREEZE
 * may sync for seconds) and not the guardian (RESET_ON_FORK).
 */
static void prefer_loop_thread(void)
{
	struct sched_param sp = { .sched_priority = 1 };
	char why[128];

	if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) == 0)
		return;
	fprintf(stderr, "freezeframe-helper: no real-time priority (%s); "
		"using nice -20\n", errno_text(errno, why, sizeof(why)));
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), -20) < 0)
		fprintf(stderr, "freezeframe-helper: cannot raise priority: "
			"%s\n", errno_text(errno, why, sizeof(why)));
}

static int startup_failed(const char *what, int err)
{
	char why[128];

	fprintf(stderr, "freezeframe-helper: %s: %s\n", what,
		errno_text(-err, why, sizeof(why)));
	return EXIT_STARTUP;
}

static int run_stdio(void)
{
	char why[128];
	sigset_t set;
	int err, wfd;

	signal(SIGPIPE, SIG_IGN);
	/* Blocked before any thread or child exists, for the signalfd. */
	loop_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	tzset();		/* audit timestamps: read the zone once, now */
	cfg.audit_uid = client_uid();
	err = config_find_unsafe();
	if (err)
		return startup_failed("cannot identify the root filesystem",
				      err);
	err = protect_oom();
	if (err)
		fprintf(stderr, "freezeframe-helper: cannot set oom_score_adj "
			"to -1000 (needs CAP_SYS_RESOURCE): %s; continuing\n",
			errno_text(-err, why, sizeof(why)));
	err = lock_memory();
	if (err)
		fprintf(stderr, "freezeframe-helper: cannot lock memory "
			"(needs CAP_IPC_LOCK): %s; continuing\n",
			errno_text(-err, why, sizeof(why)));
	err = glink_spawn();
	if (err)
		return startup_failed("cannot start the guardian", err);
	wfd = worker_start();
	if (wfd < 0)
		return startup_failed("cannot start the worker thread", wfd);
	prefer_loop_thread();	/* after the worker and guardian exist */
	err = out_init();
	if (!err)
		err = input_init();
	if (err)
		return startup_failed("cannot set up stdin/stdout", err);
	send_hello(glink_first_pid());
	err = loop_run(wfd);
	return startup_failed("cannot start the event loop", err);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr), EXIT_USAGE;
	if (strcmp(argv[1], "--stdio") == 0) {
		int rc = parse_stdio_options(argc, argv);

		return rc ? rc : run_stdio();
	}
	if (strcmp(argv[1], "--thaw") == 0) {
		if (argc < 3)
			return bad_usage("--thaw needs at least one PATH");
		return emergency_thaw(argc - 2, argv + 2);
	}
	if (strcmp(argv[1], "--thaw-all") == 0 && argc == 2)
		return emergency_thaw_all();
	if (strcmp(argv[1], "--version") == 0 && argc == 2) {
		printf("freezeframe-helper %s (protocol %d)\n",
		       FF_HELPER_VERSION, FF_PROTOCOL);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 && argc == 2) {
		usage(stdout);
		return 0;
	}
	return bad_usage("unknown or misplaced argument '%s'", argv[1]);
}
