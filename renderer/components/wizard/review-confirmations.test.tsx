/**
 * What the wizard's review shows before commands run (issue 12): each
 * argument with hidden and direction-changing characters escaped and long
 * ones elided visibly, as whom the commands run (root when Freezeframe
 * runs as root), and a plan changed since it was approved as changed.
 */
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { backupPlanSchema } from '../../../app/backup-schema';
import { APP_INFO } from '../../testing/fake-api';
import { makePreflight } from '../../testing/fake-backup';
import { renderWithStore, storeWith } from '../../testing/render';
import { CommandsConfirm } from './review-confirmations';

afterEach(cleanup);

const PLAN = backupPlanSchema.parse({
  version: 1,
  name: 'db',
  mounts: ['/srv/db'],
  method: 'command',
  command: { argv: ['snap', '/srv/\u202Egpj.db\u200B'], timeoutMs: 5000 },
  hooks: { postThaw: { argv: Array.from({ length: 256 }, () => 'y'.repeat(4096)), timeoutMs: 5000 } },
});

function show(overrides: Parameters<typeof makePreflight>[1] = {}, uid = 1000) {
  const { store, api } = storeWith([]);
  store.setState({ appInfo: { ...APP_INFO, runsAs: { user: uid === 0 ? 'root' : 'alice', uid } } });
  const preflight = makePreflight(PLAN, overrides);
  return renderWithStore(<CommandsConfirm preflight={preflight} checked={false} onChange={() => undefined} />, store, api);
}

describe('the commands a plan runs, as the review shows them', () => {
  it('escapes bidi and zero-width characters and elides long argv visibly, and says so', () => {
    const view = show();
    const argv = [...view.container.querySelectorAll('.command-list__argv')].map((c) => c.textContent ?? '');
    expect(argv[0]).toBe('"snap" "/srv/\\u{202E}gpj.db\\u{200B}"');
    expect(view.container.textContent).not.toMatch(/[\u202E\u200B]/);
    expect(argv[1]).toContain('more characters not shown');
    expect(argv[1]!.endsWith('…[232 more arguments not shown]')).toBe(true);
    expect(argv[1]!.length).toBeLessThan(8000);
    expect(screen.getByText(/invisible or direction-changing characters/)).toBeTruthy();
    expect(screen.getByText(/too long to show whole/)).toBeTruthy();
  });

  it('says as whom they run: the user, or root when Freezeframe runs as root', () => {
    show();
    expect(screen.getByText(/run as alice, the user Freezeframe runs as, never as root/)).toBeTruthy();
    cleanup();
    show({}, 0);
    expect(screen.getByText(/run as root: this Freezeframe runs as root/)).toBeTruthy();
    expect(screen.queryByText(/never as root/)).toBeNull();
  });

  it('a plan changed since it was approved here is shown as changed, naming what changed', () => {
    show({ approval: 'changed', changedSinceApproval: ['command', 'hooks.postThaw'] });
    expect(screen.getByRole('alert').textContent).toBe('This plan changed since you approved it here (command, hooks.postThaw): review it and confirm again.');
    expect(screen.getByRole('checkbox')).toBeTruthy();
  });
});
