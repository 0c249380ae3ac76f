/**
 * The IPC channel names, shared by the preload and the IPC adapter: one
 * channel per contract method and one per event, so a renderer can only
 * ever reach the handlers the contract names (no generic invoke channel).
 */
import type { EventName, MethodName } from '../../app/contract';

export function methodChannel(method: MethodName): string {
  return `freezeframe:call:${method}`;
}

export function eventChannel(event: EventName): string {
  return `freezeframe:event:${event}`;
}
