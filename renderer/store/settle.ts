/** A contract call that never throws: a bridge that throws (a dropped socket) becomes a failure like any other. */
import type { Result } from '../../app/contract';
import type { AppErrorShape } from '../../app/errors';

export async function settle<T>(call: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await call();
  } catch (error) {
    const shape: AppErrorShape = { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
    return { ok: false, error: shape };
  }
}
