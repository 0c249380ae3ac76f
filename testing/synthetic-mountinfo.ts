/**
 * A plausible big host's /proc/self/mountinfo, for the 5,000-mount unit test
 * and the bench: containers' overlays, binds (with an escaped space), cgroups,
 * snaps and per-user tmpfs, over one ext4 root.
 */
export function syntheticMountinfo(count: number): string {
  const lines: string[] = ['1 0 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro'];
  for (let i = 2; i <= count; i++) {
    const kind = i % 5;
    if (kind === 0) lines.push(`${i} 1 0:${1000 + i} / /var/lib/docker/overlay2/${i.toString(16)}/merged rw,relatime shared:${i} - overlay overlay rw,lowerdir=/l/${i},upperdir=/u/${i},workdir=/w/${i}`);
    else if (kind === 1) lines.push(`${i} 1 7:${i % 256} /sub${i} /srv/bind/${i}\\040copy rw,relatime shared:${i} master:1 - ext4 /dev/loop${i % 256} rw`);
    else if (kind === 2) lines.push(`${i} 1 0:${2000 + i} / /sys/fs/cgroup/unit${i} rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw`);
    else if (kind === 3) lines.push(`${i} 1 7:${i % 256} / /snap/app${i}/${i} ro,nodev,relatime shared:${i} - squashfs /dev/loop${i % 256} ro,errors=continue`);
    else lines.push(`${i} 1 0:${3000 + i} / /run/user/${i} rw,nosuid,nodev,relatime shared:${i} - tmpfs tmpfs rw,size=1626332k,mode=700,uid=${i}`);
  }
  return `${lines.join('\n')}\n`;
}
