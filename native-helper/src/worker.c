#include <errno.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "clock.h"
#include "group.h"
#include "worker.h"

#define WORKER_STACK	(64 * 1024)	/* memory is locked: keep it small;
					 * big buffers are static */

static struct job job;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool submitted;		/* under mu: a job waits for the worker */
static bool finished;		/* under mu: the worker is done with it */
static bool busy;		/* loop thread's view */
static int done_fd = -1;

/* The worker's own scratch (the job slot holds results). */
static struct mi_reader mi;
static struct mtable mt;
static struct ff_mount scratch;

struct job *worker_job(void)
{
	return &job;
}

bool worker_busy(void)
{
	return busy;
}

static void run_resolve(struct job *j)
{
	int i;

	for (i = 0; i < j->n; i++)
		target_resolve(&mi, j->paths[i], j->has_id[i], j->ids[i],
			       &j->t[i]);
	j->nmembers = 0;
	if (j->group)
		group_order(j, &mt, &mi, &scratch);
}

/* Tell the loop a member is frozen, so it has a deadline (and the
 * guardian knows) even while later members' FIFREEZEs still run. After
 * the last one the job's completion wakes the loop at once. */
static void publish_frozen(struct job *j, int i)
{
	uint64_t one = 1;

	__atomic_store_n(&j->frozen_ns[i], boot_ns(), __ATOMIC_RELEASE);
	if (i + 1 == j->nfds)
		return;
	while (write(done_fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

static void run_freeze(struct job *j)
{
	int i;

	j->nfrozen = 0;
	j->freeze_errno = 0;
	for (i = 0; i < j->nfds; i++) {
		if (ioctl(j->fds[i], FIFREEZE, 0) < 0) {
			j->freeze_errno = errno;
			break;
		}
		publish_frozen(j, i);
		j->nfrozen++;
	}
	/* All or nothing: undo in reverse. */
	if (j->nfrozen < j->nfds) {
		for (i = j->nfrozen - 1; i >= 0; i--)
			j->thaw_errno[i] = ioctl(j->fds[i], FITHAW, 0) < 0 ?
					   errno : 0;
	}
	j->thawed_ns = boot_ns();
}

static void run_probe(struct job *j)
{
	j->nfrozen = 0;
	j->freeze_errno = 0;
	j->thaw_errno[0] = 0;
	if (ioctl(j->fds[0], FIFREEZE, 0) < 0) {
		j->freeze_errno = errno;
		return;
	}
	j->nfrozen = 1;
	j->frozen_ns[0] = boot_ns();
	j->thaw_errno[0] = ioctl(j->fds[0], FITHAW, 0) < 0 ? errno : 0;
	j->thawed_ns = boot_ns();
}

static void run(struct job *j)
{
	switch (j->kind) {
	case JOB_RESOLVE:
		run_resolve(j);
		break;
	case JOB_FREEZE:
		run_freeze(j);
		break;
	case JOB_PROBE:
		run_probe(j);
		break;
	case JOB_WRITERS:
		writers_scan(j->sb, &mt, &mi, &scratch, &j->writers);
		break;
	}
}

static void *worker_main(void *arg)
{
	uint64_t one = 1;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&mu);
		while (!submitted)
			pthread_cond_wait(&cv, &mu);
		submitted = false;
		pthread_mutex_unlock(&mu);

		run(&job);

		pthread_mutex_lock(&mu);
		finished = true;
		pthread_mutex_unlock(&mu);
		while (write(done_fd, &one, sizeof(one)) < 0 && errno == EINTR)
			;
	}
	return NULL;
}

int worker_start(void)
{
	pthread_attr_t attr;
	pthread_t th;
	int err;

	mi_keep(&mi);
	done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (done_fd < 0)
		return -errno;
	err = pthread_attr_init(&attr);
	if (!err)
		err = pthread_attr_setstacksize(&attr, WORKER_STACK);
	if (!err)
		err = pthread_attr_setdetachstate(&attr,
						  PTHREAD_CREATE_DETACHED);
	if (!err)
		err = pthread_create(&th, &attr, worker_main, NULL);
	pthread_attr_destroy(&attr);
	if (err) {
		close(done_fd);
		done_fd = -1;
		return -err;
	}
	return done_fd;
}

void worker_submit(void)
{
	pthread_mutex_lock(&mu);
	submitted = true;
	finished = false;
	pthread_mutex_unlock(&mu);
	/* After the unlock, so the worker does not wake into a held lock;
	 * it tests submitted under the lock before it waits. */
	pthread_cond_signal(&cv);
	busy = true;
}

bool worker_collect(void)
{
	uint64_t n;
	bool done;

	while (read(done_fd, &n, sizeof(n)) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&mu);	/* pairs with the worker's unlock */
	done = finished;
	finished = false;
	pthread_mutex_unlock(&mu);
	if (done)
		busy = false;
	return done;
}
