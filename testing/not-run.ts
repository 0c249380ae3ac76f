/**
 * NOT RUN in vitest: a test that cannot run here is skipped with its reason
 * in the test's meta (`meta.notRun`), which vitest's JSON report carries to
 * `npm test`'s summary. Also vitest's setup file for the suites that make
 * loop mounts (vitest.config.ts): a test whose fixture.mount() lacks its
 * mkfs tool is skipped as NOT RUN rather than failed.
 */
import { TestRunner, type TestOptions } from 'vitest';
import { LoopFixture, onMissingMkfs, type FixtureFsType, type LoopMount } from './loop-mounts';
import { missingTools, NotRunError, notRunText, type NotRunReason } from './requirements';

declare module 'vitest' {
  interface TaskMeta {
    notRun?: NotRunReason;
  }
}

/** Skips the running test as NOT RUN; outside a test (a hook) throws NotRunError. */
export function skipRunningTest(reason: NotRunReason): never {
  const test = TestRunner.getCurrentTest();
  if (!test) throw new NotRunError(reason);
  test.meta.notRun = reason;
  test.context.skip(`NOT RUN: ${notRunText(reason)}`);
  throw new NotRunError(reason); // not reached: skip() throws
}

/** In a test's body: NOT RUN unless every command or file is here. */
export function requireTools(...items: string[]): void {
  const missing = missingTools(...items);
  if (missing) skipRunningTest(missing);
}

/**
 * Options for describe() or it(): skipped as NOT RUN when there is a
 * reason. Tests inherit a describe block's meta, so each says why.
 */
export function notRunUnless(reason: NotRunReason | undefined): TestOptions {
  return reason ? { skip: true, meta: { notRun: reason } } : {};
}

/**
 * For hooks (beforeAll): the mount, or, where its mkfs tool is missing, a
 * stand-in whose first use inside a test skips that test as NOT RUN. So a
 * suite of ext4 and xfs tests still runs its ext4 ones without mkfs.xfs.
 */
export async function mountOrNotRun(fixture: LoopFixture, fsType: FixtureFsType, options?: Parameters<LoopFixture['mount']>[1]): Promise<LoopMount> {
  const missing = LoopFixture.missingMkfs(fsType);
  if (!missing) return fixture.mount(fsType, options);
  return new Proxy({} as LoopMount, {
    get: (_target, property) => (property === 'then' ? undefined : skipRunningTest(missing)),
  });
}

onMissingMkfs((reason) => {
  if (TestRunner.getCurrentTest()) skipRunningTest(reason);
});
