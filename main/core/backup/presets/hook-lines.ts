/**
 * What the preset hooks print, read back: one `FREEZEFRAME-<KIND> k=v ...`
 * line each (values without spaces; the backup label base64-encoded).
 */
export type HookLine =
  | { kind: 'binlog'; logBin: boolean; file: string; position: number | null; gtid: string; connection: number }
  | { kind: 'session'; pid: number; lsn: string }
  | { kind: 'alive'; connection?: number; pid?: number; lsn?: string; insertLsn?: string }
  | { kind: 'released'; connection?: number; pid?: number; lsn?: string }
  | { kind: 'backup-start'; lsn: string; walFile: string; pid: number }
  | { kind: 'backup-stop'; lsn: string; walFile: string; backupLabel: string; tablespaceMap: string };

const LINE = /^FREEZEFRAME-(BINLOG|SESSION|ALIVE|RELEASED|BACKUP-START|BACKUP-STOP)((?: [a-z_]+=\S*)*)$/;
const LSN = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/;

export function parseHookLine(text: string): HookLine | undefined {
  const m = LINE.exec(text.trim());
  if (!m) return undefined;
  const fields = new Map<string, string>();
  for (const pair of m[2]!.trim().split(' ').filter(Boolean)) {
    const eq = pair.indexOf('=');
    fields.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const int = (key: string): number | undefined => {
    const v = fields.get(key);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const lsn = (key: string): string | undefined => {
    const v = fields.get(key);
    return v !== undefined && LSN.test(v) ? v : undefined;
  };
  const optional = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  switch (m[1]) {
    case 'BINLOG': {
      const connection = int('connection');
      if (connection === undefined) return undefined;
      return { kind: 'binlog', logBin: ['1', 'ON'].includes(fields.get('log_bin') ?? ''), file: fields.get('file') ?? '', position: int('pos') ?? null, gtid: fields.get('gtid') ?? '', connection };
    }
    case 'SESSION': {
      const pid = int('pid');
      const at = lsn('lsn');
      return pid !== undefined && at ? { kind: 'session', pid, lsn: at } : undefined;
    }
    case 'ALIVE':
      return optional({ kind: 'alive' as const, connection: int('connection'), pid: int('pid'), lsn: lsn('lsn'), insertLsn: lsn('insert') });
    case 'RELEASED':
      return optional({ kind: 'released' as const, connection: int('connection'), pid: int('pid'), lsn: lsn('lsn') });
    case 'BACKUP-START': {
      const at = lsn('lsn');
      const pid = int('pid');
      const walFile = fields.get('walfile');
      return at && pid !== undefined && walFile && WAL_FILE.test(walFile) ? { kind: 'backup-start', lsn: at, walFile, pid } : undefined;
    }
    case 'BACKUP-STOP': {
      const at = lsn('lsn');
      const walFile = fields.get('walfile');
      const label = fields.get('label');
      if (!at || !walFile || !WAL_FILE.test(walFile) || !label) return undefined;
      return { kind: 'backup-stop', lsn: at, walFile, backupLabel: Buffer.from(label, 'base64').toString('utf8'), tablespaceMap: Buffer.from(fields.get('map') ?? '', 'base64').toString('utf8') };
    }
    default:
      return undefined;
  }
}

export const WAL_FILE = /^[0-9A-F]{24}$/;

/** Compare two LSNs (X/Y hex): negative, zero or positive. */
export function compareLsn(a: string, b: string): number {
  const value = (lsn: string): bigint => {
    const [hi, lo] = lsn.split('/');
    return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
  };
  const d = value(a) - value(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}
