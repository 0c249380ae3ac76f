import { describe, expect, it } from 'vitest';
import { compareLsn, parseHookLine } from './hook-lines';

describe('parseHookLine', () => {
  it('reads the MariaDB binlog line, with and without the binary log', () => {
    expect(parseHookLine('FREEZEFRAME-BINLOG log_bin=ON file=mariadb-bin.000003 pos=1063 gtid=0-1-12 connection=7')).toEqual({
      kind: 'binlog',
      logBin: true,
      file: 'mariadb-bin.000003',
      position: 1063,
      gtid: '0-1-12',
      connection: 7,
    });
    expect(parseHookLine('FREEZEFRAME-BINLOG log_bin=OFF file= pos= gtid= connection=3')).toEqual({ kind: 'binlog', logBin: false, file: '', position: null, gtid: '', connection: 3 });
  });

  it('reads the PostgreSQL session, alive and released lines', () => {
    expect(parseHookLine('FREEZEFRAME-SESSION pid=4242 lsn=0/4A7D758')).toEqual({ kind: 'session', pid: 4242, lsn: '0/4A7D758' });
    expect(parseHookLine('FREEZEFRAME-ALIVE pid=4242 lsn=0/4A7D758 insert=0/4A7D790')).toEqual({ kind: 'alive', pid: 4242, lsn: '0/4A7D758', insertLsn: '0/4A7D790' });
    expect(parseHookLine('FREEZEFRAME-ALIVE connection=9')).toEqual({ kind: 'alive', connection: 9 });
    expect(parseHookLine('FREEZEFRAME-RELEASED pid=4242 lsn=1/0')).toEqual({ kind: 'released', pid: 4242, lsn: '1/0' });
  });

  it('decodes the backup label and tablespace map of pg_backup_stop', () => {
    const label = 'START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\nLABEL: freezeframe\n';
    const map = '16385 /srv/space\n';
    const line = `FREEZEFRAME-BACKUP-STOP lsn=0/2000100 walfile=000000010000000000000002 label=${Buffer.from(label).toString('base64')} map=${Buffer.from(map).toString('base64')}`;
    expect(parseHookLine(line)).toEqual({ kind: 'backup-stop', lsn: '0/2000100', walFile: '000000010000000000000002', backupLabel: label, tablespaceMap: map });
    expect(parseHookLine('FREEZEFRAME-BACKUP-START lsn=0/2000028 walfile=000000010000000000000002 pid=77')).toEqual({ kind: 'backup-start', lsn: '0/2000028', walFile: '000000010000000000000002', pid: 77 });
  });

  it('ignores anything else: other output, a bad LSN, a missing field, a WAL name of the wrong shape', () => {
    for (const line of ['FREEZEFRAME-READY', 'READY', 'FREEZEFRAME-BINLOG file=x pos=1', 'FREEZEFRAME-SESSION pid=1 lsn=zz', 'FREEZEFRAME-BACKUP-START lsn=0/1 walfile=../../etc pid=1', 'FREEZEFRAME-BACKUP-STOP lsn=0/1 walfile=000000010000000000000002', 'xFREEZEFRAME-ALIVE pid=1']) {
      expect(parseHookLine(line), line).toBeUndefined();
    }
  });
});

describe('compareLsn', () => {
  it('orders by the high then the low half, as numbers', () => {
    expect(compareLsn('0/A', '0/9')).toBe(1);
    expect(compareLsn('0/FFFFFFFF', '1/0')).toBe(-1);
    expect(compareLsn('2/10', '2/10')).toBe(0);
  });
});
