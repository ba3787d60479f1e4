import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import backupExecutor, { BACKUP_DEFAULTS } from './executor.ts';
import { BACKUP_LIST_DEFAULTS } from '../backup-list/executor.ts';
import { BACKUP_PRUNE_DEFAULTS } from '../backup-prune/executor.ts';
import restoreExecutor, { RESTORE_DEFAULTS } from '../restore/executor.ts';
import { RESTORE_DRILL_DEFAULTS } from '../restore-drill/executor.ts';
import { contextFor, schemaDefaults, schemaOf } from '../executor-testing.ts';

const here = import.meta.dirname;
const context = contextFor('db');

describe('backup executors', () => {
  it.each([
    ['backup', BACKUP_DEFAULTS],
    ['restore', RESTORE_DEFAULTS],
    ['restore-drill', RESTORE_DRILL_DEFAULTS],
    ['backup-list', BACKUP_LIST_DEFAULTS],
    ['backup-prune', BACKUP_PRUNE_DEFAULTS],
  ])('%s: schema defaults equal the code constants, every property is described', (name, defaults) => {
    expect(schemaDefaults(name)).toEqual(defaults);
    const schema = schemaOf(name);
    expect(schema.$id).toMatch(/^Satvach/);
    for (const [key, property] of Object.entries(schema.properties)) expect(property.description, key).toBeTruthy();
  });

  it('an invalid configuration fails the target without touching anything', async () => {
    expect(await backupExecutor({ envFile: 'no/such/backup.env' }, context)).toEqual({ success: false });
    expect(await restoreExecutor({ database: 'x', envFile: '/no/such/backup.env' }, context)).toEqual({ success: false });
  });

  it('every executor is registered in executors.json with its schema', () => {
    const registry = JSON.parse(readFileSync(join(here, '../../../executors.json'), 'utf8')) as { executors: Record<string, { implementation: string; schema: string }> };
    for (const name of ['backup', 'restore', 'restore-drill', 'backup-list', 'backup-prune']) {
      expect(registry.executors[name]).toEqual(expect.objectContaining({ implementation: `./src/executors/${name}/executor.ts`, schema: `./src/executors/${name}/schema.json` }));
    }
  });
});
