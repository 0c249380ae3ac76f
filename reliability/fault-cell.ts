/**
 * One cell of the fault matrix: a fresh main (web mode, real helper and
 * guardian) freezes a loop-mounted ext4; at the cell's phase, the fault hits
 * one process; a blocked writer must then finish with the right bytes within
 * the stated bound; and the app must work again on its next action.
 *
 * How each phase is hit, precisely:
 * - freezing: DIRTY_MB of unsynced data is left on the filesystem, so the
 *   helper's FIFREEZE has to write it back first; the fault is delivered once
 *   /proc shows the helper's worker thread inside ioctl(FIFREEZE), and the
 *   cell records whether it was still inside right after the fault.
 * - frozen: the freeze has been answered and a writer is blocked in state D.
 * - thawing: the thaw request is in flight: the helper is paused (SIGSTOP)
 *   while main sends freeze.thaw, so the request waits in the helper's stdin
 *   when the fault hits; the helper then continues (unless it is the target).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LoopMount } from '../testing/loop-mounts';
import { fileSha256, sleep, startWriter, waitUntilBlocked, type Writer } from '../testing/writer';
import { AppProcess, resultValue, type Caller } from './fixture/app-process';
import { FIFREEZE, threadsInIoctl, waitForIoctl, waitUntil, writerAtFreezeBarrier } from '../testing/procfs';
import { LONG } from './fixture/results';
import type { RendererDriver, RendererPage } from './fixture/renderer';

export const FAULTS = ['renderer closed', 'renderer crashed', 'main kill -9', 'main SIGSTOP', 'helper kill -9', 'helper SIGSTOP', 'guardian kill -9'] as const;
export const PHASES = ['freezing', 'frozen', 'thawing'] as const;
export type Fault = (typeof FAULTS)[number];
export type Phase = (typeof PHASES)[number];

export const LEASE_MS = 3000;
export const DIRTY_MB = LONG ? 256 : 64;

/** The freeze's timeout and the bound on the time from fault to thaw, per fault. */
export function planFor(fault: Fault): { timeoutMs: number; boundMs: number; bound: string } {
  switch (fault) {
    case 'renderer closed':
    case 'renderer crashed':
      return { timeoutMs: 3000, boundMs: 4000, bound: 'deadline (3 s) + 1 s' };
    case 'guardian kill -9':
      return { timeoutMs: 3000, boundMs: 4000, bound: 'deadline (3 s) + 1 s; the helper replaces the guardian' };
    case 'main kill -9':
      return { timeoutMs: 20_000, boundMs: 1500, bound: 'client gone: 1.5 s' };
    case 'main SIGSTOP':
      return { timeoutMs: 20_000, boundMs: LEASE_MS + 1000, bound: `lease (${LEASE_MS} ms) + 1 s` };
    case 'helper kill -9':
      return { timeoutMs: 20_000, boundMs: 1500, bound: 'guardian on helper death: 1.5 s' };
    case 'helper SIGSTOP':
      return { timeoutMs: 2000, boundMs: 5000, bound: 'guardian at deadline (2 s) + 2 s, + 1 s' };
  }
}

export interface CellResult {
  thawMs: number;
  /** For the freezing phase: the worker was still inside FIFREEZE right after the fault. */
  insideFreeze?: boolean;
}

export async function runCell(fault: Fault, phase: Phase, mount: LoopMount, browser: RendererDriver | undefined, tag: string): Promise<CellResult> {
  const plan = planFor(fault);
  const app = await AppProcess.start({ leaseMs: LEASE_MS });
  const stopped: number[] = [];
  let page: RendererPage | undefined;
  let writer: Writer | undefined;
  let slipped: Writer[] = [];
  try {
    const row = await app.row(mount.mountpoint);
    await app.ok('helper.start');
    const tree = app.processTree();
    if (!tree.helper || !tree.guardian) throw new Error(`no helper/guardian under main ${app.pid}`);
    const renderer = fault.startsWith('renderer');
    if (renderer) page = await browser!.open(await app.loginUrl());
    const caller: Caller = page ?? app;
    const freeze = (): Promise<unknown> => caller.call('freeze.start', { id: row.id, timeoutMs: plan.timeoutMs });
    const target = join(mount.mountpoint, `cell-${tag}.bin`);
    let insideFreeze: boolean | undefined;

    if (phase === 'freezing') {
      const dd = spawnSync('dd', ['if=/dev/zero', `of=${join(mount.mountpoint, 'dirty.bin')}`, 'bs=1M', `count=${DIRTY_MB}`, 'status=none']);
      if (dd.status !== 0) throw new Error('dd of the dirty data failed');
      void freeze();
      if (!(await waitForIoctl(tree.helper, FIFREEZE, 5000))) throw new Error('the helper never entered FIFREEZE');
      // Inside FIFREEZE is not yet frozen: freeze_super first waits out an
      // RCU grace period and the writes in flight (its worker's kernel stack
      // shows rcu_sync_enter), and a writer started meanwhile finishes
      // without ever blocking. Such a writer measures nothing, and main,
      // stopped only for its few ms, never lets the lease run out: the
      // freeze then rightly stands to its deadline. So the fault waits for a
      // writer blocked at the freeze barrier itself.
      ({ writer, slipped } = await writerAtFreezeBarrier(mount.mountpoint, tag, 10_000));
    } else {
      resultValue(await freeze(), 'freeze.start');
      writer = startWriter(target);
      await waitUntilBlocked(writer);
      if (phase === 'thawing') {
        process.kill(tree.helper, 'SIGSTOP');
        stopped.push(tree.helper);
        void caller.call('freeze.thaw', { id: row.id });
        await sleep(100); // main forwards it at once; it waits in the helper's stdin
      }
    }

    const faultAt = performance.now();
    await inject(fault, { app, page, tree, stopped });
    if (phase === 'freezing') insideFreeze = threadsInIoctl(tree.helper, FIFREEZE).length > 0;
    if (phase === 'thawing' && fault !== 'helper kill -9' && fault !== 'helper SIGSTOP') {
      cont(tree.helper);
      stopped.splice(stopped.indexOf(tree.helper), 1);
    }

    const code = await Promise.race([writer.done, sleep(plan.boundMs + 10_000).then(() => 'timeout' as const)]);
    const thawMs = performance.now() - faultAt;
    if (code !== 0) throw new Error(`the blocked writer did not finish (${String(code)}) within ${plan.boundMs + 10_000} ms of the fault`);
    if (fileSha256(writer.target) !== writer.sha256) throw new Error('checksum mismatch after thaw');
    for (const w of slipped) if ((await w.done) !== 0 || fileSha256(w.target) !== w.sha256) throw new Error(`writer ${w.target}, done before the freeze took hold, failed or has the wrong bytes`);
    if (thawMs > plan.boundMs) throw new Error(`thawed ${thawMs.toFixed(0)} ms after the fault; bound ${plan.bound}`);
    for (const pid of stopped.splice(0)) cont(pid);

    await recover(fault, app, browser, mount, tag, page);
    return { thawMs, insideFreeze };
  } finally {
    for (const pid of stopped) cont(pid);
    await page?.closePage().catch(() => undefined);
    await app.stop();
    rmSync(join(mount.mountpoint, 'dirty.bin'), { force: true });
  }
}

/** Deliver one fault to the process tree (a stopped process is stopped once). */
export async function inject(fault: Fault, s: { app: AppProcess; page?: RendererPage; tree: { helper?: number; guardian?: number }; stopped: number[] }): Promise<void> {
  switch (fault) {
    case 'renderer closed':
      return s.page!.closePage();
    case 'renderer crashed':
      if (s.page!.killRenderer().length === 0) throw new Error('no renderer process to kill');
      return;
    case 'main kill -9':
      return s.app.signal('SIGKILL');
    case 'main SIGSTOP':
      s.app.signal('SIGSTOP');
      s.stopped.push(s.app.pid);
      return;
    case 'helper kill -9':
      process.kill(s.tree.helper!, 'SIGKILL');
      return;
    case 'helper SIGSTOP':
      if (!s.stopped.includes(s.tree.helper!)) {
        process.kill(s.tree.helper!, 'SIGSTOP');
        s.stopped.push(s.tree.helper!);
      }
      return;
    case 'guardian kill -9':
      process.kill(s.tree.guardian!, 'SIGKILL');
      return;
  }
}

/**
 * The next action works: through a fresh main if main was killed, else the
 * same one (a fresh page for the renderer cells): once the app shows the
 * filesystem thawed, one freeze blocks a writer and one thaw releases it.
 */
async function recover(fault: Fault, app: AppProcess, browser: RendererDriver | undefined, mount: LoopMount, tag: string, old?: RendererPage): Promise<void> {
  const fresh = fault === 'main kill -9' ? await AppProcess.start({ leaseMs: LEASE_MS }) : app;
  let page: RendererPage | undefined;
  try {
    const seenThawed = await waitUntil(async () => (await fresh.row(mount.mountpoint)).freeze.state === 'thawed', 5000, 50);
    if (!seenThawed) {
      const row = await fresh.row(mount.mountpoint);
      const helper = await fresh.helper();
      throw new Error(`the app still shows ${mount.mountpoint} as ${row.freeze.state} 5 s after the thaw: ${JSON.stringify(row.freeze)}; helper ${JSON.stringify(helper)}`);
    }
    if (fault.startsWith('renderer')) {
      await old?.closePage().catch(() => undefined);
      page = await browser!.open(await fresh.loginUrl());
    }
    const caller: Caller = page ?? fresh;
    const row = await fresh.row(mount.mountpoint);
    resultValue(await caller.call('freeze.start', { id: row.id, timeoutMs: 5000 }), 'recovery freeze.start');
    const writer = startWriter(join(mount.mountpoint, `recover-${tag}.bin`), 64 * 1024);
    await waitUntilBlocked(writer);
    resultValue(await caller.call('freeze.thaw', { id: row.id }), 'recovery freeze.thaw');
    if ((await writer.done) !== 0 || fileSha256(writer.target) !== writer.sha256) throw new Error('recovery writer failed');
  } finally {
    await page?.closePage().catch(() => undefined);
    if (fresh !== app) await fresh.stop();
  }
}

/** Lets a stopped process run again (it may be gone). */
export function cont(pid: number): void {
  try {
    process.kill(pid, 'SIGCONT');
  } catch {
    // gone
  }
}

