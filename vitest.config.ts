import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['app/**/*.test.ts', 'main/**/*.test.ts', 'testing/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'renderer',
          include: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
          environment: 'happy-dom',
          // Loading the lazy Backups chunk once per file (renderer/testing/render.tsx) takes seconds on a loaded machine.
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // Real freezes of loop mounts, as root. One file at a time: the
          // files share loop devices and the machine's two cores. (The
          // emergency --thaw-all test runs in a mount namespace that shows it
          // only its own mounts, so it thaws nothing another suite froze.)
          name: 'integration',
          include: ['**/*.int.test.ts'],
          // A loop mount without its mkfs tool makes its test NOT RUN, not failed.
          setupFiles: ['testing/not-run.ts'],
          exclude: ['**/node_modules/**'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          // reliability/ (issue 5): fault matrix, load, self-freeze, what no
          // userspace survives, the helper's path corpus. As root, one file at
          // a time; the long variant (FREEZEFRAME_RELIABILITY_LONG=1, set by
          // `npm run test:reliability -- --long`) repeats cells for minutes.
          name: 'reliability',
          include: ['reliability/**/*.rel.test.ts'],
          setupFiles: ['testing/not-run.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 3_600_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
