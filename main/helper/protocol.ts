/**
 * Helper protocol v1 as TypeScript types and zod schemas. The helper is
 * trusted (it runs as root and we built it), but its output is still parsed,
 * not cast: a helper from another build must fail loudly, not half-work.
 */
import { z } from 'zod';
import { HELPER_ERROR_CODES } from '../../app/errors';

export const PROTOCOL_VERSION = 1;

export const THAW_REASONS = [
  'request',
  'deadline',
  'lease-expired',
  'client-gone',
  'signal',
  'group-rollback',
  'shutdown',
  'protocol-abuse',
] as const;

const mountSchema = z.object({
  path: z.string(),
  mountId: z.number().int(),
  majorMinor: z.string(),
  fsType: z.string(),
  source: z.string(),
  options: z.string(),
  readOnly: z.boolean(),
});

const heldSchema = mountSchema.extend({
  frozenAt: z.number(),
  deadline: z.number(),
  remainingMs: z.number(),
});

export const helloSchema = z.object({
  type: z.literal('hello'),
  protocol: z.number().int(),
  helperVersion: z.string(),
  pid: z.number().int(),
  euid: z.number().int(),
  leaseMs: z.number().int(),
  maxTimeoutMs: z.number().int(),
  maxHoldMs: z.number().int(),
  guardianPid: z.number().int(),
});

const errorSchema = z.object({
  code: z.enum(HELPER_ERROR_CODES),
  message: z.string(),
  errno: z.number().int().optional(),
  path: z.string().optional(),
});

export const replySchema = z.union([
  z.looseObject({ type: z.literal('reply'), id: z.number().int(), ok: z.literal(true) }),
  z.object({
    type: z.literal('reply'),
    id: z.number().int().nullable(),
    ok: z.literal(false),
    error: errorSchema,
  }),
]);

export const eventSchema = z.discriminatedUnion('event', [
  z.object({ type: z.literal('event'), event: z.literal('frozen'), mount: mountSchema, frozenAt: z.number(), deadline: z.number(), remainingMs: z.number() }),
  z.object({ type: z.literal('event'), event: z.literal('extended'), mount: mountSchema, frozenAt: z.number().optional(), deadline: z.number(), remainingMs: z.number() }),
  z.object({
    type: z.literal('event'),
    event: z.literal('thawed'),
    mount: mountSchema,
    reason: z.enum(THAW_REASONS),
    heldMs: z.number().nullable(),
    alreadyThawed: z.boolean().optional(),
    error: z.object({ code: z.string(), message: z.string(), errno: z.number().optional() }).optional(),
  }),
  z.object({ type: z.literal('event'), event: z.literal('lease-warning'), leaseDeadline: z.number(), remainingMs: z.number() }),
  z.object({ type: z.literal('event'), event: z.literal('guardian-restarted'), guardianPid: z.number().int() }),
]);

export const freezeResultSchema = z.object({ mount: mountSchema, frozenAt: z.number(), deadline: z.number(), remainingMs: z.number() });
export const freezeGroupResultSchema = z.object({ mounts: z.array(mountSchema), frozenAt: z.number(), deadline: z.number(), remainingMs: z.number() });
export const thawResultSchema = z.object({ mount: mountSchema, thawedAt: z.number(), heldMs: z.number().nullable() });
export const thawAllResultSchema = z.object({ thawed: z.array(z.string()) });
export const extendResultSchema = z.object({ mount: mountSchema, deadline: z.number(), remainingMs: z.number() });
export const statusResultSchema = z.object({
  frozen: z.array(heldSchema),
  leaseDeadline: z.number(),
  guardian: z.object({ pid: z.number().int(), alive: z.boolean() }),
  pending: z.array(z.string()).optional(),
});
export const heartbeatResultSchema = z.object({ leaseDeadline: z.number() });
export const probeResultSchema = z.object({ frozen: z.boolean(), intrusive: z.boolean() });
export const writersResultSchema = z.object({
  blocked: z.array(
    z.object({
      pid: z.number().int(),
      tid: z.number().int().optional(),
      comm: z.string(),
      syscall: z.string(),
      path: z.string().nullable(),
      wchan: z.string().optional(),
    }),
  ),
  truncated: z.boolean().optional(),
});
export const shutdownResultSchema = z.object({ thawed: z.array(z.string()) });

export type Hello = z.infer<typeof helloSchema>;
export type MountInfo = z.infer<typeof mountSchema>;
export type HeldMount = z.infer<typeof heldSchema>;
export type HelperEvent = z.infer<typeof eventSchema>;
export type ThawReason = (typeof THAW_REASONS)[number];
export type FreezeResult = z.infer<typeof freezeResultSchema>;
export type FreezeGroupResult = z.infer<typeof freezeGroupResultSchema>;
export type ThawResult = z.infer<typeof thawResultSchema>;
export type ThawAllResult = z.infer<typeof thawAllResultSchema>;
export type ExtendResult = z.infer<typeof extendResultSchema>;
export type StatusResult = z.infer<typeof statusResultSchema>;
export type HeartbeatResult = z.infer<typeof heartbeatResultSchema>;
export type ProbeResult = z.infer<typeof probeResultSchema>;
export type WritersResult = z.infer<typeof writersResultSchema>;
export type BlockedWriter = WritersResult['blocked'][number];
export type ShutdownResult = z.infer<typeof shutdownResultSchema>;

/** Which of the two a thaw or extend names; at least one. */
export type MountTarget = { path: string; mountId?: number } | { path?: string; mountId: number };
