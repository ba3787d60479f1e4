import { pipeline } from 'node:stream/promises';
import { type Readable, type Transform, type Duplex } from 'node:stream';
import { spawnStream, type OutputSink } from '@satvach/exec';
import { type BackupConfig } from './config.ts';
import { type Logger } from './logger.ts';
import { type LatestPointer, type Manifest } from './manifest.ts';
import { backupKeys, latestKey, stampOf, type BackupKeys } from './naming.ts';
import { connect, countRows, DEFAULT_PG_TOOLS, dumpCommand, postgisVersion, serverVersion, spatialChecks, type PgTools } from './postgres.ts';
import { createProgress } from './progress.ts';
import { BackupStore } from './store.ts';
import { ageEncrypt, digest, endWhenSucceeded, meter } from './streams.ts';

export class BackupError extends Error {
  override readonly name = 'BackupError';
}

export interface RunContext {
  readonly log: Logger;
  readonly store?: BackupStore;
  readonly tools?: PgTools;
  readonly now?: () => Date;
  /** Progress on a terminal (rewritten line) rather than log lines. */
  readonly tty?: boolean;
  /** Progress and pg_dump's stderr; defaults to the logger. */
  readonly progressWrite?: (text: string) => void;
}

export interface BackupResult {
  readonly manifest: Manifest;
  readonly keys: BackupKeys;
}

function storeOf(config: BackupConfig, context: RunContext): BackupStore {
  return context.store ?? new BackupStore(config.s3);
}

function sinkOf(log: Logger): OutputSink {
  return { write: (_stream, line) => log.warn(`pg_dump: ${line}`) };
}

/**
 * One backup: `pg_dump -Fc` of a snapshot streamed (optionally through age) into a multipart upload, with
 * no temp file and flat memory. Row counts and spatial summaries come from the same snapshot. The manifest
 * is written only after the dump object is complete, and `latest.json` only after the manifest; any
 * failure before that leaves no object that counts as a backup and `latest` untouched.
 */
export async function backup(config: BackupConfig, context: RunContext): Promise<BackupResult> {
  const { log } = context;
  const store = storeOf(config, context);
  const db = config.database;
  const now = context.now ?? (() => new Date());
  await store.checkBucket();
  const client = await connect(db);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]?.id ?? '';
    const started = now();
    const keys = backupKeys(config.s3.prefix, db.database, stampOf(started), config.encryption.recipient !== undefined);
    const target = `s3://${config.s3.bucket}/${keys.dump}`;
    log.info(`backup: pg_dump of ${db.database} at ${db.host}:${db.port} → ${target}${config.encryption.recipient === undefined ? '' : ' (age-encrypted)'}`);

    const dump = spawnStream(dumpCommand(db, snapshot, context.tools ?? DEFAULT_PG_TOOLS), { sink: sinkOf(log) });
    const progress = createProgress({ label: 'backup', tty: context.tty === true, write: context.progressWrite ?? ((text) => log.info(text.trimEnd())) });
    let dumpSize = 0;
    const stages: (Readable | Transform | Duplex)[] = [
      dump.stdout,
      meter((count) => {
        dumpSize += count;
        progress.add(count);
      }),
      endWhenSucceeded(dump.done),
    ];
    if (config.encryption.recipient !== undefined) stages.push(await ageEncrypt(config.encryption.recipient));
    const stored = digest();
    stages.push(stored.stream);

    const body = stored.stream;
    const flowing = pipeline(stages as [Readable, ...Transform[]]).catch((error: unknown) => {
      body.destroy(error as Error);
      throw error;
    });
    const upload = store.upload(keys.dump, body);
    const facts = (async () => ({
      tables: await countRows(client),
      spatial: await spatialChecks(client),
      postgis: await postgisVersion(client),
      server: await serverVersion(client),
    }))();
    const outcomes = await Promise.allSettled([dump.done, upload, facts, flowing].map(timed));
    const failure = firstFailure(outcomes);
    if (failure !== undefined) {
      dump.cancel();
      throw await explain(failure, config, store);
    }
    const finished = now();
    const { tables, spatial, postgis, server } = await facts;
    const { sha256, size } = stored.result();
    log.info(progress.finish());
    const manifest: Manifest = {
      format: 'satvach-backup/1',
      database: db.database,
      stamp: keys.stamp,
      key: keys.dump,
      encrypted: config.encryption.recipient !== undefined,
      recipient: config.encryption.recipient ?? null,
      sha256,
      size,
      dumpSize,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      serverVersion: server,
      postgisVersion: postgis,
      tables,
      spatial,
    };
    await store.putJson(keys.manifest, manifest);
    const latest: LatestPointer = { stamp: keys.stamp, manifest: keys.manifest, key: keys.dump, updatedAt: now().toISOString() };
    await store.putJson(latestKey(config.s3.prefix, db.database), latest);
    log.info(`backup: done ${keys.dump} (${size} bytes, sha256 ${sha256}, ${tables.length} tables); latest → ${keys.stamp}`);
    return { manifest, keys };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** Settles like `promise`, noting when it rejected: the earlier failure is the cause, the later its echo. */
async function timed(promise: Promise<unknown>): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    throw { error: error as Error, at: performance.now() };
  }
}

/**
 * The cause worth telling: whichever of pg_dump and the upload failed first (when the upload dies,
 * pg_dump then fails on its closed stdout, and the other way round), else the row counts, else the stream.
 */
function firstFailure(outcomes: readonly PromiseSettledResult<unknown>[]): { what: string; error: Error } | undefined {
  const labels = ['pg_dump failed', 'the upload failed', 'counting rows failed', 'the stream failed'];
  const failures = outcomes
    .map((outcome, index) => {
      if (outcome.status !== 'rejected') return undefined;
      const { error, at } = outcome.reason as { error: Error; at: number };
      return { what: labels[index] ?? 'failed', error, at, rank: index < 2 ? 0 : index };
    })
    .filter((failure) => failure !== undefined)
    .sort((a, b) => a.rank - b.rank || a.at - b.at);
  return failures[0];
}

async function explain(failure: { what: string; error: Error }, config: BackupConfig, store: BackupStore): Promise<Error> {
  const pointer = await store.getText(latestKey(config.s3.prefix, config.database.database)).then(
    (text) => (text === undefined ? 'no earlier backup exists' : `latest still points at ${(JSON.parse(text) as LatestPointer).stamp}`),
    () => 'latest.json was not touched',
  );
  return new BackupError(`backup of ${config.database.database} failed, nothing was recorded (${pointer}): ${failure.what}: ${failure.error.message}`);
}
