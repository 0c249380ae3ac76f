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
    const box = commandsMessageBox(request, 'alice');
    expect(box.message).toBe('The backup plan "pg" runs these 2 commands:');
    expect(box.detail).toBe(
      [
        '1. Hold hook (keeps running through the freeze):',
        '["/usr/local/bin/pg-lock","--wait 5"]',
        '',
        '2. Snapshot command (while frozen), through /bin/sh -c:',
        '["lvcreate -s \\"$1\\"","vg/pg"]',
        '',
        'They run as alice (not as root), at each run of this plan, until one of them changes: then you are asked again.',
      ].join('\n'),
    );
    expect(box.buttons).toEqual(['Run these commands', 'Cancel']);
    expect(box.defaultId).toBe(CANCEL_BUTTON);
    expect(box.cancelId).toBe(CANCEL_BUTTON);
  });

  it('approves only on "Run these commands"', async () => {
    expect(await confirmCommandsWith(async () => ({ response: 0, checkboxChecked: false }))(request)).toBe(true);
    expect(await confirmCommandsWith(async () => ({ response: 1, checkboxChecked: false }))(request)).toBe(false);
  });
});
