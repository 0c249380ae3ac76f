/*
 * The worker's kept mountinfo reader: it must answer from its copy only
 * while the mount table is unchanged, and see every mount, unmount and
 * mount-flag change at the next lookup. The part that changes the table
 * runs as root in a private mount namespace of its own (nothing outside
 * it sees the mounts); otherwise it is skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "mountinfo.h"
#include "mtable.h"

static struct mi_reader kept, plain;
static struct ff_mount m;
static struct mtable mt;

static int mount_id_of(const char *path)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, AT_STATX_DONT_SYNC, STATX_MNT_ID, &stx))
		return -1;
	return (int)stx.stx_mnt_id;
}

static void test_unchanged(void)
{
	int root = mount_id_of("/");
	uint64_t gen;

	CHECK(root > 0);
	CHECK(mi_find(&kept, root, &m) == 0);
	CHECK(m.mount_id == root);
	gen = kept.gen;
	CHECK(mi_find(&kept, root, &m) == 0);	/* from the copy */
	CHECK(kept.gen == gen);
	CHECK(mi_find(&kept, 0x7FFFFFFF, &m) == -ENOENT);
	CHECK(mtable_load(&mt, &kept, &m) == 0 && mt.gen == gen);
	CHECK(mtable_find(&mt, root) != NULL);
	/* A reader that does not keep reads afresh every time. */
	CHECK(mi_find(&plain, root, &m) == 0);
	gen = plain.gen;
	CHECK(mi_find(&plain, root, &m) == 0 && plain.gen != gen);
	CHECK(plain.fd == -1);
}

static void test_changes(void)
{
	char dir[] = "/tmp/ff-test-mountinfo-XXXXXX";
	uint64_t gen;
	int id;

	CHECK(mkdtemp(dir) != NULL);
	CHECK(mi_find(&kept, mount_id_of("/"), &m) == 0);
	gen = kept.gen;

	CHECK(mount("ff-test", dir, "tmpfs", 0, "size=64k") == 0);
	id = mount_id_of(dir);
	CHECK(mi_find(&kept, id, &m) == 0);
	CHECK(kept.gen != gen);
	CHECK(m.mount_id == id && strcmp(m.path, dir) == 0);
	CHECK(!m.read_only);
	CHECK(mtable_load(&mt, &kept, &m) == 0 && mt.gen == kept.gen);
	CHECK(mtable_find(&mt, id) != NULL);

	gen = kept.gen;
	CHECK(mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY,
		    NULL) == 0);
	CHECK(mi_find(&kept, id, &m) == 0);
	CHECK(kept.gen != gen && m.read_only);

	gen = kept.gen;
	CHECK(umount(dir) == 0);
	CHECK(mi_find(&kept, id, &m) == -ENOENT);
	CHECK(kept.gen != gen);
	CHECK(mtable_load(&mt, &kept, &m) == 0 && mtable_find(&mt, id) == NULL);
	rmdir(dir);
}

int main(void)
{
	/* First: an open mountinfo file stays on the namespace it shows. */
	bool own_ns = geteuid() == 0 && unshare(CLONE_NEWNS) == 0 &&
		      mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;

	mi_keep(&kept);
	plain.fd = -1;
	test_unchanged();
	if (own_ns)
		test_changes();
	else
		printf("(mount changes skipped: needs root) ");
	return check_done();
}
