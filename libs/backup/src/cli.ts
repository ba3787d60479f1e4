#!/usr/bin/env node
// The backup tool: `node libs/backup/src/cli.ts <command> [options]`. docker/backup/backup_db.sh and the
// backup container call it; the Nx executors call the same library functions directly.
import { parseArgs } from 'node:util';
import { backupJob, runSchedule, seedBackupMetrics } from './job.ts';
import { BackupStore } from './store.ts';
import { BackupMetrics, DEFAULT_METRICS_LISTEN, parseListen, serveMetrics } from './metrics.ts';
import { listAcross, readLatest } from './catalog.ts';
import { targetsOf } from './backup.ts';
import { ConfigError, loadConfigFrom } from './config.ts';
import { DRILL_SOURCES, restoreDrill, type DrillSource } from './drill.ts';
import { consoleLogger } from '@satvach/exec';
import { prune } from './prune.ts';
import { formatCatalog } from './report.ts';
import { restore } from './restore.ts';

export const USAGE = `usage: cli.ts <command> [--env-file FILE] [options]
  backup   [--no-prune]                                 one backup, then retention, then the heartbeat
  schedule [--metrics-listen HOST:PORT]                  backups on SATVACH_BACKUP_SCHEDULE until stopped; Prometheus metrics
                                                        at /metrics (default 0.0.0.0:9464)
  restore  --database DB [--timestamp T] [--force] [--jobs N]
  drill    [--timestamp T] [--keep] [--from primary|replica]  restore into a scratch server of its own and check it
  list     [--json]                                     every backup, with its presence on each target
  prune    [--dry-run]                                  retention, as the retention identity (SATVACH_BACKUP_PRUNE_S3_*)
Configuration: SATVACH_BACKUP_* and PG* variables (libs/backup/backup.env.example), or --env-file.`;

export async function main(argv: readonly string[]): Promise<number> {
  const log = consoleLogger();
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'env-file': { type: 'string' },
        once: { type: 'boolean' },
        'no-prune': { type: 'boolean' },
        'metrics-listen': { type: 'string' },
        database: { type: 'string' },
        timestamp: { type: 'string' },
        force: { type: 'boolean' },
        jobs: { type: 'string' },
        keep: { type: 'boolean' },
        from: { type: 'string' },
        json: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    log.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help === true || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  try {
    const config = loadConfigFrom(values['env-file']);
    const context = { log, tty: process.stderr.isTTY === true, progressWrite: process.stderr.isTTY === true ? (text: string) => process.stderr.write(text) : undefined };
    const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
    switch (command) {
      case 'backup':
        return (await backupJob(config, context, { prune: values['no-prune'] !== true })).ok ? 0 : 1;
      case 'schedule': {
        const controller = new AbortController();
        for (const name of ['SIGTERM', 'SIGINT'] as const) process.once(name, () => controller.abort());
        const metrics = new BackupMetrics();
        await seedBackupMetrics(config, new BackupStore(config.s3), metrics, log);
        const server = await serveMetrics(metrics, parseListen(values['metrics-listen'] ?? DEFAULT_METRICS_LISTEN));
        log.info(`schedule: metrics on port ${server.port} at /metrics`);
        try {
          await runSchedule(config, context, controller.signal, { metrics });
        } finally {
          await server.close();
        }
        return 0;
      }
      case 'restore':
        if (values.database === undefined) throw new ConfigError('restore needs --database <name>: the database to restore into');
        await restore(config, { target: values.database, stamp: values.timestamp, force: values.force, jobs }, context);
        return 0;
      case 'drill': {
        const from = values.from ?? 'primary';
        if (!(DRILL_SOURCES as readonly string[]).includes(from)) throw new ConfigError(`--from must be one of ${DRILL_SOURCES.join(', ')}, not "${from}"`);
        return (await restoreDrill(config, { stamp: values.timestamp, keep: values.keep, jobs, from: from as DrillSource }, context)).ok ? 0 : 1;
      }
      case 'list': {
        const stores = targetsOf(config, {});
        const entries = await listAcross(config, stores);
        const latest = await readLatest(config, stores[0]);
        process.stdout.write(values.json === true ? `${JSON.stringify({ latest: latest?.stamp ?? null, backups: entries }, null, 2)}\n` : `${formatCatalog(entries, latest?.stamp)}\n`);
        return 0;
      }
      case 'prune':
        await prune(config, { dryRun: values['dry-run'] }, context);
        return 0;
      default:
        log.error(`unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    log.error((error as Error).message);
    return 1;
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
