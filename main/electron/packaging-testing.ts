/**
 * For the packaging tests: whether the Electron runtime is here (the check
 * scripts/start.mjs and scripts/dist.mjs make), without trying to fetch it.
 */
import { electronDist, REPO_ROOT } from '../../scripts/electron-runtime.mjs';

export { REPO_ROOT };

export function electronRuntimeAvailable(root = REPO_ROOT): boolean {
  return electronDist(root) !== undefined;
}
