/**
 * createCore on seams, for unit tests: mountinfo text the test controls, a
 * watcher it fires, sizes from a fake runner, and FakeHelpers (a new one
 * per start, as a restarted helper would be). Events and log lines are kept.
 */
import type { ContractEvents, EventName, Result } from '../../../app/contract';
import type { Core, CoreOptions } from '../api';
import type { HelperConnection } from '../freeze/helper-supervisor';
import { createCore, type CoreSeams } from '../index';
import { parseMountinfo } from '../mounts/mountinfo';
import { FakeHelper } from './fake-helper';

/** A desktop: root, /tmp on tmpfs, /home, bob's home, an xfs data disk bound at /var/www, /var/log, NFS, the app's own disk. */
export const DESKTOP_MOUNTINFO = `\
22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
23 28 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw
28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
31 28 0:27 / /tmp rw,nosuid,nodev shared:14 - tmpfs tmpfs rw,size=8131236k
45 28 259:3 / /home rw,relatime shared:30 - ext4 /dev/nvme0n1p3 rw
46 45 259:4 / /home/bob rw,relatime shared:31 - xfs /dev/nvme0n1p4 rw
50 28 7:0 / /srv/data rw,relatime shared:40 - xfs /dev/loop0 rw,attr2
51 28 7:0 /www /var/www rw,relatime shared:40 - xfs /dev/loop0 rw,attr2
52 28 8:1 / /var/log rw,relatime shared:41 - ext4 /dev/sda1 rw
53 28 0:45 / /mnt/nfs rw,relatime shared:42 - nfs4 server:/export rw,vers=4.2
54 28 8:17 / /opt/freezeframe rw,relatime shared:43 - ext4 /dev/sdb1 rw
55 28 8:33 / /srv/backup rw,relatime shared:44 - btrfs /dev/sdc1 rw,space_cache=v2
`;

export const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n';

export interface TestCore {
  core: Core;
  /** The helper started last. */
  helper(): FakeHelper;
  starts(): number;
  events: Array<{ event: EventName; payload: unknown }>;
  logText(): string;
  /** Change the kernel's table (and, unless quiet, signal it like findmnt would). */
  setMountinfo(text: string, opts?: { quiet?: boolean }): void;
  call<T = unknown>(method: string, params?: unknown): Promise<Result<T>>;
  /** The value of a call that must succeed. */
  ok<T = unknown>(method: string, params?: unknown): Promise<T>;
  waitForEvent<E extends EventName>(event: E, match?: (payload: ContractEvents[E]) => boolean, timeoutMs?: number): Promise<ContractEvents[E]>;
}

export async function startTestCore(
  opts: { mountinfo?: string; startHelper?: () => Promise<HelperConnection>; seams?: Partial<CoreSeams>; options?: Partial<CoreOptions> } = {},
): Promise<TestCore> {
  let text = opts.mountinfo ?? DESKTOP_MOUNTINFO;
  let fire: () => void = () => undefined;
  const helpers: FakeHelper[] = [];
  let starts = 0;
  const log: string[] = [];
  const events: TestCore['events'] = [];
  const fakeMounts = () => parseMountinfo(text).records.map((r) => ({ path: r.mountpoint, mountId: r.mountId, majorMinor: r.majorMinor, fsType: r.fsType }));
  const core = await createCore(
    { frontDoor: 'web', appVersion: '0.0.0-test', helperPath: '/opt/freezeframe/bin/freezeframe-helper', development: true, appDataDirs: ['/home/alice/.config/Freezeframe'], ...opts.options },
    {
      startHelper:
        opts.startHelper ??
        (async () => {
          starts++;
          const helper = new FakeHelper(fakeMounts());
          helpers.push(helper);
          return helper;
        }),
      helperMode: 'direct',
      readMountinfo: async () => text,
      watchMounts: (onSignal) => {
        fire = onSignal;
        return { mode: 'findmnt', stop: () => undefined };
      },
      statRunner: (paths, onResult) => {
        for (const path of paths) onResult(path, { ok: true, totalBytes: 1000, usedBytes: 400, availableBytes: 600 });
        return { done: Promise.resolve(), kill: () => undefined };
      },
      logSink: { write: async (t) => void log.push(t) },
      readPasswd: async () => PASSWD,
      homeDir: '/home/alice',
      sizeIntervalMs: 60_000,
      writersIntervalMs: 30,
      ...opts.seams,
    },
  );
  core.subscribe((event, payload) => events.push({ event, payload }));
  const waitForEvent: TestCore['waitForEvent'] = async (event, match = () => true, timeoutMs = 2000) => {
    const deadline = Date.now() + timeoutMs;
    for (let seen = 0; ; ) {
      for (; seen < events.length; seen++) {
        const e = events[seen]!;
        if (e.event === event && match(e.payload as never)) return e.payload as never;
      }
      if (Date.now() > deadline) throw new Error(`no ${event} event within ${timeoutMs} ms; saw ${events.map((e) => e.event).join(', ')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return {
    core,
    helper: () => helpers[helpers.length - 1]!,
    starts: () => starts,
    events,
    logText: () => log.join(''),
    setMountinfo(next, { quiet = false } = {}) {
      text = next;
      for (const helper of helpers) helper.mounts = fakeMounts();
      if (!quiet) fire();
    },
    call: (method, params) => core.dispatch(method, params ?? {}) as never,
    async ok(method, params) {
      const result = await core.dispatch(method, params ?? {});
      if (!result.ok) throw new Error(`${method} failed: ${result.error.code}: ${result.error.message}`);
      return result.value as never;
    },
    waitForEvent,
  };
}
