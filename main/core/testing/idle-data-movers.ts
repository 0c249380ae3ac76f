/**
 * Data movers for tests of the backup service on seams: nothing to clone,
 * nothing dirty, syncs that succeed at once. A test that reaches a clone,
 * a verification or an export has wandered outside what it means to test,
 * so those throw.
 */
import type { DataMovers } from '../backup/movers/data-movers';

const unused = (): never => {
  throw new Error('not used by these tests');
};

export const idleDataMovers: DataMovers = {
  cloneFile: unused,
  probeReflink: async () => false,
  allocatedBytes: async () => 0,
  estimateCopyMs: () => 0,
  backingFileOf: async () => undefined,
  verifyImage: unused,
  verifyBtrfsSnapshot: unused,
  exportFiles: unused,
  exportTree: unused,
  // Every folder there, safe, with room: what a folder's own checks do is tested with the real tool.
  checkFolder: async (path) => ({ path, exists: true, freeBytes: 2 ** 50 }),
  readDirtyBytes: async () => 0,
  syncFilesystem: async () => undefined,
};
