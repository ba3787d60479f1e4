import { describe, expect, it } from 'vitest';
import backupExecutor, { BACKUP_DEFAULTS } from './executor.ts';
import { BACKUP_LIST_DEFAULTS } from '../backup-list/executor.ts';
import { BACKUP_PRUNE_DEFAULTS } from '../backup-prune/executor.ts';
import restoreExecutor, { RESTORE_DEFAULTS } from '../restore/executor.ts';
import { RESTORE_DRILL_DEFAULTS } from '../restore-drill/executor.ts';
import { contextFor, expectExecutorContract } from '../executor-testing.ts';

const context = contextFor('db');

describe('backup executors', () => {
  it.each([
    ['backup', BACKUP_DEFAULTS],
    ['restore', RESTORE_DEFAULTS],
    ['restore-drill', RESTORE_DRILL_DEFAULTS],
    ['backup-list', BACKUP_LIST_DEFAULTS],
    ['backup-prune', BACKUP_PRUNE_DEFAULTS],
  ])('%s: schema defaults equal the code constants, every property is described, it is registered', (name, defaults) => {
    expectExecutorContract(name, defaults);
  });

  it('an invalid configuration fails the target without touching anything', async () => {
    expect(await backupExecutor({ envFile: 'no/such/backup.env' }, context)).toEqual({ success: false });
    expect(await restoreExecutor({ database: 'x', envFile: '/no/such/backup.env' }, context)).toEqual({ success: false });
  });
});
