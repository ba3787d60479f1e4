import { type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { renderRunbookTemplate } from '@satvach/runbooks';
import { beforeEach, describe, expect, it } from 'vitest';
import newRunbookGenerator from './generator.ts';

const readme = `# Runbooks

| Area | Runbook | When |
|------|---------|------|
| database | [DatabaseDown](database/DatabaseDown.md) | PostGIS is down |
| storage | [ObjectStorageDown](storage/ObjectStorageDown.md) | MinIO is down |
`;

const hostRules = `# Host alerts from node-exporter: pseudo filesystems are left out by fstype.
groups:
  - name: host
    rules:
      - alert: DiskAlmostFull
        # Only real disks: a full tmpfs is not something a person can fix.
        expr: |
          100 * (1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay"}) > 80
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: "Disk {{ $labels.mountpoint }} is {{ $value | humanize }}% full" # quoted: braces
          runbook_url: runbooks/host/DiskAlmostFull.md
`;

const RUNBOOK = 'runbooks/host/DiskAlmostFull.md';
const RULES = 'docker/monitoring/prometheus/rules/host.yml';

/** Every pending change of the tree, path → content: what a run would write to disk. */
const changesOf = (tree: Tree) => new Map(tree.listChanges().map((change) => [change.path, change.content?.toString('utf-8')]));

let tree: Tree;
beforeEach(() => {
  tree = createTreeWithEmptyWorkspace();
  // Like this workspace: no formatter configured (the empty workspace comes with an oxfmt config).
  tree.delete('.oxfmtrc.json');
  tree.write('runbooks/README.md', readme);
  tree.write(RULES, hostRules);
  tree.write('runbooks/database/DatabaseDown.md', '# DatabaseDown\n');
});

describe('nx g new-runbook', () => {
  it('writes the runbook from the template with the rule\'s severity, adds the index row and keeps a correct runbook_url', async () => {
    await newRunbookGenerator(tree, { name: 'DiskAlmostFull', area: 'host' });
    expect(tree.read(RUNBOOK, 'utf-8')).toBe(renderRunbookTemplate({ name: 'DiskAlmostFull', area: 'host', severity: 'critical', alert: { file: RULES, for: '5m' } }));
    expect(tree.read('runbooks/README.md', 'utf-8')).toBe(
      readme.replace('| storage |', '| host | [DiskAlmostFull](host/DiskAlmostFull.md) | The DiskAlmostFull alert fires |\n| storage |'),
    );
    expect(tree.read(RULES, 'utf-8')).toBe(hostRules);
  });

  it('--severity overrides the rule\'s label', async () => {
    await newRunbookGenerator(tree, { name: 'DiskAlmostFull', area: 'host', severity: 'info' });
    expect(tree.read(RUNBOOK, 'utf-8')).toContain('\nseverity: info\n');
  });

  it('without a rule the severity is warning and no rule file changes', async () => {
    await newRunbookGenerator(tree, { name: 'TestAlert', area: 'testing' });
    expect(tree.read('runbooks/testing/TestAlert.md', 'utf-8')).toContain('\nseverity: warning\n');
    expect(tree.read(RULES, 'utf-8')).toBe(hostRules);
  });

  it('--when is the index row\'s When cell', async () => {
    await newRunbookGenerator(tree, { name: 'TestAlert', area: 'testing', when: 'A test alert fires' });
    expect(tree.read('runbooks/README.md', 'utf-8')).toContain('| storage | [ObjectStorageDown](storage/ObjectStorageDown.md) | MinIO is down |\n| testing | [TestAlert](testing/TestAlert.md) | A test alert fires |\n');
  });

  it('inserts index rows in order of area, then name', async () => {
    await newRunbookGenerator(tree, { name: 'DatabaseSlow', area: 'database' });
    await newRunbookGenerator(tree, { name: 'BackupFailed', area: 'backup' });
    await newRunbookGenerator(tree, { name: 'DatabaseConnectionsHigh', area: 'database' });
    const rows = tree.read('runbooks/README.md', 'utf-8')!.split('\n').filter((line) => /^\| [a-z]/.test(line));
    expect(rows.map((row) => row.split('|')[2]!.trim())).toEqual([
      '[BackupFailed](backup/BackupFailed.md)',
      '[DatabaseConnectionsHigh](database/DatabaseConnectionsHigh.md)',
      '[DatabaseDown](database/DatabaseDown.md)',
      '[DatabaseSlow](database/DatabaseSlow.md)',
      '[ObjectStorageDown](storage/ObjectStorageDown.md)',
    ]);
  });

  it('points the alert rule\'s runbook_url at the new file and keeps the rule file\'s comments and quoting', async () => {
    await newRunbookGenerator(tree, { name: 'DiskAlmostFull', area: 'disks' });
    expect(tree.read(RULES, 'utf-8')).toBe(hostRules.replace('runbook_url: runbooks/host/DiskAlmostFull.md', 'runbook_url: runbooks/disks/DiskAlmostFull.md'));
  });

  it('finds the alert in any rule file of the directory', async () => {
    tree.write('docker/monitoring/prometheus/rules/zz-other.yml', '# other\ngroups:\n  - name: other\n    rules:\n      - alert: QueueStuck\n        expr: up == 0\n        labels:\n          severity: info\n');
    await newRunbookGenerator(tree, { name: 'QueueStuck', area: 'queue' });
    expect(tree.read('docker/monitoring/prometheus/rules/zz-other.yml', 'utf-8')).toContain('        annotations:\n          runbook_url: runbooks/queue/QueueStuck.md\n');
    expect(tree.read('runbooks/queue/QueueStuck.md', 'utf-8')).toContain('\nseverity: info\n');
  });

  it('refuses to overwrite an existing runbook, naming it, and changes nothing', async () => {
    const before = changesOf(tree);
    await expect(newRunbookGenerator(tree, { name: 'DatabaseDown', area: 'database' })).rejects.toThrow(
      'runbooks/database/DatabaseDown.md already exists: choose another name for the new runbook, or edit runbooks/database/DatabaseDown.md',
    );
    expect(changesOf(tree)).toEqual(before);
  });

  it('refuses a name that is not PascalCase and writes nothing', async () => {
    const before = changesOf(tree);
    await expect(newRunbookGenerator(tree, { name: 'databaseDown', area: 'database' })).rejects.toThrow('name "databaseDown" is not PascalCase — use e.g. DatabaseDown');
    expect(changesOf(tree)).toEqual(before);
  });

  it('refuses an area with a slash and writes nothing', async () => {
    const before = changesOf(tree);
    await expect(newRunbookGenerator(tree, { name: 'DiskAlmostFull', area: 'host/disks' })).rejects.toThrow('area "host/disks" is a path — an area is one directory under runbooks/');
    expect(changesOf(tree)).toEqual(before);
  });

  it('writes nothing when the index table is missing, naming runbooks/README.md', async () => {
    tree.write('runbooks/README.md', '# Runbooks\n');
    const before = changesOf(tree);
    await expect(newRunbookGenerator(tree, { name: 'DiskAlmostFull', area: 'host' })).rejects.toThrow('runbooks/README.md has no index table');
    expect(changesOf(tree)).toEqual(before);
  });

  it('writes what prettier would: with --skipFormat=false and prettier configured, formatting leaves the new runbook as written', async () => {
    tree.write('.prettierrc', '{ "printWidth": 100, "proseWrap": "preserve" }');
    // Proof that prettier ran over the changed files: this list is not in prettier's style.
    tree.write('runbooks/sentinel.md', '* item\n');
    await newRunbookGenerator(tree, { name: 'DiskAlmostFull', area: 'host', skipFormat: false });
    expect(tree.read('runbooks/sentinel.md', 'utf-8')).toBe('- item\n');
    expect(tree.read(RUNBOOK, 'utf-8')).toBe(renderRunbookTemplate({ name: 'DiskAlmostFull', area: 'host', severity: 'critical', alert: { file: RULES, for: '5m' } }));
  });
});
