/**
 * Splits a byte stream into lines without ever pausing the stream: the
 * helper must never see back-pressure from us (its output buffer is bounded
 * and it drops what does not fit). A line longer than maxLine is reported
 * and skipped rather than buffered without bound.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partLength = 0;
  private overlong = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverlong: (length: number) => void,
    private readonly maxLine = 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) {
        this.keep(chunk.subarray(start));
        return;
      }
      this.keep(chunk.subarray(start, nl));
      this.flushLine();
      start = nl + 1;
    }
  }

  private keep(piece: Buffer): void {
    if (piece.length === 0) return;
    this.partLength += piece.length;
    if (this.overlong || this.partLength > this.maxLine) {
      this.overlong = true;
      this.parts = [];
      return;
    }
    this.parts.push(piece);
  }

  private flushLine(): void {
    const length = this.partLength;
    const overlong = this.overlong;
    const line = overlong ? '' : Buffer.concat(this.parts, length).toString('utf8');
    this.parts = [];
    this.partLength = 0;
    this.overlong = false;
    if (overlong) this.onOverlong(length);
    else if (line.length > 0) this.onLine(line);
  }
}
