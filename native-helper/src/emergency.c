#include <errno.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "emergency.h"
#include "target.h"

#define SB_SEEN_MAX	4096

/* Main thread only; the helper's loop never runs in these modes. */
static struct mi_reader mi, mi_inner;
static struct ff_mount cur;
static struct target t;
static struct sb_id seen[SB_SEEN_MAX];
static int nseen;

int emergency_thaw(int npaths, char **paths)
{
	char why[128];
	int i, rc = 0;

	for (i = 0; i < npaths; i++) {
		target_resolve(&mi, paths[i], false, 0, &t);
		if (t.err != FF_OK) {
			fprintf(stderr, "freezeframe-helper: %s\n", t.message);
			rc = 1;
			continue;
		}
		if (ioctl(t.fd, FITHAW, 0) == 0) {
			printf("thawed %s\n", paths[i]);
		} else if (errno == EINVAL) {
			printf("%s was not frozen\n", paths[i]);
		} else {
			fprintf(stderr, "freezeframe-helper: cannot thaw %s: %s\n",
				paths[i], errno_text(errno, why, sizeof(why)));
			rc = 1;
		}
		target_close(&t);
	}
	return rc;
}

/* Types that cannot be frozen, or whose mountpoint could hang a path
 * lookup (network, FUSE, automount). */
static bool skipped_type(const char *type)
{
	static const char *const exact[] = {
		"proc", "sysfs", "devpts", "devtmpfs", "mqueue", "tracefs",
		"debugfs", "securityfs", "bpf", "pstore", "configfs",
		"fusectl", "autofs", "binfmt_misc", "hugetlbfs", "rpc_pipefs",
		"nfsd", "efivarfs", "selinuxfs", "nsfs", "tmpfs", "ramfs",
		"overlay", "squashfs", "iso9660", "9p", "afs", "ceph",
		"virtiofs", "sshfs", "davfs", "glusterfs", "lustre", "smb3",
		"cifs", "pipefs", "sockfs", "cramfs", "erofs",
	};
	static const char *const prefix[] = { "cgroup", "nfs", "fuse", "smb" };
	size_t i;

	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
		if (strcmp(type, exact[i]) == 0)
			return true;
	}
	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++) {
		if (strncmp(type, prefix[i], strlen(prefix[i])) == 0)
			return true;
	}
	return false;
}

static bool seen_sb(struct sb_id sb)
{
	int i;

	for (i = 0; i < nseen; i++) {
		if (sb_eq(seen[i], sb))
			return true;
	}
	return false;
}

/* One FITHAW through this mount. Returns 1 thawed, 0 not frozen or not
 * reachable here, -1 failed. */
static int thaw_mount(const struct ff_mount *m, int *checked)
{
	char why[128];
	int rc = 0;

	target_resolve(&mi_inner, m->path, true, m->mount_id, &t);
	if (t.err != FF_OK)
		return 0;	/* over-mounted or a file: try another mount */
	if (nseen < SB_SEEN_MAX)
		seen[nseen++] = m->sb;
	if (ioctl(t.fd, FITHAW, 0) == 0) {
		printf("thawed %s (%s %u:%u)\n", m->path, m->fstype,
		       m->sb.major, m->sb.minor);
		(*checked)++;
		rc = 1;
	} else if (errno == EINVAL) {
		(*checked)++;
	} else if (errno != EOPNOTSUPP && errno != ENOTTY) {
		fprintf(stderr, "freezeframe-helper: cannot thaw %s: %s\n",
			m->path, errno_text(errno, why, sizeof(why)));
		(*checked)++;
		rc = -1;
	}
	target_close(&t);
	return rc;
}

int emergency_thaw_all(void)
{
	int err, rc, status = 0, thawed = 0, checked = 0, r;
	char why[128];

	err = mi_open(&mi);
	if (err) {
		fprintf(stderr, "freezeframe-helper: cannot read "
			"/proc/self/mountinfo: %s\n",
			errno_text(-err, why, sizeof(why)));
		return 1;
	}
	while ((rc = mi_next(&mi, &cur)) > 0) {
		if (skipped_type(cur.fstype) || seen_sb(cur.sb))
			continue;
		r = thaw_mount(&cur, &checked);
		thawed += r > 0;
		if (r < 0)
			status = 1;
	}
	mi_close(&mi);
	if (rc < 0) {
		fprintf(stderr, "freezeframe-helper: reading mountinfo failed: "
			"%s\n", errno_text(-rc, why, sizeof(why)));
		status = 1;
	}
	printf("thawed %d filesystem(s); %d freezable checked\n", thawed,
	       checked);
	return status;
}
