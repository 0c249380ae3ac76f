/**
 * Schemas for everything the renderer sends. Main parses each call with
 * these before anything else happens (the renderer is untrusted), so a
 * handler in main/core only ever sees well-formed parameters.
 */
import { z } from 'zod';
import { PLAN_NAME_PATTERN } from './backup';
import { backupPlanSchema } from './backup-schema';
import type { MethodName, Params } from './contract';
import { CONTRACT_MAX_TIMEOUT_MS, MIN_TIMEOUT_MS } from './limits';

const mountId = z.string().regex(/^m[0-9]{1,10}$/, 'a mount id from mounts.list');
const timeoutMs = z.number().int().min(MIN_TIMEOUT_MS).max(CONTRACT_MAX_TIMEOUT_MS);
const none = z.object({}).strict();
const planName = z.string().regex(PLAN_NAME_PATTERN, 'a plan name');
const digest = z.string().regex(/^[a-f0-9]{64}$/);
const runId = z.string().regex(/^[0-9]{8}T[0-9]{6}Z-[a-f0-9]{8}$/, 'a run id');

export const paramSchemas = {
  'app.info': none,
  'mounts.list': none,
  'freeze.start': z.object({ id: mountId, timeoutMs, confirm: z.string().max(4096).optional() }).strict(),
  'freeze.thaw': z.object({ id: mountId, force: z.boolean().optional() }).strict(),
  'freeze.extend': z.object({ id: mountId, timeoutMs }).strict(),
  'freeze.probe': z.object({ id: mountId }).strict(),
  'freeze.thawAll': none,
  'helper.status': none,
  'helper.start': none,
  'history.list': none,
  'plans.list': none,
  'plans.save': z.object({ plan: backupPlanSchema }).strict(),
  'plans.delete': z.object({ name: planName }).strict(),
  'backup.preflight': z.union([z.object({ name: planName }).strict(), z.object({ plan: backupPlanSchema }).strict()]),
  'backup.start': z.union([z.object({ name: planName, confirmCommands: digest.optional() }).strict(), z.object({ plan: backupPlanSchema, confirmCommands: digest }).strict()]),
  'backup.confirmSnapshot': z.object({ runId, notes: z.string().max(10_000).optional() }).strict(),
  'backup.cancel': z.object({ runId }).strict(),
  'backup.current': none,
  'reports.list': none,
  'reports.get': z.object({ runId }).strict(),
  'reports.export': z.object({ runId, format: z.enum(['json', 'markdown']) }).strict(),
  'sessions.list': none,
  'sessions.revoke': z.object({ id: z.string().regex(/^[a-f0-9]{12}$/, 'a session id from sessions.list') }).strict(),
} satisfies { [M in MethodName]: z.ZodType<Params<M>> };

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.hasOwn(paramSchemas, value);
}

/** Mount ids are `m` + the kernel's mount id: stable while mounted, unique at a time. */
export function mountIdFor(kernelMountId: number): string {
  return `m${kernelMountId}`;
}
