import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BackupStore, listBackups, readLatest, restore } from '@satvach/backup';
import { silentLogger } from '@satvach/exec';
import { type HeartbeatRecorder, placesNearQuito, seedPlaces, startHeartbeatRecorder, startServices, type Services } from '@satvach/backup/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerEnvFile, docker, harness, nx, readManifest, requireHarness, waitFor } from '../../e2e-support.ts';

// The backup image for real: built by `nx run backup-image:docker-build -c local-images` (the inferred
// target CD pushes), run once with `backup_db.sh --once` against
// the harness PostgreSQL + PostGIS and s3rver (host network), its backup restored and drilled through Nx;
// then the scheduler, which reports a missed run and makes it up.

let tag: string;
let services: Services;
let heartbeat: HeartbeatRecorder;
let pings: HeartbeatRecorder['pings'];
let env: Record<string, string>;

const envFiles: ReturnType<typeof containerEnvFile>[] = [];
function dockerEnv(values: Record<string, string>): string[] {
  const file = containerEnvFile(values);
  envFiles.push(file);
  return file.args;
}

beforeAll(async () => {
  await requireHarness();
  services = await startServices();
  await seedPlaces(services, 'e2e_places', 3000);
  heartbeat = await startHeartbeatRecorder('/ping/e2e');
  pings = heartbeat.pings;
  env = services.env({ SATVACH_BACKUP_DATABASE_URL: services.urlFor('e2e_places'), SATVACH_BACKUP_HEARTBEAT_URL: heartbeat.url });

  const build = await nx(['run', 'backup-image:docker-build', '-c', 'local-images'], { SATVACH_REGISTRY: `${harness.registry}/e2e-backup-${randomBytes(3).toString('hex')}` });
  if (build.exitCode !== 0) throw new Error(`backup-image:docker-build failed:\n${build.output.slice(-4000)}`);
  const manifest = readManifest('backup-image');
  expect(manifest.image).toMatch(/\/backup$/);
  tag = `${manifest.image}:${manifest.tags[0]}`;
});

afterAll(async () => {
  for (const file of envFiles) file.remove();
  if (tag) await docker(['rmi', '--force', tag], { reject: false });
  await heartbeat?.close();
  await services?.down();
});

describe('backup image', () => {
  it('backup_db.sh --once in the container makes a backup that restores with the same spatial answer', async () => {
    pings.length = 0;
    const result = await docker(['run', '--rm', '--network', 'host', ...dockerEnv(env), tag, '--once'], { reject: false, all: true });
    expect(result.exitCode, String(result.all)).toBe(0);
    expect(String(result.all)).toMatch(/backup: done .*\.dump \(\d+ bytes, sha256 [0-9a-f]{64}, 2 tables, on primary\); latest → \d{8}T\d{6}Z/);
    expect(String(result.all)).not.toContain(new URL(services.urlFor('x')).password);
    expect(pings.map((ping) => ping.path)).toEqual(['/ping/e2e']);

    // The container backed up as the backup role; restoring creates a database: the superuser's.
    await restore(services.config({ ...env, SATVACH_BACKUP_DATABASE_URL: services.urlFor('e2e_places', 'superuser') }), { target: 'e2e_restored' }, { log: silentLogger });
    expect(await placesNearQuito(services, 'e2e_restored')).toEqual(await placesNearQuito(services, 'e2e_places'));
  });

  it('nx run db:restore-drill and db:backup-list work on that backup', async () => {
    const envFile = join(services.root, 'backup.env');
    writeFileSync(envFile, Object.entries(env).map(([key, value]) => `${key}=${value}`).join('\n'), { mode: 0o600 });
    const drill = await nx(['run', 'db:restore-drill', `--envFile=${envFile}`]);
    expect(drill.exitCode, drill.output).toBe(0);
    expect(drill.output).toMatch(/drill: backup \d{8}T\d{6}Z from the primary is restorable/);
    const list = await nx(['run', 'db:backup-list', `--envFile=${envFile}`]);
    expect(list.exitCode, list.output).toBe(0);
    expect(list.output).toMatch(/\d{8}T\d{6}Z +[\d.]+ KiB +no +complete +ok .* latest/);
  });

  it('the scheduler reports a missed run on the failure heartbeat, makes it up, and stops cleanly', async () => {
    pings.length = 0;
    // A daily slot three hours ago: past the tool's grace (a tenth of the gap, 2.4 h) whatever the time
    // of day the test runs, so the run is missed for certain.
    const hour = (new Date().getUTCHours() + 21) % 24;
    const schedule = `0 ${hour} * * *`;
    const scheduledEnv = { ...env, SATVACH_BACKUP_S3_PREFIX: `scheduled-${randomBytes(3).toString('hex')}`, SATVACH_BACKUP_SCHEDULE: schedule };
    const name = `satvach-e2e-backup-${randomBytes(3).toString('hex')}`;
    await docker(['run', '-d', '--name', name, '--init', '--network', 'host', ...dockerEnv(scheduledEnv), tag]);
    try {
      await waitFor('the made-up backup', async () => (pings.some((ping) => ping.path === '/ping/e2e') ? true : undefined), 120_000).catch(async (error: Error) => {
        const logs = await docker(['logs', name], { all: true, reject: false });
        throw new Error(`${error.message}\npings: ${JSON.stringify(pings)}\ncontainer log:\n${String(logs.all).slice(-3000)}`);
      });
      expect(pings[0]).toEqual({ path: '/ping/e2e/fail', body: expect.stringContaining('a scheduled backup was missed (latest backup: none); running one now') });
      const config = services.config(scheduledEnv);
      const store = new BackupStore(config.s3);
      expect((await listBackups(config, store)).filter((entry) => entry.complete)).toHaveLength(1);
      expect(await readLatest(config, store)).toBeDefined();
      const logs = await docker(['logs', name], { all: true });
      expect(String(logs.all)).toContain(`schedule: "${schedule}" (UTC); next run at `);
      expect(String(logs.all)).toMatch(new RegExp(`next run at \\d{4}-\\d{2}-\\d{2}T${String(hour).padStart(2, '0')}:00:00\\.000Z`));
    } finally {
      await docker(['stop', '--time', '10', name], { reject: false });
      const state = await docker(['inspect', '--format', '{{.State.ExitCode}}', name], { reject: false });
      await docker(['rm', '--force', name], { reject: false });
      expect(state.stdout).toBe('0');
    }
  });
});
