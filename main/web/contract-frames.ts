/**
 * The contract over a WebSocket: `{id, method, params}` in, `{id, result}`
 * out (result is the core's Result), events out as `{event, payload}`.
 * Every frame is checked for size and shape before the core sees it; a bad
 * frame gets an INVALID_ARGUMENT answer, never an exception, and the
 * connection stays up.
 */
import type { ContractEvents, EventName, Result } from '../../app/contract';
import { isMethodName } from '../../app/schemas';
import type { CallerContext, Core } from '../core/api';

/** A call is an id, a method name and a few small fields: far below this. */
export const MAX_FRAME_BYTES = 64 * 1024;
const MAX_STRING_ID = 64;

export type CallId = number | string;

export interface CallReply {
  id: CallId | null;
  result: Result<unknown>;
}

export interface EventFrame<E extends EventName = EventName> {
  event: E;
  payload: ContractEvents[E];
}

type ParsedCall = { ok: true; id: CallId; method: string; params: unknown } | { ok: false; id: CallId | null; message: string };

export function invalid(message: string): Result<never> {
  return { ok: false, error: { code: 'INVALID_ARGUMENT', message } };
}

function isCallId(value: unknown): value is CallId {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0;
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_STRING_ID;
}

/** Checks a frame's size and shape; never throws. */
export function parseCallFrame(data: Buffer | string, isBinary: boolean): ParsedCall {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (size > MAX_FRAME_BYTES) return { ok: false, id: null, message: `A call may be at most ${MAX_FRAME_BYTES} bytes; this one was ${size}.` };
  if (isBinary) return { ok: false, id: null, message: 'Calls are JSON text frames, not binary.' };

  let frame: unknown;
  try {
    frame = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    return { ok: false, id: null, message: 'A call must be JSON: {"id", "method", "params"}.' };
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    return { ok: false, id: null, message: 'A call must be a JSON object: {"id", "method", "params"}.' };
  }
  const { id, method, params } = frame as Record<string, unknown>;
  if (!isCallId(id)) return { ok: false, id: null, message: 'A call needs an "id": a non-negative integer or a short string.' };
  if (typeof method !== 'string') return { ok: false, id, message: 'A call needs a "method" string.' };
  if (!isMethodName(method)) return { ok: false, id, message: `There is no method named ${JSON.stringify(method.slice(0, 64))}.` };
  const extra = Object.keys(frame).filter((key) => key !== 'id' && key !== 'method' && key !== 'params');
  if (extra.length > 0) return { ok: false, id, message: `Unexpected field(s) in the call: ${extra.slice(0, 5).join(', ')}.` };
  return { ok: true, id, method, params };
}

/** One frame in, the reply frame out. The core validates `params` itself; `caller` says which session sent it. */
export async function answerCallFrame(core: Core, data: Buffer | string, isBinary: boolean, caller: CallerContext = {}): Promise<CallReply> {
  const call = parseCallFrame(data, isBinary);
  if (!call.ok) return { id: call.id, result: invalid(call.message) };
  try {
    return { id: call.id, result: await core.dispatch(call.method, call.params, caller) };
  } catch (error) {
    // Core.dispatch promises never to throw; if it does, the caller still gets an answer.
    return { id: call.id, result: { ok: false, error: { code: 'INTERNAL', message: `Freezeframe failed unexpectedly: ${String(error)}` } } };
  }
}
