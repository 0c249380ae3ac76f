/**
 * What the engine needs from the data movers (clone.ts, verify.ts,
 * export.ts, dirty.ts, loop-backing.ts): one seam, so the engine's unit
 * tests can pass small fakes and everything else passes the real ones
 * (real-data-movers.ts).
 */
import type { ExportedFile, VerificationResult, OutputKind } from '../../../../app/backup';
import type { FolderCheck } from './folders';

export interface ExportResult {
  directory: string;
  manifest: string;
  files: ExportedFile[];
  bytes: number;
  ms: number;
}

type Progress = (done: number, total: number) => void;

export interface DataMovers {
  cloneFile(opts: { source: string; target: string; reflink: 'auto' | 'always' | 'never'; signal?: AbortSignal; onProgress?: Progress }): Promise<{
    bytes: number;
    allocatedBytes: number;
    reflinked: boolean;
    ms: number;
  }>;
  probeReflink(source: string, targetDir: string): Promise<boolean>;
  allocatedBytes(path: string): Promise<number>;
  estimateCopyMs(allocatedBytes: number, reflink: boolean): number;
  /** The loop device's backing file: by major:minor, or (btrfs lists an anonymous 0:N) by its source device. */
  backingFileOf(mount: { majorMinor: string; source: string }): Promise<string | undefined>;
  verifyImage(
    image: string,
    fsType: string,
    opts: { signal?: AbortSignal; timeoutMs?: number; onOutput?(stream: 'stdout' | 'stderr', text: string, kind?: OutputKind): void },
  ): Promise<VerificationResult>;
  verifyBtrfsSnapshot(path: string): Promise<VerificationResult>;
  exportFiles(opts: { files: Array<{ source: string; name: string }>; destinationDir: string; label: string; signal?: AbortSignal; onProgress?: Progress }): Promise<ExportResult>;
  exportTree(opts: { sourceDir: string; destinationDir: string; label: string; signal?: AbortSignal; onProgress?: Progress }): Promise<ExportResult>;
  /** Pre-flight of a folder a run writes to (folders.ts): safe, creatable, its free space; throws why not. */
  checkFolder(path: string, opts: { probe: boolean }): Promise<FolderCheck>;
  readDirtyBytes(): Promise<number>;
  syncFilesystem(path: string, timeoutMs: number, signal?: AbortSignal): Promise<void>;
}
