import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger } from '@nx/devkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import backupExecutor from './executor.ts';
import restoreExecutor from '../restore/executor.ts';
import { contextFor } from '../executor-testing.ts';

// The schema/defaults contract of these executors is checked for every registered executor in
// ../contract.spec.ts.

let root: string;
let errors: string[];
let listener: Server;
let connections: number;
let port: number;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'backup-executor-'));
  errors = [];
  vi.spyOn(logger, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));
  // Stands in for both the database and the object store: any connection to it means the target
  // acted on a configuration it should have refused.
  connections = 0;
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((listening) => listener.listen(0, '127.0.0.1', listening));
  port = (listener.address() as { port: number }).port;
});
afterEach(async () => {
  vi.restoreAllMocks();
  await new Promise((closed) => listener.close(closed));
  rmSync(root, { recursive: true, force: true });
});

/** Every file and folder under the workspace root the executors ran in. */
function entriesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('backup executors', () => {
  it('an invalid configuration fails the target without touching anything, naming the file and the key', async () => {
    mkdirSync(join(root, 'config'));
    writeFileSync(
      join(root, 'config/backup.env'),
      [
        `SATVACH_BACKUP_DATABASE_URL=postgresql://satvach_backup:pw@127.0.0.1:${port}/satvach`,
        `SATVACH_BACKUP_S3_ENDPOINT_URL=http://127.0.0.1:${port}`,
        'SATVACH_BACKUP_S3_BUCKET=Not_A_Bucket',
        'SATVACH_BACKUP_S3_ACCESS_KEY_ID=satvach-backup',
        'SATVACH_BACKUP_S3_SECRET_ACCESS_KEY=s3-secret-value',
      ].join('\n'),
    );
    const before = entriesUnder(root);
    const context = { ...contextFor('db'), root };

    expect(await backupExecutor({ envFile: 'config/backup.env' }, context)).toEqual({ success: false });
    expect(await restoreExecutor({ database: 'x', envFile: 'config/backup.env' }, context)).toEqual({ success: false });

    expect(errors).toHaveLength(2);
    for (const [index, what] of ['backup', 'restore'].entries()) {
      expect(errors[index]).toContain(`${what} failed: invalid backup configuration in ${join(root, 'config/backup.env')}`);
      expect(errors[index]).toContain('SATVACH_BACKUP_S3_BUCKET');
      expect(errors[index]).not.toContain('s3-secret-value');
    }
    expect(connections).toBe(0);
    expect(entriesUnder(root)).toEqual(before);
  });

  it('a missing env file fails the target naming the file, and creates nothing', async () => {
    const context = { ...contextFor('db'), root };

    expect(await backupExecutor({ envFile: 'no/such/backup.env' }, context)).toEqual({ success: false });
    expect(await restoreExecutor({ database: 'x', envFile: '/no/such/backup.env' }, context)).toEqual({ success: false });

    expect(errors).toEqual([
      `backup failed: cannot read the backup env file ${join(root, 'no/such/backup.env')}: ENOENT; pass an existing file (see libs/backup/backup.env.example)`,
      'restore failed: cannot read the backup env file /no/such/backup.env: ENOENT; pass an existing file (see libs/backup/backup.env.example)',
    ]);
    expect(entriesUnder(root)).toEqual([]);
  });
});
