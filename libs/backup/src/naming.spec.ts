import { describe, expect, it } from 'vitest';
import { backupKeys, dateOfStamp, latestKey, parseBackupKey, stampOf } from './naming.ts';

describe('backup naming', () => {
  it('lays a backup out as <prefix>/<db>/<YYYY>/<MM>/<DD>/<stamp>.dump[.age]', () => {
    const stamp = stampOf(new Date('2026-01-05T03:15:00.123Z'));
    expect(stamp).toBe('20260105T031500Z');
    expect(backupKeys('backups', 'satvach', stamp, false)).toEqual({
      stamp,
      dump: 'backups/satvach/2026/01/05/20260105T031500Z.dump',
      manifest: 'backups/satvach/2026/01/05/20260105T031500Z.manifest.json',
      drill: 'backups/satvach/2026/01/05/20260105T031500Z.drill.json',
    });
    expect(backupKeys('', 'satvach', stamp, true).dump).toBe('satvach/2026/01/05/20260105T031500Z.dump.age');
    expect(latestKey('backups', 'satvach')).toBe('backups/satvach/latest.json');
  });

  it('round-trips stamps and recognises each kind of object', () => {
    expect(dateOfStamp('20260105T031500Z').toISOString()).toBe('2026-01-05T03:15:00.000Z');
    expect(() => dateOfStamp('2026-01-05')).toThrow('is not a backup timestamp');
    expect(parseBackupKey('b/db/2026/01/05/20260105T031500Z.dump.age')).toEqual({ stamp: '20260105T031500Z', kind: 'dump' });
    expect(parseBackupKey('b/db/2026/01/05/20260105T031500Z.manifest.json')).toEqual({ stamp: '20260105T031500Z', kind: 'manifest' });
    expect(parseBackupKey('b/db/2026/01/05/20260105T031500Z.drill.json')).toEqual({ stamp: '20260105T031500Z', kind: 'drill' });
    expect(parseBackupKey('b/db/latest.json')).toBeUndefined();
  });
});
