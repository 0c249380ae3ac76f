/**
 * Verifying an xfs image in the Backups view, against a real loop mount:
 * xfs_repair -n always finds the log an image of a frozen xfs has, and the
 * screen says so before and after, instead of alarming red lines followed
 * by "succeeded". Plans and reports go to a config folder of this spec's own.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './app-fixture';
import { createPlanViaWizard, writeSynced } from './backup-helpers';

let configHome = '';
const previousConfigHome = process.env.XDG_CONFIG_HOME;
test.beforeAll(() => {
  configHome = mkdtempSync(join(tmpdir(), 'freezeframe-e2e-config-'));
  process.env.XDG_CONFIG_HOME = configHome;
});
test.afterAll(() => {
  if (previousConfigHome === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = previousConfigHome;
  rmSync(configHome, { recursive: true, force: true });
});

interface SeenLine {
  kind: string | null;
  className: string;
  text: string;
}

test('an xfs image’s expected log lines read as expected, after their explanation, and the report says why it is clean', async ({ app: { page, fixture, xfs } }) => {
  test.setTimeout(120_000);
  const snapshots = join(fixture.dir, 'snapshots');
  mkdirSync(snapshots);
  writeSynced(join(xfs.mountpoint, 'before.bin'), 1 << 20);
  await createPlanViaWizard(page, { name: 'e2e-xfs-verify', mounts: [xfs.mountpoint], filter: fixture.dir, snapshotDir: snapshots });

  // Every output line as it appears (the run panel gives way to the report when the run ends).
  await page.evaluate(() => {
    const web = globalThis as unknown as {
      seen: SeenLine[];
      document: { body: unknown };
      MutationObserver: new (cb: (records: Array<{ addedNodes: Iterable<{ classList?: { contains(c: string): boolean }; className: string; textContent: string; getAttribute(n: string): string | null }> }>) => void) => { observe(target: unknown, options: object): void };
    };
    web.seen = [];
    new web.MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.classList?.contains('run-output__line')) web.seen.push({ kind: node.getAttribute('data-kind'), className: node.className, text: node.textContent });
        }
      }
    }).observe(web.document.body, { childList: true, subtree: true });
  });
  await page.getByRole('button', { name: 'Run backup' }).click();
  await expect(page.getByRole('heading', { name: /^Report: e2e-xfs-verify/ })).toBeVisible({ timeout: 90_000 });

  const seen = await page.evaluate(() => (globalThis as unknown as { seen: SeenLine[] }).seen);
  const verify = seen.filter((l) => l.text.startsWith('[verify]'));
  const note = verify.findIndex((l) => l.kind === 'note');
  const alerts = verify.filter((l) => l.text.includes('ALERT: '));
  expect(note, JSON.stringify(verify, null, 1)).toBeGreaterThanOrEqual(0);
  expect(verify[note]!.text).toContain('an image of a frozen xfs always has a log to replay');
  expect(alerts.length).toBeGreaterThan(0);
  for (const alert of alerts) {
    expect(alert.className).toBe('run-output__line is-expected');
    expect(alert.text).toMatch(/^\[verify\] expected: ALERT: /);
    expect(verify.indexOf(alert)).toBeGreaterThan(note);
  }
  // No line of the check in red: its progress goes to stderr, but it is progress.
  expect(verify.filter((l) => l.className.includes('is-stderr'))).toEqual([]);

  // The report: clean, and why, in view (not only in the collapsed output).
  const row = page.getByRole('row', { name: `Verification of ${xfs.mountpoint}`, exact: true });
  await expect(row).toContainText('clean');
  const why = row.getByText(/^Clean apart from the log, as expected\. A frozen xfs keeps its last superblock update in the log/);
  await expect(why).toBeVisible();
});
