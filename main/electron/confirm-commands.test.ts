import { describe, expect, it } from 'vitest';
import { CANCEL_BUTTON, commandsMessageBox, confirmCommandsWith } from './confirm-commands';

const request = {
  planName: 'pg',
  commands: [
    { role: 'hold' as const, argv: ['/usr/local/bin/pg-lock', '--wait 5'], shell: false },
    { role: 'command' as const, argv: ['lvcreate -s "$1"', 'vg/pg'], shell: true },
  ],
};

describe('the native confirmation of a plan\'s commands', () => {
  it('lists each role and argv exactly, says as whom they run; Cancel is the default', () => {
    const box = commandsMessageBox(request, { user: 'alice', uid: 1000 });
    expect(box.message).toBe('The backup plan "pg" runs these 2 commands:');
    expect(box.detail).toBe(
      [
        '1. Hold hook (keeps running through the freeze):',
        '"/usr/local/bin/pg-lock" "--wait 5"',
        '',
        '2. Snapshot command (while frozen), through /bin/sh -c:',
        '/bin/sh -c "lvcreate -s \\"$1\\"" "vg/pg"',
        '',
        'They run as alice (not as root), at each run of this plan, until the plan changes: then you are asked again.',
      ].join('\n'),
    );
    expect(box.buttons).toEqual(['Run these commands', 'Cancel']);
    expect(box.defaultId).toBe(CANCEL_BUTTON);
    expect(box.cancelId).toBe(CANCEL_BUTTON);
  });

  it('says root when Freezeframe runs as root, never "(not as root)" then (issue 12)', () => {
    expect(commandsMessageBox(request, { user: 'root', uid: 0 }).detail).toMatch(/They run as root \(Freezeframe runs as root\), at each run/);
    expect(commandsMessageBox(request, { user: 'root', uid: 0 }).detail).not.toMatch(/not as root/);
  });

  it('escapes direction-changing and invisible characters and elides 256 x 4096 characters visibly (issue 12)', () => {
    const hostile = {
      planName: 'p\u202Eg',
      commands: [
        { role: 'pre-freeze' as const, argv: ['rm', '-rf', '/srv/\u202Epg\u200B'], shell: false },
        { role: 'post-thaw' as const, argv: Array.from({ length: 256 }, () => 'x'.repeat(4096)), shell: false },
      ],
    };
    const box = commandsMessageBox(hostile, { user: 'alice', uid: 1000 });
    expect(box.message).toBe('The backup plan "p\\u{202E}g" runs these 2 commands:');
    expect(box.detail).toContain('"rm" "-rf" "/srv/\\u{202E}pg\\u{200B}"');
    expect(box.detail).not.toMatch(/[\u202E\u200B]/);
    expect(box.detail).toContain('…[232 more arguments not shown]');
    expect(box.detail).toContain('more characters not shown');
    expect(box.detail).toMatch(/invisible or direction-changing characters/);
    expect(box.detail).toMatch(/too long to show whole/);
    expect(box.detail!.length).toBeLessThan(10_000);
  });

  it('approves only on "Run these commands"', async () => {
    expect(await confirmCommandsWith(async () => ({ response: 0, checkboxChecked: false }))(request)).toBe(true);
    expect(await confirmCommandsWith(async () => ({ response: 1, checkboxChecked: false }))(request)).toBe(false);
  });
});
