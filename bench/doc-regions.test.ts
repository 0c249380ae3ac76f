import { describe, expect, it } from 'vitest';
import { replaceRegion } from './doc-regions';
import { measuredOn } from './measured-on';

describe('generated figures in the docs', () => {
  const doc = 'intro\n<!-- bench:app -->\n| old | table |\n<!-- /bench:app -->\nafter\n<!-- bench:backup -->\nkept\n<!-- /bench:backup -->\n';

  it('replaces what is between its markers, and nothing else', () => {
    expect(replaceRegion(doc, 'app', 'Measured now.\n\n| new |')).toBe('intro\n<!-- bench:app -->\nMeasured now.\n\n| new |\n<!-- /bench:app -->\nafter\n<!-- bench:backup -->\nkept\n<!-- /bench:backup -->\n');
  });

  it('refuses a region the file does not have', () => {
    expect(() => replaceRegion(doc, 'helper', 'x')).toThrow('no <!-- bench:helper --> ... <!-- /bench:helper --> region to replace');
  });

  it('dates a table with the time, the commit, the machine and its load', () => {
    const line = measuredOn(new Date('2026-12-06T03:41:59Z'), 12.34);
    expect(line).toMatch(/^Measured 2026-12-06 03:41 UTC at commit ([0-9a-f]{10}( \+ uncommitted changes)?|no git checkout) on .+, \d+ cores, \d+ GiB, .+, Linux \S+, node v\d+\.\d+\.\d+, load average 12\.3 at its start\.$/);
  });
});
