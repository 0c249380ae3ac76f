/* global window, location */
/**
 * The bench page's window.freezeframe (plain JS, loaded before the app's
 * module script, so renderer/main.tsx keeps it and skips the web bridge).
 * `?rows=N` mounts, a running helper, no history. mounts.list hands out a
 * JSON.parse of a pre-serialized snapshot, as the web bridge would. No core,
 * no WebSocket: the first-paint figure on this page is the renderer's alone
 * (first-paint.js times it).
 */
(function () {
  'use strict';
  const count = Number(new URLSearchParams(location.search).get('rows') || 5000);
  const TYPES = ['ext4', 'xfs', 'btrfs', 'tmpfs', 'vfat'];

  function row(n) {
    const fsType = TYPES[n % TYPES.length];
    return {
      id: 'm' + n,
      mountId: n,
      path: '/srv/bench/volume-' + String(n).padStart(5, '0'),
      source: '/dev/loop' + (n % 256),
      fsType: fsType,
      majorMinor: '7:' + (n % 256),
      options: 'rw,relatime',
      readOnly: n % 7 === 0,
      pseudo: false,
      freezable: fsType !== 'tmpfs',
      size: { state: 'ok', totalBytes: 1 << 30, usedBytes: (n % 100) << 23, availableBytes: (1 << 30) - ((n % 100) << 23) },
      bindSiblings: [],
      danger: [],
      freeze: fsType === 'tmpfs' ? { state: 'unsupported', writers: [] } : { state: 'thawed', writers: [] },
    };
  }

  const mounts = [];
  for (let n = 1; n <= count; n++) mounts.push(row(n));
  const snapshotJson = JSON.stringify({ generation: 1, mounts: mounts });

  const ok = (value) => Promise.resolve({ ok: true, value: value });
  const refuse = () => Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: 'The bench page does not freeze.' } });
  const helper = { state: 'running', pid: 1, mode: 'direct', leaseMs: 10000, maxTimeoutMs: 900000, maxHoldMs: 3600000 };
  const api = {
    'app.info': () =>
      ok({ appVersion: '0.0.0-bench', frontDoor: 'web', development: true, kernel: 'bench', nodeVersion: 'bench', helperPath: '/bench/helper', defaultTimeoutMs: 60000, maxTimeoutMs: 900000 }),
    'mounts.list': () => ok(JSON.parse(snapshotJson)),
    'freeze.start': refuse,
    'freeze.thaw': refuse,
    'freeze.extend': refuse,
    'freeze.probe': refuse,
    'freeze.thawAll': () => ok({ thawed: [] }),
    'helper.status': () => ok(helper),
    'helper.start': () => ok(helper),
    'history.list': () => ok([]),
    subscribe: () => () => undefined,
  };
  Object.defineProperty(window, 'freezeframe', { value: Object.freeze(api), writable: false, configurable: false, enumerable: true });
})();
