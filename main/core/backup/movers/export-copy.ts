/**
 * The export's copier: one read pass per file feeds both the SHA-256 and
 * the copy, the next read runs while the current chunk is hashed and
 * written, zero blocks become holes, and two buffers serve a whole export
 * (no allocation per chunk).
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { BackupError } from '../backup-error';

/** Large reads stream at the device's rate; two of them are the export's whole working set. */
const CHUNK_BYTES = 4 * 1024 * 1024;
/** Hole granularity of the written copy: the page and block size of every filesystem we write to. */
const BLOCK = 4096;
const ZERO = Buffer.alloc(BLOCK);

const WASM_PAGE = 65536;
/** The global, typed here: this project's TypeScript libs leave WebAssembly out. */
const wasm = (globalThis as unknown as { WebAssembly: { Memory: new (size: { initial: number; maximum: number }) => { buffer: ArrayBuffer } } }).WebAssembly;

/**
 * Two page-aligned buffers. A Buffer's memory comes from malloc, 16 bytes
 * past a page boundary, and the kernel's copy into a misaligned buffer is
 * 3-5x slower (1 GiB from the page cache: ~1.1 s against ~0.25 s here).
 * WebAssembly memory is mmap'ed, so it starts on a page.
 */
export class CopyBuffers {
  readonly pair: [Buffer, Buffer];
  constructor() {
    const memory = new wasm.Memory({ initial: (2 * CHUNK_BYTES) / WASM_PAGE, maximum: (2 * CHUNK_BYTES) / WASM_PAGE });
    this.pair = [Buffer.from(memory.buffer, 0, CHUNK_BYTES), Buffer.from(memory.buffer, CHUNK_BYTES, CHUNK_BYTES)];
  }
}

function isZeroBlock(buf: Buffer, start: number, end: number): boolean {
  // Data blocks rarely start and end with zero: most are decided without a scan.
  if (buf[start] !== 0 || buf[end - 1] !== 0) return false;
  return buf.compare(ZERO, 0, end - start, start, end) === 0;
}

async function writeAll(dst: FileHandle, buf: Buffer, start: number, length: number, position: number): Promise<void> {
  while (length > 0) {
    const { bytesWritten } = await dst.write(buf, start, length, position);
    start += bytesWritten;
    length -= bytesWritten;
    position += bytesWritten;
  }
}

/** Writes the chunk's runs of non-zero blocks; zero blocks are skipped (the final truncate sizes the file). */
async function writeSparse(dst: FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  let i = 0;
  while (i < length) {
    while (i < length && isZeroBlock(buf, i, Math.min(i + BLOCK, length))) i += BLOCK;
    if (i >= length) break;
    const start = i;
    while (i < length && !isZeroBlock(buf, i, Math.min(i + BLOCK, length))) i += BLOCK;
    const end = Math.min(i, length);
    await writeAll(dst, buf, start, end - start, position + start);
  }
}

export function cancelled(what: string): BackupError {
  return new BackupError('CANCELLED', `Cancelled while exporting ${what}.`);
}

/**
 * Copy `source` to the new file `target` (0600: a backup holds whatever the
 * filesystem held), fsync it, and return its size and SHA-256.
 */
export async function copyHashed(source: string, target: string, buffers: CopyBuffers, signal: AbortSignal | undefined, onBytes: (n: number) => void): Promise<{ bytes: number; sha256: string }> {
  const src = await open(source, 'r');
  let dst: FileHandle | undefined;
  let pending: Promise<{ bytesRead: number }> | undefined;
  try {
    dst = await open(target, 'wx', 0o600);
    const hash = createHash('sha256');
    let which = 0;
    let position = 0;
    pending = src.read(buffers.pair[0], 0, CHUNK_BYTES, 0);
    for (;;) {
      const { bytesRead } = await pending;
      pending = undefined;
      if (bytesRead === 0) break;
      if (signal?.aborted) throw cancelled(source);
      const chunk = buffers.pair[which]!;
      const chunkPosition = position;
      position += bytesRead;
      which ^= 1;
      // The next read fills the other buffer while this one is hashed and written.
      pending = src.read(buffers.pair[which]!, 0, CHUNK_BYTES, position);
      hash.update(chunk.subarray(0, bytesRead));
      await writeSparse(dst, chunk, bytesRead, chunkPosition);
      onBytes(bytesRead);
    }
    await dst.truncate(position);
    await dst.sync();
    return { bytes: position, sha256: hash.digest('hex') };
  } finally {
    await pending?.catch(() => undefined);
    await dst?.close().catch(() => undefined);
    await src.close().catch(() => undefined);
  }
}

/**
 * A `sha256sum -c` line. Like coreutils, a name holding a backslash or a
 * newline is escaped and the line starts with a backslash.
 */
export function sha256sumLine(sha256: string, name: string): string {
  if (!/[\\\n]/.test(name)) return `${sha256}  ${name}\n`;
  return `\\${sha256}  ${name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n`;
}

/** Calls `report` at most every `intervalMs`, and always for the last bytes. */
export function throttledProgress(total: number, report: ((done: number, total: number) => void) | undefined, intervalMs = 100): (n: number) => void {
  let done = 0;
  let last = Number.NEGATIVE_INFINITY;
  return (n) => {
    done += n;
    const now = performance.now();
    if (report && (now - last >= intervalMs || done >= total)) {
      last = now;
      report(done, total);
    }
  };
}
