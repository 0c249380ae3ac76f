import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../app';
import { fail, makeRow } from '../../testing/fake-api';
import { renderWithStore, sizeScrollBoxesEachTest, storeWith } from '../../testing/render';

sizeScrollBoxesEachTest();

const ROOT_REASON = 'The root filesystem: every program writes to it, including this app.';
const VAR_REASON = 'Holds /var: journald and login records block, so new SSH logins hang.';

function setup() {
  const rows = [makeRow('m1', { path: '/srv/data' }), makeRow('m2', { path: '/', danger: [{ kind: 'root', reason: ROOT_REASON }, { kind: 'var', reason: VAR_REASON }] })];
  const { store, api } = storeWith(rows);
  renderWithStore(<App />, store, api);
  return { store, api };
}

function openFreeze(path: string) {
  const button = within(screen.getByRole('row', { name: path })).getByRole('button', { name: 'Freeze' });
  button.focus();
  act(() => button.click());
  return button;
}

function timeoutField() {
  return screen.getByLabelText('Auto-thaw after (seconds)') as HTMLInputElement;
}

function submitButton() {
  return within(screen.getByRole('dialog')).getByRole('button', { name: 'Freeze' }) as HTMLButtonElement;
}

describe('Freeze dialog', () => {
  it('defaults to 60 seconds and sends the timeout in milliseconds', async () => {
    const { api } = setup();
    openFreeze('/srv/data');
    expect(screen.getByRole('dialog', { name: 'Freeze /srv/data' })).toBeTruthy();
    expect(timeoutField().value).toBe('60');
    expect(document.activeElement).toBe(timeoutField());
    fireEvent.change(timeoutField(), { target: { value: '90' } });
    await act(async () => submitButton().click());
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.calls.find((c) => c.method === 'freeze.start')?.params).toEqual({ id: 'm1', timeoutMs: 90_000 });
  });

  it('refuses a timeout that is not whole seconds within the helper limit', () => {
    setup();
    openFreeze('/srv/data');
    for (const [value, problem] of [
      ['0', 'The timeout must be at least 1 second.'],
      ['901', "At most 900 seconds (15 min): the helper's limit."],
      ['1.5', 'Enter a whole number of seconds, from 1 to 900.'],
      ['', 'Enter a whole number of seconds, from 1 to 900.'],
    ] as const) {
      fireEvent.change(timeoutField(), { target: { value } });
      expect(submitButton().disabled).toBe(true);
      expect(timeoutField().getAttribute('aria-invalid')).toBe('true');
      expect(document.getElementById(timeoutField().getAttribute('aria-describedby')!)?.textContent).toBe(problem);
    }
    fireEvent.change(timeoutField(), { target: { value: '900' } });
    expect(submitButton().disabled).toBe(false);
  });

  it('explains each danger and needs the mountpoint typed to confirm', async () => {
    const { api } = setup();
    openFreeze('/');
    const dialog = screen.getByRole('alertdialog', { name: 'Freeze /' });
    expect(within(dialog).getByText(ROOT_REASON)).toBeTruthy();
    expect(within(dialog).getByText(VAR_REASON)).toBeTruthy();
    // The helper allows at most 30 s on the root filesystem.
    expect(timeoutField().value).toBe('30');
    const confirm = screen.getByLabelText('Type / to confirm') as HTMLInputElement;
    const submit = within(dialog).getByRole('button', { name: 'Freeze' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    fireEvent.change(confirm, { target: { value: '/x' } });
    expect(submit.disabled).toBe(true);
    expect(within(dialog).getByText('That is not the mountpoint.')).toBeTruthy();
    fireEvent.change(confirm, { target: { value: '/' } });
    expect(submit.disabled).toBe(false);
    await act(async () => submit.click());
    expect(api.calls.find((c) => c.method === 'freeze.start')?.params).toEqual({ id: 'm2', timeoutMs: 30_000, confirm: '/' });
  });

  it('closes on Escape, makes the rest inert meanwhile, and gives focus back to the button', () => {
    setup();
    const opener = openFreeze('/srv/data');
    expect(document.querySelector('.app')!.hasAttribute('inert')).toBe(true);
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.querySelector('.app')!.hasAttribute('inert')).toBe(false);
    expect(document.activeElement).toBe(opener);
  });

  it('keeps Tab inside the dialog', () => {
    setup();
    openFreeze('/srv/data');
    const dialog = screen.getByRole('dialog');
    const cancel = within(dialog).getByRole('button', { name: 'Cancel' });
    const submit = submitButton();
    submit.focus();
    fireEvent.keyDown(submit, { key: 'Tab' });
    expect(document.activeElement).toBe(timeoutField());
    fireEvent.keyDown(timeoutField(), { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(submit);
    expect(cancel).toBeTruthy();
  });
});

describe('Probe and Extend dialogs', () => {
  it('Probe explains that it may briefly freeze, then probes', async () => {
    const { api } = setup();
    act(() => within(screen.getByRole('row', { name: '/srv/data' })).getByRole('button', { name: 'Probe' }).click());
    const dialog = screen.getByRole('dialog', { name: 'Probe /srv/data' });
    expect(within(dialog).getByText(/freezes it and thaws it again at once/)).toBeTruthy();
    await act(async () => within(dialog).getByRole('button', { name: 'Probe' }).click());
    expect(api.calls.find((c) => c.method === 'freeze.probe')?.params).toEqual({ id: 'm1' });
    expect(screen.getByText(/is not frozen\. It was frozen and thawed for a moment/)).toBeTruthy();
  });
});

describe('Extend and forced Thaw', () => {
  it('Extend sends a new timeout counted from now', async () => {
    const rows = [makeRow('m1', { path: '/srv/data' }, { state: 'frozen', remainingMs: 20_000, timeoutMs: 120_000, frozenAt: 0 })];
    const { store, api } = storeWith(rows);
    renderWithStore(<App />, store, api);
    act(() => within(screen.getByRole('row', { name: '/srv/data' })).getByRole('button', { name: 'Extend' }).click());
    const dialog = screen.getByRole('dialog', { name: 'Extend /srv/data' });
    expect(timeoutField().value).toBe('120');
    fireEvent.change(timeoutField(), { target: { value: '300' } });
    await act(async () => within(dialog).getByRole('button', { name: 'Extend' }).click());
    expect(api.calls.find((c) => c.method === 'freeze.extend')?.params).toEqual({ id: 'm1', timeoutMs: 300_000 });
  });

  it('Extend left open past the deadline says it thawed itself at its deadline, and offers Freeze again', async () => {
    const frozen = makeRow('m1', { path: '/srv/data' }, { state: 'frozen', remainingMs: 2_000, timeoutMs: 2_000, frozenAt: 0 });
    const { store, api } = storeWith([frozen]);
    renderWithStore(<App />, store, api);
    act(() => within(screen.getByRole('row', { name: '/srv/data' })).getByRole('button', { name: 'Extend' }).click());
    const thawedAt = Date.UTC(2025, 0, 1, 13, 5, 7);
    act(() => {
      store.getState().applyHistory([{ id: 'w1', path: '/srv/data', fsType: 'ext4', majorMinor: '7:1', frozenAt: thawedAt - 2_000, timeoutMs: 2_000, deadlineAt: thawedAt, thawedAt, heldMs: 2_000, endedBy: 'deadline' }]);
      store.getState().applyRow({ ...frozen, freeze: { state: 'thawed', writers: [] } });
    });
    const dialog = screen.getByRole('dialog', { name: 'Extend /srv/data' });
    expect(dialog.textContent).toMatch(/is not frozen any more: it thawed by itself at its deadline at \d\d:\d\d:\d\d\. Nothing was extended\./);
    expect(dialog.textContent).not.toMatch(/someone else|another program/);
    expect(within(dialog).queryByRole('button', { name: 'Extend' })).toBeNull();
    act(() => within(dialog).getByRole('button', { name: 'Freeze again' }).click());
    expect(screen.getByRole('dialog', { name: 'Freeze /srv/data' })).toBeTruthy();
  });

  it('an Extend refused because the deadline came first keeps the dialog open with the truth, not "someone else froze it"', async () => {
    // The reply overtakes the row's update: the row still shows frozen when NOT_FROZEN comes back.
    const { store, api } = storeWith([makeRow('m1', { path: '/srv/data' }, { state: 'frozen', remainingMs: 1, timeoutMs: 2_000, frozenAt: 0 })]);
    api.handlers['freeze.extend'] = () => fail('NOT_FROZEN', '/srv/data is not frozen any more');
    renderWithStore(<App />, store, api);
    act(() => within(screen.getByRole('row', { name: '/srv/data' })).getByRole('button', { name: 'Extend' }).click());
    const dialog = screen.getByRole('dialog', { name: 'Extend /srv/data' });
    await act(async () => within(dialog).getByRole('button', { name: 'Extend' }).click());
    expect(screen.getByRole('dialog', { name: 'Extend /srv/data' }).textContent).toContain('is not frozen any more: it thawed before the Extend arrived. Nothing was extended.');
    expect(document.body.textContent).not.toMatch(/someone else froze it/);
  });

  it('an Extend refused for another reason closes the dialog and leaves the reason on the row', async () => {
    const { store, api } = storeWith([makeRow('m1', { path: '/srv/data' }, { state: 'frozen', remainingMs: 20_000, timeoutMs: 2_000, frozenAt: 0 })]);
    api.handlers['freeze.extend'] = () => fail('HOLD_LIMIT');
    renderWithStore(<App />, store, api);
    act(() => within(screen.getByRole('row', { name: '/srv/data' })).getByRole('button', { name: 'Extend' }).click());
    await act(async () => within(screen.getByRole('dialog')).getByRole('button', { name: 'Extend' }).click());
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(within(screen.getByRole('row', { name: '/srv/data' })).getByRole('note').textContent).toContain('HOLD_LIMIT');
  });

  it('Thaw of a filesystem frozen elsewhere asks first, then forces', async () => {
    const { store, api } = storeWith([makeRow('m1', { path: '/srv/data' }, { state: 'frozen-elsewhere' })]);
    renderWithStore(<App />, store, api);
    act(() => within(screen.getByRole('row', { name: '/srv/data' })).getByRole('button', { name: 'Thaw' }).click());
    const dialog = screen.getByRole('alertdialog', { name: 'Thaw /srv/data?' });
    expect(api.calls.some((c) => c.method === 'freeze.thaw')).toBe(false);
    await act(async () => within(dialog).getByRole('button', { name: 'Thaw anyway' }).click());
    expect(api.calls.find((c) => c.method === 'freeze.thaw')?.params).toEqual({ id: 'm1', force: true });
  });

  it('Thaw of a filesystem this app holds is immediate', async () => {
    const { store, api } = storeWith([makeRow('m1', { path: '/srv/data' }, { state: 'frozen', remainingMs: 20_000, frozenAt: 0 })]);
    renderWithStore(<App />, store, api);
    await act(async () => within(screen.getByRole('row', { name: '/srv/data' })).getByRole('button', { name: 'Thaw' }).click());
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.calls.find((c) => c.method === 'freeze.thaw')?.params).toEqual({ id: 'm1' });
    expect(within(screen.getByRole('row', { name: '/srv/data' })).getByText('Thawed')).toBeTruthy();
  });
});
