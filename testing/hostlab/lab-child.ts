/**
 * A lab in a process of its own, for the sweep test: builds the hosts named
 * on the command line (each with an ext4 filesystem), prints what it made
 * as one JSON line, and waits to be killed. Run with `node --import tsx`.
 */
import { HostLab } from './lab';

const lab = await HostLab.create({ hosts: process.argv.slice(2).map((name) => ({ name, filesystems: ['ext4' as const] })) });
const made = {
  pid: process.pid,
  dir: lab.dir,
  hosts: lab.hosts.map((h) => ({ name: h.name, netns: h.netns, holderPid: h.holderPid, sshdPid: h.sshdPid, user: h.user.name, images: h.mounts.map((m) => m.image) })),
};
process.stdout.write(`${JSON.stringify(made)}\n`);
setInterval(() => undefined, 60_000);
