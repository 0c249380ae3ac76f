/**
 * The figures in README.md and docs/ are generated, not copied by hand:
 * each sits between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, and
 * `npm run bench -- --write` replaces what is between with this run's table
 * (and its measured-on line). A region the run did not measure is left as it
 * was, with its own date.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface DocRegion {
  /** Repository-relative file, e.g. README.md. */
  file: string;
  name: string;
  markdown: string;
}

export function replaceRegion(text: string, name: string, markdown: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`no ${open} ... ${close} region to replace`);
  return `${text.slice(0, start + open.length)}\n${markdown.trim()}\n${text.slice(end)}`;
}

/** Writes each region into its file; returns the files written. */
export function writeRegions(root: string, regions: DocRegion[]): string[] {
  const files = [...new Set(regions.map((r) => r.file))];
  for (const file of files) {
    const path = `${root}/${file}`;
    let text = readFileSync(path, 'utf8');
    for (const region of regions.filter((r) => r.file === file)) text = replaceRegion(text, region.name, region.markdown);
    writeFileSync(path, text);
  }
  return files;
}
