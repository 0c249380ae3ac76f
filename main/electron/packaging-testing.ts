/**
 * For the packaging tests: whether the Electron runtime is here (the same
 * check as scripts/start.mjs and scripts/dist.mjs), without trying to fetch it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export function electronRuntimeAvailable(root = REPO_ROOT): boolean {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  return existsSync(pathFile) && existsSync(join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim()));
}
