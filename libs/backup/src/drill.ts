import { describe as describeCommand } from '@satvach/exec';
import { type RunContext } from './backup.ts';
import { findManifest } from './catalog.ts';
import { ConfigError, type BackupConfig } from './config.ts';
import { type DrillRecord, type Manifest } from './manifest.ts';
import { backupKeys } from './naming.ts';
import { connect, countRows, postgisVersion, spatialChecks } from './postgres.ts';
import { restore } from './restore.ts';
import { type ScratchOptions, type ScratchServer, startScratchServer } from './scratch.ts';
import { BackupStore } from './store.ts';

export interface DrillOptions {
  readonly stamp?: string;
  /** Keep the scratch server and its restored database running for inspection. */
  readonly keep?: boolean;
  readonly jobs?: number;
  readonly workDir?: string;
  /** Which target to restore from: the primary (default) or the off-host replica. */
  readonly from?: DrillSource;
}

export const DRILL_SOURCES = ['primary', 'replica'] as const;
export type DrillSource = (typeof DRILL_SOURCES)[number];

/** The store a drill reads from; `replica` needs SATVACH_BACKUP_REPLICA_S3_BUCKET. */
export function sourceStore(config: BackupConfig, from: DrillSource = 'primary'): BackupStore {
  if (from === 'primary') return new BackupStore(config.s3);
  if (config.replica === undefined) throw new ConfigError('--from=replica: no replica is configured; set SATVACH_BACKUP_REPLICA_S3_BUCKET and its keys (libs/backup/backup.env.example)');
  return new BackupStore(config.replica);
}

export interface DrillContext extends RunContext {
  /** Starts the server the drill restores into; a throwaway local PostgreSQL + PostGIS by default. */
  readonly startScratch?: (options: ScratchOptions) => Promise<ScratchServer>;
}

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** The throwaway database a drill restores into: `<db>_drill_<stamp>`, within PostgreSQL's 63 characters. */
export function drillDatabaseName(database: string, stamp: string): string {
  const suffix = `_drill_${stamp.toLowerCase()}`;
  return `${database.slice(0, 63 - suffix.length)}${suffix}`;
}

/** Pure comparison of what was restored with what the manifest recorded; one check per fact. */
export function compareWithManifest(manifest: Manifest, restored: { postgis: string | null; tables: Manifest['tables']; spatial: Manifest['spatial']; distance: number | null }): Check[] {
  const checks: Check[] = [];
  if (manifest.postgisVersion === null) {
    checks.push({ name: 'postgis', ok: true, detail: 'the backup has no PostGIS' });
  } else {
    checks.push({
      name: 'postgis',
      ok: restored.postgis === manifest.postgisVersion,
      detail: restored.postgis === null ? `extension missing (the backup has ${manifest.postgisVersion})` : `extension ${restored.postgis} (backup: ${manifest.postgisVersion})`,
    });
  }
  const restoredRows = new Map(restored.tables.map((table) => [`${table.schema}.${table.table}`, table.rows]));
  for (const table of manifest.tables) {
    const name = `${table.schema}.${table.table}`;
    const rows = restoredRows.get(name);
    checks.push({ name: `rows ${name}`, ok: rows === table.rows, detail: `${rows ?? 'missing'} rows (manifest: ${table.rows})` });
  }
  const restoredSpatial = new Map(restored.spatial.map((entry) => [`${entry.schema}.${entry.table}.${entry.column}`, entry]));
  for (const entry of manifest.spatial) {
    const name = `${entry.schema}.${entry.table}.${entry.column}`;
    const again = restoredSpatial.get(name);
    const ok = again !== undefined && again.rows === entry.rows && again.extent === entry.extent;
    checks.push({ name: `spatial ${name}`, ok, detail: `${again?.rows ?? 'missing'} values, extent ${again?.extent ?? 'none'} (manifest: ${entry.rows}, ${entry.extent ?? 'none'})` });
  }
  if (manifest.postgisVersion !== null) {
    // Quito → Guayaquil along the ellipsoid: needs PostGIS's geography code and its spatial_ref_sys.
    checks.push({ name: 'spatial query', ok: restored.distance === 267_818, detail: `ST_Distance(geography) = ${restored.distance ?? 'error'} m (expected 267818)` });
  }
  return checks;
}

/**
 * Proves a backup restorable: starts a scratch PostgreSQL + PostGIS of its own on 127.0.0.1 (never the
 * production server: the drill needs no database privilege there, only the backup's database name),
 * restores the backup (the latest by default) into it, checks the PostGIS extension and version, every
 * table's row count and a spatial query against the manifest, records the result next to the backup
 * (`<stamp>.drill.json`), then stops and deletes the scratch server.
 */
export async function restoreDrill(config: BackupConfig, options: DrillOptions, context: DrillContext): Promise<DrillRecord> {
  const { log } = context;
  const store = context.store ?? sourceStore(config, options.from);
  const started = performance.now();
  const manifest = await findManifest(config, store, options.stamp);
  const target = drillDatabaseName(config.database.database, manifest.stamp);
  let checks: Check[];
  let scratch: ScratchServer | undefined;
  try {
    scratch = await (context.startScratch ?? startScratchServer)({ workDir: options.workDir });
    log.info(`drill: scratch PostgreSQL at ${scratch.database.host}:${scratch.database.port}`);
    // The keys (<prefix>/<db>/…) still name the configured database; the restore goes to the scratch server.
    const scratchConfig: BackupConfig = { ...config, database: { ...scratch.database, database: config.database.database } };
    await restore(scratchConfig, { stamp: manifest.stamp, target, force: true, jobs: options.jobs, workDir: options.workDir }, { ...context, store });
    const client = await connect(scratch.database, target);
    try {
      const distance = await client
        .query<{ metres: string }>(`SELECT round(ST_Distance('SRID=4326;POINT(-78.5 -0.22)'::geography, 'SRID=4326;POINT(-79.9 -2.19)'::geography))::bigint AS metres`)
        .then((result) => Number(result.rows[0]?.metres), () => null);
      checks = compareWithManifest(manifest, { postgis: await postgisVersion(client), tables: await countRows(client), spatial: await spatialChecks(client), distance });
    } finally {
      await client.end();
    }
  } catch (error) {
    checks = [{ name: 'restore', ok: false, detail: (error as Error).message }];
  } finally {
    if (options.keep !== true) await scratch?.stop().catch((error: Error) => log.warn(`drill: stopping the scratch server failed: ${error.message}`));
  }
  const record: DrillRecord = {
    format: 'satvach-drill/1',
    stamp: manifest.stamp,
    at: (context.now ?? (() => new Date()))().toISOString(),
    ok: checks.every((check) => check.ok),
    durationMs: Math.round(performance.now() - started),
    checks,
  };
  for (const check of checks) (check.ok ? log.info : log.error)(`drill: ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
  await store.putJson(backupKeys(store.config.prefix, config.database.database, manifest.stamp, manifest.encrypted).drill, record);
  log.info(`drill: backup ${manifest.stamp} from the ${store.config.target} ${record.ok ? 'is restorable' : 'FAILED'} (${(record.durationMs / 1000).toFixed(1)} s)`);
  if (options.keep === true && scratch !== undefined) {
    const { host, port, user } = scratch.database;
    log.info(`drill: kept database "${target}" on the scratch server ${host}:${port} (user ${user}, data ${scratch.dataDir}); stop and delete it with: ${describeCommand(scratch.stopCommand)}`);
  }
  return record;
}
