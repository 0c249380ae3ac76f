/**
 * Hostile paths at the helper (issue 5, item 5), filling the gaps of
 * main/helper/protocol-abuse.int.test.ts and freeze.int.test.ts (which cover
 * relative, missing, last-component symlink, subdirectory, btrfs subvolume,
 * NUL, a 70 KiB line, raw invalid UTF-8, bind of the root): `..` in every
 * position, symlinked parents, a bind mount of a subdirectory, trailing
 * slashes and `.`, PATH_MAX, an escaped lone surrogate, a real mountpoint
 * whose name is not UTF-8. Every path is sent to freeze, probe and writers;
 * each answer is checked, and after each one nothing is held that should not be.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHelper, rootTests } from '../testing/helper-harness';
import { LoopFixture, type LoopMount } from '../testing/loop-mounts';
import { run } from '../testing/run-command';
import { record } from './fixture/results';

interface Case {
  name: string;
  /** The JSON text of the path (so lone surrogates and raw escapes can be sent). */
  json: string;
  /** ok: the mountpoint it must resolve to; else the error code(s) allowed. */
  expect: { ok: string } | { codes: string[] };
}

/** Codes that say the path names no mount at all (the helper's target lookup); any other refusal is about the mount. */
const LOOKUP_FAILURES = ['NOT_A_MOUNTPOINT', 'NOT_FOUND', 'BAD_REQUEST', 'IO_ERROR'];

describe.skipIf(!rootTests.ok)('path corpus at the helper', () => {
  let fixture: LoopFixture;
  let mount: LoopMount;
  let raw: RawHelper;
  let id = 1;

  beforeAll(async () => {
    fixture = await LoopFixture.create();
    mount = await fixture.mount('ext4', { name: 'corpus' });
    mkdirSync(join(mount.mountpoint, 'a/b'), { recursive: true });
    raw = new RawHelper();
    await raw.waitLine((l) => l.type === 'hello');
  });

  afterAll(async () => {
    await raw?.close();
    await fixture?.cleanup();
  });

  async function send(op: string, pathJson: string, extra = ''): Promise<Record<string, unknown>> {
    const n = id++;
    raw.write(`{"id":${n},"op":"${op}","path":${pathJson}${extra}}\n`);
    return raw.reply(n);
  }

  async function held(): Promise<string[]> {
    const n = id++;
    raw.write(`{"id":${n},"op":"status"}\n`);
    return ((await raw.reply(n)).frozen as Array<{ path: string }>).map((f) => f.path);
  }

  it('each path gets the right answer from freeze, probe and writers, and nothing else is frozen', async () => {
    const mp = mount.mountpoint;
    const j = (s: string): string => JSON.stringify(s);
    const linkToParent = join(fixture.dir, 'link-to-parent');
    symlinkSync(dirname(mp), linkToParent);
    const bindOfSub = await fixture.bind(join(mp, 'a'), 'bind-of-sub');
    const nonUtf8 = Buffer.concat([Buffer.from(`${fixture.dir}/`), Buffer.from([0x66, 0xff, 0xfe])]);
    mkdirSync(nonUtf8 as unknown as string);
    // A real mountpoint named with the bytes f\xff\xfe (argv strings are UTF-8, so printf makes the name).
    const nonUtf8Sh = (verb: string): Promise<string> => run('sh', ['-c', `${verb} "$(printf '%s/f\\377\\376' "$0")"`, fixture.dir]);
    await nonUtf8Sh(`mount --bind '${mp}'`);
    const cases: Case[] = [
      { name: '.. back to the root', json: j(`${mp}/a/b/../..`), expect: { ok: mp } },
      { name: '.. to a subdirectory', json: j(`${mp}/a/b/..`), expect: { codes: ['NOT_A_MOUNTPOINT'] } },
      { name: '.. above the root of the mount', json: j(`${mp}/..`), expect: { codes: ['NOT_A_MOUNTPOINT', 'REFUSED_UNSAFE', 'UNSUPPORTED_FS'] } },
      { name: 'trailing slash', json: j(`${mp}/`), expect: { ok: mp } },
      { name: 'trailing /.', json: j(`${mp}/.`), expect: { ok: mp } },
      { name: 'doubled slashes', json: j(`${mp.replace(/\//g, '//')}`), expect: { ok: mp } },
      { name: 'symlinked parent', json: j(join(linkToParent, basename(mp))), expect: { ok: mp } },
      { name: 'bind mount of a subdirectory (same superblock)', json: j(bindOfSub), expect: { ok: bindOfSub } },
      { name: 'a file, not a directory', json: j('/proc/self/mountinfo'), expect: { codes: ['NOT_A_MOUNTPOINT', 'BAD_REQUEST', 'IO_ERROR'] } },
      { name: 'newline inside, missing', json: j(`${mp}/no\nsuch`), expect: { codes: ['NOT_FOUND'] } },
      { name: '4000 bytes of /./ leading to the root', json: j(`${mp}${'/.'.repeat(2000)}`), expect: { ok: mp } },
      { name: 'over PATH_MAX', json: j(`${mp}${'/.'.repeat(2100)}`), expect: { codes: ['BAD_REQUEST'] } },
      { name: 'escaped lone surrogate', json: `"${mp}/\\ud800"`, expect: { codes: ['BAD_REQUEST'] } },
      { name: 'escaped NUL', json: `"${mp}\\u0000"`, expect: { codes: ['BAD_REQUEST'] } },
      { name: 'U+FFFD where a non-UTF-8 byte is', json: j(`${fixture.dir}/f\ufffd\ufffd`), expect: { codes: ['NOT_FOUND'] } },
      { name: 'the root filesystem via /..', json: j('/..'), expect: { codes: ['REFUSED_UNSAFE'] } },
      { name: '/proc (pseudo)', json: j('/proc'), expect: { codes: ['UNSUPPORTED_FS', 'REFUSED_UNSAFE', 'PERMISSION_DENIED'] } },
    ];
    let answered = 0;
    for (const c of cases) {
      const freeze = await send('freeze', c.json, ',"timeoutMs":2000');
      if ('ok' in c.expect) {
        expect(freeze, c.name).toMatchObject({ ok: true, mount: { path: c.expect.ok } });
        expect(await held(), c.name).toEqual([c.expect.ok]);
        const thaw = id++;
        raw.write(`{"id":${thaw},"op":"thawAll"}\n`);
        expect(await raw.reply(thaw)).toMatchObject({ ok: true });
      } else {
        expect(freeze.ok, `${c.name}: ${JSON.stringify(freeze)}`).toBe(false);
        const code = (freeze.error as { code: string }).code;
        expect(c.expect.codes, `${c.name}: ${JSON.stringify(freeze)}`).toContain(code);
        // probe refuses what freeze refused, for the same reason.
        const probe = await send('probe', c.json);
        expect(probe, `${c.name} probe`).toMatchObject({ ok: false, error: { code } });
        // writers only reads: a path that names no mount fails as freeze did; a mount the helper
        // will not freeze (unsafe, unsupported) is still answered, and nothing on it is blocked.
        const writers = await send('writers', c.json);
        if (LOOKUP_FAILURES.includes(code)) expect(writers, `${c.name} writers`).toMatchObject({ ok: false, error: { code } });
        else expect(writers, `${c.name} writers`).toMatchObject({ ok: true, blocked: [] });
      }
      expect(await held(), `${c.name}: nothing left held`).toEqual([]);
      answered++;
    }
    await nonUtf8Sh('umount');
    record({ suite: 'hostile input', cell: 'helper path corpus (freeze, probe, writers)', samples: [], bound: 'typed error or the right mount', outcome: `${answered}/${cases.length} paths answered as expected; nothing held by mistake` });
  });
});
