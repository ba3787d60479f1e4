import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup, BackupError } from './backup.ts';
import { listBackups, readLatest } from './catalog.ts';
import { type BackupConfig } from './config.ts';
import { type Logger } from '@satvach/exec';
import { rejection } from '@satvach/exec/testing';
import { restore } from './restore.ts';
import { BackupStore } from './store.ts';
import { startServices, type Services } from './testing/services.ts';

// Faults injected into the real servers while a backup streams: PostgreSQL stopped mid-dump, the S3
// server killed mid-upload. Each must leave the earlier backup and latest.json as they were, and no
// object of the failed run that counts as a backup.

let services: Services;
let env: Record<string, string>;
let config: BackupConfig;

const log: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Runs `fault` once the dump has streamed for a moment (the first progress report). */
function faultOnFirstProgress(fault: () => Promise<void>): { progressWrite: (text: string) => void; tty: true; fired: () => Promise<void> | undefined } {
  let firing: Promise<void> | undefined;
  return {
    tty: true,
    progressWrite: () => {
      firing ??= fault();
    },
    fired: () => firing,
  };
}

async function expectOnlyTheEarlierBackup(earlierStamp: string): Promise<void> {
  const store = new BackupStore(config.s3);
  const entries = await listBackups(config, store);
  expect(entries.filter((entry) => entry.complete).map((entry) => entry.stamp)).toEqual([earlierStamp]);
  expect(entries.filter((entry) => entry.dumpKey !== undefined).map((entry) => entry.stamp)).toEqual([earlierStamp]);
  expect((await readLatest(config, store))?.stamp).toBe(earlierStamp);
}

beforeAll(async () => {
  services = await startServices();
  // About 20 MB of dump: several multipart parts, and long enough to break it midway.
  await services.sql('postgres', 'CREATE DATABASE src_big');
  await services.sql('src_big', `CREATE TABLE blobs AS SELECT i AS id, md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) AS body FROM generate_series(1, 250000) AS i`);
  // The backup role (pg_read_all_data) makes the backups; the restore, which creates a database, is the superuser's.
  env = services.env({ SATVACH_BACKUP_DATABASE_URL: services.urlFor('src_big') });
  config = services.config(env);
});

afterAll(async () => {
  await services?.down();
});

describe('faults mid-stream', () => {
  let earlier: string;

  it('an earlier good backup exists (multipart, several parts)', async () => {
    const { manifest } = await backup(config, { log, now: () => new Date('2026-01-01T03:00:00Z') });
    expect(manifest.size).toBeGreaterThan(2 * 8 * 1024 * 1024);
    earlier = manifest.stamp;
  });

  it('PostgreSQL stopped mid-dump: clear error, no backup recorded, latest untouched', async () => {
    const fault = faultOnFirstProgress(() => services.stopPostgres());
    const error = await rejection(backup(config, { log, ...fault }));
    expect(fault.fired()).toBeDefined();
    await fault.fired();
    await services.up();

    expect(error).toBeInstanceOf(BackupError);
    expect(error.message).toMatch(new RegExp(`^backup of src_big failed, nothing was recorded \\(latest still points at ${earlier}\\): pg_dump failed: command failed with exit code 1: PGHOST=\\S+ .*PGPASSWORD=\\*\\*\\* pg_dump --format=custom`));
    expect(error.message).toMatch(/server closed the connection|terminating connection|connection to server/);
    const password = new URL(services.urlFor('satvach')).password;
    expect(error.message).not.toContain(password);
    await expectOnlyTheEarlierBackup(earlier);
  });

  it('the S3 server killed mid-upload: clear error, no backup recorded, latest untouched', async () => {
    const fault = faultOnFirstProgress(() => services.killS3());
    const error = await rejection(backup(config, { log, ...fault }));
    await fault.fired();
    await services.up();

    expect(error).toBeInstanceOf(BackupError);
    expect(error.message).toContain('backup of src_big failed, nothing was recorded');
    expect(error.message).toMatch(/the upload to bucket "[^"]+" at http:\/\/127\.0\.0\.1:\d+ failed: .*(unreachable|ECONNREFUSED|ECONNRESET|socket)/);
    await expectOnlyTheEarlierBackup(earlier);
  });

  it('the earlier backup still restores after both faults', async () => {
    await restore(services.config({ ...env, SATVACH_BACKUP_DATABASE_URL: services.urlFor('src_big', 'superuser') }), { target: 'big_restored' }, { log });
    expect(await services.sql('big_restored', 'SELECT count(*)::int AS n FROM blobs')).toEqual([{ n: 250000 }]);
  });
});
