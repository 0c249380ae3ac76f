/**
 * The zod schema of a backup plan: main parses every plan with it (plans.save,
 * the plan store, the command line), and the renderer's wizard checks its
 * draft with it before plans.save. Apart from app/backup.ts (the types and
 * constants) because with zod it is ~85 kB of minified renderer code: the
 * mount table imports app/backup.ts and must not pay for zod, so in the
 * renderer only the wizard's lazily loaded check (renderer/store/plan-check.ts)
 * imports this file.
 */
import { z } from 'zod';
import { PLAN_NAME_PATTERN, SNAPSHOT_METHODS } from './backup';
import {
  DEFAULT_HOLD_WINDOW_MS,
  DEFAULT_QUIESCE_WINDOW_MS,
  DEFAULT_RELEASE_TIMEOUT_MS,
  MAX_RELEASE_TIMEOUT_MS,
  MAX_RETENTION_KEEP,
  MAX_WINDOW_MS,
  MIN_RELEASE_TIMEOUT_MS,
  MIN_WINDOW_MS,
} from './limits';

const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') && !p.includes('\0') && !p.includes('\n'), 'an absolute path without NUL or newline');
const argv = z
  .array(z.string().max(4096).refine((a) => !a.includes('\0'), 'no NUL'))
  .min(1)
  .max(256)
  .refine((a) => a[0]!.length > 0, 'a program name');
const windowMs = z.number().int().min(MIN_WINDOW_MS).max(MAX_WINDOW_MS);

/**
 * A command the app runs as the user, as an argv (no shell). `shell: true`
 * is the explicit opt-in to `/bin/sh -c argv[0]` for pipelines.
 */
export const commandSpecSchema = z
  .object({
    argv,
    timeoutMs: windowMs,
    shell: z.boolean().optional(),
  })
  .strict();

/**
 * A hook that holds a lock only while it runs (MySQL's FLUSH TABLES WITH
 * READ LOCK lives as long as its session): it prints `readyLine` on stdout
 * when the lock is taken, and is told to let go after the thaw (stdin
 * closed, then SIGTERM after `releaseTimeoutMs`).
 */
export const holdHookSchema = z
  .object({
    argv,
    shell: z.boolean().optional(),
    readyLine: z.string().min(1).max(200).default('READY'),
    readyTimeoutMs: windowMs,
    releaseTimeoutMs: z.number().int().min(MIN_RELEASE_TIMEOUT_MS).max(MAX_RELEASE_TIMEOUT_MS).default(DEFAULT_RELEASE_TIMEOUT_MS),
  })
  .strict();

export const backupPlanSchema = z
  .object({
    version: z.literal(1),
    name: z.string().regex(PLAN_NAME_PATTERN, 'letters, digits, ".", "_" or "-", up to 64'),
    /** Mountpoints frozen together, all or nothing (a consistency group). */
    mounts: z.array(absolutePath).min(1).max(16),
    method: z.enum(SNAPSHOT_METHODS),
    /** From the pre-freeze hook's start to the thaw. */
    quiesceWindowMs: windowMs.default(DEFAULT_QUIESCE_WINDOW_MS),
    /** From the freeze to the thaw; also the helper's auto-thaw deadline. */
    holdWindowMs: windowMs.default(DEFAULT_HOLD_WINDOW_MS),
    /** `sync -f` each member before the freeze, so the freeze itself is short. */
    preSync: z.boolean().default(true),
    hooks: z
      .object({
        preFreeze: commandSpecSchema.optional(),
        hold: holdHookSchema.optional(),
        postThaw: commandSpecSchema.optional(),
      })
      .strict()
      .default({}),
    /** method 'command': its exit status decides; the members are in its environment. */
    command: commandSpecSchema.optional(),
    /** method 'manual': the operator's checklist, shown with the countdown. */
    manual: z
      .object({ checklist: z.array(z.string().max(500)).max(20).default([]) })
      .strict()
      .optional(),
    /** method 'image-clone': where the clones of the backing files go (on the host filesystem). */
    imageClone: z
      .object({
        snapshotDir: absolutePath,
        reflink: z.enum(['auto', 'always', 'never']).default('auto'),
      })
      .strict()
      .optional(),
    /** method 'btrfs': where read-only snapshots go; default `<mountpoint>/.freezeframe-snapshots`. */
    btrfs: z.object({ snapshotDir: absolutePath.optional() }).strict().optional(),
    /** Back up from the snapshot: verify, then export to `destination` with a SHA-256 manifest. */
    backup: z
      .object({
        destination: absolutePath.optional(),
        verify: z.boolean().default(true),
      })
      .strict()
      .default({ verify: true }),
    /** Keep the last `keep` snapshots and exports of this plan; older ones are removed. */
    retention: z.object({ keep: z.number().int().min(1).max(MAX_RETENTION_KEEP) }).strict().optional(),
    /** Mountpoints marked dangerous that the user confirmed by typing them. */
    confirmDangerous: z.array(absolutePath).max(16).default([]),
  })
  .strict()
  .superRefine((plan, ctx) => {
    const need = (ok: unknown, message: string): void => {
      if (!ok) ctx.addIssue({ code: 'custom', message });
    };
    need(plan.method !== 'command' || plan.command, 'the command method needs a command');
    need(plan.method !== 'image-clone' || plan.imageClone, 'the image-clone method needs imageClone.snapshotDir');
    need(new Set(plan.mounts).size === plan.mounts.length, 'a mountpoint is listed twice');
    need(plan.holdWindowMs <= plan.quiesceWindowMs, 'the hold window must fit in the quiesce window');
  });
