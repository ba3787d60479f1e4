import { describe, expect, it } from 'vitest';
import { insertIndexRow } from './index-table.ts';

const readme = `# Runbooks

Intro.

| Area | Runbook | When |
|------|---------|------|
| database | [DatabaseDown](database/DatabaseDown.md) | PostGIS is down |
| deploy | [How deploys work](deploy/README.md) | Before your first deploy |
| deploy | [BackendDeployFailed](deploy/BackendDeployFailed.md) | A deploy failed |
| storage | [ObjectStorageDown](storage/ObjectStorageDown.md) | MinIO is down |

## Writing a runbook

Text after the table.
`;

const rowsOf = (text: string) => text.split('\n').filter((line) => /^\| [a-z]/.test(line));

describe('insertIndexRow', () => {
  it('puts a new area between the areas before and after it', () => {
    const { text, inserted } = insertIndexRow(readme, { area: 'host', name: 'DiskAlmostFull', when: 'A disk is over 80 % full' });
    expect(inserted).toBe(true);
    expect(rowsOf(text)).toEqual([
      '| database | [DatabaseDown](database/DatabaseDown.md) | PostGIS is down |',
      '| deploy | [How deploys work](deploy/README.md) | Before your first deploy |',
      '| deploy | [BackendDeployFailed](deploy/BackendDeployFailed.md) | A deploy failed |',
      '| host | [DiskAlmostFull](host/DiskAlmostFull.md) | A disk is over 80 % full |',
      '| storage | [ObjectStorageDown](storage/ObjectStorageDown.md) | MinIO is down |',
    ]);
  });

  it('orders by name inside an area and keeps hand-placed rows where they are', () => {
    const { text } = insertIndexRow(readme, { area: 'deploy', name: 'CanaryStuck', when: 'w' });
    expect(rowsOf(text).slice(1, 4)).toEqual([
      '| deploy | [How deploys work](deploy/README.md) | Before your first deploy |',
      '| deploy | [BackendDeployFailed](deploy/BackendDeployFailed.md) | A deploy failed |',
      '| deploy | [CanaryStuck](deploy/CanaryStuck.md) | w |',
    ]);
    expect(rowsOf(insertIndexRow(readme, { area: 'database', name: 'DatabaseConnectionsHigh', when: 'w' }).text)[0]).toBe('| database | [DatabaseConnectionsHigh](database/DatabaseConnectionsHigh.md) | w |');
  });

  it('goes first or last at the ends of the table, and changes nothing else', () => {
    const first = insertIndexRow(readme, { area: 'backup', name: 'BackupFailed', when: 'w' }).text;
    const last = insertIndexRow(readme, { area: 'tunnel', name: 'TunnelDown', when: 'w' }).text;
    expect(first).toBe(readme.replace('|------|---------|------|\n', '|------|---------|------|\n| backup | [BackupFailed](backup/BackupFailed.md) | w |\n'));
    expect(last).toBe(readme.replace('| MinIO is down |\n', '| MinIO is down |\n| tunnel | [TunnelDown](tunnel/TunnelDown.md) | w |\n'));
  });

  it('keeps an existing row for the same file as it is', () => {
    expect(insertIndexRow(readme, { area: 'database', name: 'DatabaseDown', when: 'other words' })).toEqual({ text: readme, inserted: false });
  });

  it('adds the first row to an empty table', () => {
    const empty = '| Area | Runbook | When |\n|------|---------|------|\n';
    expect(insertIndexRow(empty, { area: 'host', name: 'HighMemory', when: 'w' }).text).toBe(`${empty.trimEnd()}\n| host | [HighMemory](host/HighMemory.md) | w |\n`);
  });

  it('refuses a README without the index table, naming runbooks/README.md', () => {
    expect(() => insertIndexRow('# Runbooks\n\nNo table.\n', { area: 'host', name: 'HighMemory', when: 'w' })).toThrow(
      'runbooks/README.md has no index table: add the header line "| Area | Runbook | When |"',
    );
    expect(() => insertIndexRow('| Area | Runbook | When |\nno separator\n', { area: 'host', name: 'HighMemory', when: 'w' })).toThrow('runbooks/README.md has no index table');
  });
});
