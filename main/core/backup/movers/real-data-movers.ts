/** The data movers the engine uses outside unit tests. */
import { allocatedBytes, cloneFile, estimateCopyMs, probeReflink } from './clone';
import type { DataMovers } from './data-movers';
import { readDirtyBytes, syncFilesystem } from './dirty';
import { exportFiles, exportTree } from './export';
import { checkFolder } from './folders';
import { backingFileOf, backingFileOfSource } from './loop-backing';
import { verifyBtrfsSnapshot, verifyImage } from './verify';

export const realDataMovers: DataMovers = {
  cloneFile: (opts) => cloneFile(opts),
  probeReflink: (source, targetDir) => probeReflink(source, targetDir),
  allocatedBytes,
  estimateCopyMs,
  backingFileOf: async ({ majorMinor, source }) => (await backingFileOf(majorMinor)) ?? (await backingFileOfSource(source)),
  verifyImage,
  verifyBtrfsSnapshot,
  exportFiles,
  exportTree,
  checkFolder: (path, opts) => checkFolder(path, opts),
  readDirtyBytes,
  syncFilesystem,
};
