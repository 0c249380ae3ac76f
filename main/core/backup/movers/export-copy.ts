/**
 * What the export writes beside the copies (the copying itself, hashed in
 * the same pass, is freezeframe-fsops's: export.ts): the `sha256sum -c`
 * lines, and progress at a bounded rate.
 */

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
