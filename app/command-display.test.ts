import { describe, expect, it } from 'vitest';
import { displayCommand, displayNotes, visibleText } from './command-display';

describe('commands as confirmations show them (issue 12)', () => {
  it('escapes bidi overrides and isolates, zero-width characters, the BOM, controls and odd spaces visibly', () => {
    // "rm -rf /tmp/x" that reads as something else: a right-to-left override reverses what follows.
    expect(visibleText('/tmp/\u202Egpj.exe')).toBe('/tmp/\\u{202E}gpj.exe');
    expect(visibleText('a\u2066b\u2069c\u200Bd\u200De\uFEFFf\u00ADg')).toBe('a\\u{2066}b\\u{2069}c\\u{200B}d\\u{200D}e\\u{FEFF}f\\u{00AD}g');
    expect(visibleText('tab\there\nnl\u0085\u2028\u00A0\u3000 ok')).toBe('tab\\u{0009}here\\u{000A}nl\\u{0085}\\u{2028}\\u{00A0}\\u{3000} ok');
    expect(visibleText('say "hi" \\ ')).toBe('say \\"hi\\" \\\\ ');
    expect(visibleText('lone \uD800 surrogate')).toBe('lone \\u{D800} surrogate');
    expect(visibleText('emoji 😀 and accents éü stay')).toBe('emoji 😀 and accents éü stay');
  });

  it('quotes each argument; the shell form shows what /bin/sh -c runs', () => {
    expect(displayCommand(['pg_dump', '--file', 'a b'], false)).toEqual({ text: '"pg_dump" "--file" "a b"', elided: false, escaped: false });
    expect(displayCommand(['lvcreate -s "$1"', 'vg/pg'], true).text).toBe('/bin/sh -c "lvcreate -s \\"$1\\"" "vg/pg"');
    expect(displayCommand(['x\u202E'], false)).toMatchObject({ escaped: true });
  });

  it('elides long arguments and many arguments visibly, outside the quotes (256 x 4096 characters)', () => {
    const argv = Array.from({ length: 256 }, (_, i) => `${i}`.padEnd(4096, 'x'));
    const shown = displayCommand(argv, false);
    expect(shown.elided).toBe(true);
    expect(shown.text.length).toBeLessThan(8000);
    expect(shown.text).toContain('"…[3,856 more characters not shown]…"');
    expect(shown.text.endsWith('…[232 more arguments not shown]')).toBe(true);
    // An argument cannot fake the marker: inside quotes its quotes are escaped.
    const fake = displayCommand(['a"…[99 more characters not shown]…"b'], false).text;
    expect(fake).toBe('"a\\"…[99 more characters not shown]…\\"b"');
    expect(displayNotes([shown, displayCommand(['\u202E'], false)])).toHaveLength(2);
    expect(displayNotes([displayCommand(['ok'], false)])).toEqual([]);
  });
});
