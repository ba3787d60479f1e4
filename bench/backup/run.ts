// Backup benchmark on PostGIS data (a geography column with a GiST index), against a real PostgreSQL 15
// and s3rver started by the backend's devtools:
//   - backup wall time vs plain `pg_dump -Fc > /dev/null` at 1M rows (goal ≤ 1.3×)
//   - peak RSS of the backup process at 1M and 5M rows (goal flat, ≤ 150 MB)
//   - the same with an off-host replica target (a second s3rver on its own port and directory): one
//     stream fanned out to both, each copy read back and checked (goal ≤ 1.3× and flat memory)
//   - restore time at 1M rows
//   node bench/backup/run.ts [--rows 1000000,5000000]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CommandFailedError, run } from '@satvach/exec';
import { restore, silentLogger } from '@satvach/backup';
import { seedPlaces, startServices } from '@satvach/backup/testing';
import { freePort } from '@satvach/exec/testing';
import { report, type BenchRow } from '../report.ts';

const workspaceRoot = process.cwd();
const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000,5000000' } } });
const sizes = (values.rows ?? '').split(',').map(Number);
const services = await startServices();
const rows: BenchRow[] = [];

/** The replica: a second s3rver (the same S3 server, on another port and directory) with its bucket. */
async function startReplica(root: string): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = join(root, 'replica-s3');
  mkdirSync(dir);
  const controller = new AbortController();
  const done = run({ file: join(workspaceRoot, 'node_modules/.bin/s3rver'), args: ['--directory', dir, '--port', String(port), '--address', '127.0.0.1', '--silent'] }, { quiet: true, signal: controller.signal }).catch((error: unknown) => {
    if (!(error instanceof CommandFailedError)) throw error;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    const created = await fetch(`${endpoint}/bench-replica`, { method: 'PUT' }).then((response) => response.ok, () => false);
    if (created) break;
    if (attempt > 100) throw new Error(`the replica s3rver did not answer on ${endpoint}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { endpoint, stop: async () => (controller.abort(), await done) };
}
const replica = await startReplica(services.root);
const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);

try {
  for (const [index, size] of sizes.entries()) {
    const database = `bench_${size}`;
    console.log(`seeding ${label(size)} places…`);
    await seedPlaces(services, database, size);
    const env = services.env({ SATVACH_BACKUP_DATABASE_URL: services.urlFor(database) });
    const envFile = join(services.root, `${database}.env`);
    writeFileSync(envFile, Object.entries(env).map(([key, value]) => `${key}=${value}`).join('\n'), { mode: 0o600 });
    const replicaEnvFile = join(services.root, `${database}-replica.env`);
    const replicaEnv = {
      ...env,
      SATVACH_BACKUP_REPLICA_S3_ENDPOINT_URL: replica.endpoint,
      SATVACH_BACKUP_REPLICA_S3_BUCKET: 'bench-replica',
      SATVACH_BACKUP_REPLICA_S3_ACCESS_KEY_ID: 'S3RVER',
      SATVACH_BACKUP_REPLICA_S3_SECRET_ACCESS_KEY: 'S3RVER',
    };
    writeFileSync(replicaEnvFile, Object.entries(replicaEnv).map(([key, value]) => `${key}=${value}`).join('\n'), { mode: 0o600 });
    const config = services.config(env);
    const db = config.database;

    // A fresh bulk load makes the first full scan slower (hint bits): settle the table before timing.
    await services.sql(database, 'VACUUM (FREEZE, ANALYZE)');
    const plainDump = async () => {
      const started = performance.now();
      await run(
        { file: 'pg_dump', args: ['--format=custom', '--file=/dev/null', '--no-sync', '--no-password'], env: { PGHOST: db.host, PGPORT: String(db.port), PGUSER: db.user, PGDATABASE: db.database, PGPASSWORD: db.password ?? '' } },
        { quiet: true },
      );
      return (performance.now() - started) / 1000;
    };
    const plainBefore = await plainDump();
    // The flags backup_db.sh runs the tool with.
    const backupOnce = async (file: string) => {
      const once = await run({ file: process.execPath, args: ['--max-semi-space-size=2', join(workspaceRoot, 'bench/backup/backup-once.ts'), file] }, { quiet: true });
      return JSON.parse(once.stdout.split('\n').at(-1) ?? '{}') as { seconds: number; maxRssMb: number; size: number };
    };
    const result = await backupOnce(envFile);
    const withReplica = await backupOnce(replicaEnvFile);
    const plain = (plainBefore + (await plainDump())) / 2;

    rows.push({ metric: `${label(size)} rows: pg_dump -Fc > /dev/null (mean of 2, before and after)`, value: plain, unit: 's' });
    rows.push({ metric: `${label(size)} rows: backup to S3 (stream + sha256 + upload)`, value: result.seconds, unit: 's' });
    rows.push({ metric: `${label(size)} rows: backup / plain pg_dump`, value: result.seconds / plain, unit: '×', goal: '≤ 1.3' });
    rows.push({ metric: `${label(size)} rows: backup process peak RSS`, value: result.maxRssMb, unit: 'MB', goal: '≤ 150, flat' });
    rows.push({ metric: `${label(size)} rows: backup to S3 + replica (one stream, two uploads, both read back)`, value: withReplica.seconds, unit: 's' });
    rows.push({ metric: `${label(size)} rows: backup with replica / plain pg_dump`, value: withReplica.seconds / plain, unit: '×', goal: '≤ 1.3' });
    rows.push({ metric: `${label(size)} rows: backup with replica, peak RSS`, value: withReplica.maxRssMb, unit: 'MB', goal: '≤ 150, flat' });
    rows.push({ metric: `${label(size)} rows: dump size`, value: result.size / 1e6, unit: 'MB' });
    if (index === 0) {
      // Restores create databases: the superuser's; backups run as the backup role.
      const admin = services.config({ ...env, SATVACH_BACKUP_DATABASE_URL: services.urlFor(database, 'superuser') });
      const restored = await restore(admin, { target: `${database}_restored` }, { log: silentLogger });
      rows.push({ metric: `${label(size)} rows: restore (download + verify + pg_restore -j2)`, value: restored.durationMs / 1000, unit: 's' });
      await services.sql('postgres', `DROP DATABASE ${database}_restored`);
    }
    await services.sql('postgres', `DROP DATABASE ${database}`);
  }
} finally {
  await replica.stop();
  await services.down();
}
report(workspaceRoot, 'backup', rows);
